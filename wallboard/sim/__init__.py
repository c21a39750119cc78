"""The built-in call-centre simulator: a seeded model, fault injection, and the API it serves.

- :class:`~wallboard.sim.centre.CallCentre`: the model, producing the vendor's wire format,
  shaped by a :class:`~wallboard.sim.centre.CentreProfile` (the demo's: ``demo_profile``);
- :mod:`~wallboard.sim.measure`: how believable it looks to a board (agents available while
  callers wait for them);
- :class:`~wallboard.sim.faults.FaultProfile`: which requests fail, and how;
- :func:`~wallboard.sim.server.create_app` / :func:`~wallboard.sim.server.run_server`: the
  Starlette app serving it, in-process or on a port.

It never imports the client (``wallboard.api``, ``wallboard.core``), so that the two check
each other.
"""

from wallboard.sim.centre import CallCentre, CentreProfile, Surges, demo_profile
from wallboard.sim.faults import FaultKind, FaultProfile

__all__ = ["CallCentre", "CentreProfile", "FaultKind", "FaultProfile", "Surges", "demo_profile"]
