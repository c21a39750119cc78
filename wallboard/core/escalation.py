"""How long is too long: the escalation step of an agent's time in state.

A call, a hold, a ring, a break or lunch that runs long changes colour by steps, so that a
1:02:03 call does not look like a 5-second one. Each state (by its style key) and each
status code may have up to three thresholds in seconds; the step is how many of them the
time in state has reached (0: fine, 1, 2, 3: the worst). A status code's own thresholds
win over its state's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise

MAX_STEP = 3

# The defaults: a call is long past 5 minutes, very long past 15 and half an hour; a
# caller on hold or a phone ringing is worrying far sooner. (The config overrides them.)
DEFAULT_BY_STYLE: Mapping[str, tuple[float, ...]] = {
    "call-talking": (300.0, 900.0, 1800.0),
    "call-hold": (60.0, 180.0, 300.0),
    "call-ringing": (15.0, 30.0, 60.0),
    "call-dialing": (30.0, 60.0, 120.0),
}
# Status codes: lunch (3) past 30, 45 and 60 minutes; a short break (7) past 10, 15, 20.
DEFAULT_BY_STATUS: Mapping[int, tuple[float, ...]] = {
    3: (1800.0, 2700.0, 3600.0),
    7: (600.0, 900.0, 1200.0),
}


def steps_of(thresholds: tuple[float, ...] | list[float]) -> tuple[float, ...]:
    """Thresholds as the rule keeps them: at most `MAX_STEP`, ascending; ValueError else."""
    values = tuple(float(value) for value in thresholds)
    if len(values) > MAX_STEP:
        raise ValueError(f"at most {MAX_STEP} steps (seconds), e.g. [300, 900, 1800]")
    if any(value <= 0 for value in values):
        raise ValueError("steps are seconds above 0")
    if any(later <= earlier for earlier, later in pairwise(values)):
        raise ValueError("steps must go up, e.g. [300, 900, 1800]")
    return values


@dataclass(frozen=True, slots=True)
class EscalationRules:
    """Thresholds per state style key and per status code (each at most three, rising)."""

    by_style: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: dict(DEFAULT_BY_STYLE)
    )
    by_status: Mapping[int, tuple[float, ...]] = field(
        default_factory=lambda: dict(DEFAULT_BY_STATUS)
    )

    def thresholds(self, style: str, status: int | None) -> tuple[float, ...]:
        """The thresholds that apply: on a call the call's state's; off a call the status
        code's own, else its state's (none: it never escalates)."""
        if not style.startswith("call-") and status is not None:
            own = self.by_status.get(status)
            if own is not None:
                return own
        return self.by_style.get(style, ())

    def step(self, style: str, status: int | None, seconds: float) -> int:
        """The step (0..3) of `seconds` in the state `style` (status code `status`)."""
        limits = self.thresholds(style, status)
        return bisect_right(limits, seconds) if limits else 0


NO_ESCALATION = EscalationRules({}, {})
