"""Fault injection for the simulated API: the ways the real service and the network fail.

A :class:`FaultProfile` decides, request by request, whether the simulator misbehaves and how.
Faults come from two places: a queue of forced faults (``profile.force(kind, count)``), which
tests use to get one exact fault on the next request, and per-kind probabilities drawn from a
seeded RNG, which a demo uses (``--faults chaos``).

Spec syntax (``FaultProfile.parse``), items separated by commas:

- ``none`` (or an empty string): no faults;
- ``chaos``: a named mix of every kind at low rates;
- ``KIND=P``: probability ``P`` (0..1) for one kind, e.g. ``http_500_html=0.1,hang=0.02``;
- ``hang_seconds=S``, ``slow_seconds=S``, ``down_seconds=S``: how long a hang, a slow answer
  and an outage last.

``chaos`` may be combined with overrides: ``chaos,hang=0,down_seconds=5``.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import deque
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

__all__ = ["CHAOS", "FaultKind", "FaultProfile", "drift_extensions", "drift_queues"]


class FaultKind(StrEnum):
    """One way a request can go wrong; the value is the name used in ``--faults`` specs."""

    HTTP_500_HTML = "http_500_html"  #: HTTP 500/502/503 with an HTML body (a proxy's page)
    HANG = "hang"  #: no answer for ``hang_seconds``, longer than any sane client timeout
    RESET = "reset"  #: the connection is reset before any response
    TRUNCATED_JSON = "truncated_json"  #: HTTP 200, but the JSON body is cut in half
    ERR_2 = "err_2"  #: HTTP 200 ``{"ERR": 2, "DESC": "Internal error"}``
    ERR_1 = "err_1"  #: HTTP 200 ``{"ERR": 1, "DESC": "Authorization failed"}``
    SLOW = "slow"  #: a correct answer after ``slow_seconds``
    EMPTY_EXTENSIONS = "empty_extensions"  #: ``EXTENSIONS: []`` while queues stay normal
    SCHEMA_DRIFT = "schema_drift"  #: retyped, renamed, missing, null and unknown fields
    SERVER_DOWN = "server_down"  #: every request dropped for ``down_seconds``


#: The ``chaos`` mix: every kind, rare enough that the board is mostly live.
CHAOS: dict[FaultKind, float] = {
    FaultKind.HTTP_500_HTML: 0.03,
    FaultKind.HANG: 0.005,
    FaultKind.RESET: 0.02,
    FaultKind.TRUNCATED_JSON: 0.02,
    FaultKind.ERR_2: 0.02,
    FaultKind.ERR_1: 0.005,
    FaultKind.SLOW: 0.05,
    FaultKind.EMPTY_EXTENSIONS: 0.01,
    FaultKind.SCHEMA_DRIFT: 0.03,
    FaultKind.SERVER_DOWN: 0.002,
}

_DURATIONS = ("hang_seconds", "slow_seconds", "down_seconds")


class FaultProfile:
    """Decides which fault, if any, the next request suffers.

    ``probabilities`` maps kinds to the chance that a request gets that fault (they must add up
    to at most 1). ``seed`` seeds the draws, so a demo run is repeatable. While a
    ``server_down`` outage lasts, every request gets ``SERVER_DOWN``.
    """

    def __init__(
        self,
        probabilities: Mapping[FaultKind, float] | Mapping[str, float] | None = None,
        *,
        seed: int = 0,
        hang_seconds: float = 30.0,
        slow_seconds: float = 1.5,
        down_seconds: float = 15.0,
    ) -> None:
        probs: dict[FaultKind, float] = {}
        for kind, p in (probabilities or {}).items():
            k = _kind(str(kind))
            if not 0.0 <= p <= 1.0 or math.isnan(p):
                raise ValueError(f"fault probability for {k.value} must be within 0..1, got {p}")
            probs[k] = p
        if sum(probs.values()) > 1.0 + 1e-9:
            raise ValueError("fault probabilities add up to more than 1")
        for name, value in zip(_DURATIONS, (hang_seconds, slow_seconds, down_seconds), strict=True):
            if not value >= 0:
                raise ValueError(f"{name} must be a number of seconds >= 0, got {value}")
        self.probabilities = probs
        self.seed = seed
        self.hang_seconds = hang_seconds
        self.slow_seconds = slow_seconds
        self.down_seconds = down_seconds
        self.rng = random.Random(seed)
        self._forced: deque[FaultKind] = deque()
        self._down_until = -math.inf

    @classmethod
    def parse(cls, spec: str | None, *, seed: int = 0) -> FaultProfile:
        """Build a profile from a ``--faults`` spec (see the module docstring for the syntax).

        Raises ``ValueError`` naming the valid kinds and options when the spec is wrong.
        """
        probs: dict[FaultKind, float] = {}
        durations: dict[str, float] = {}
        for raw in (spec or "").split(","):
            item = raw.strip()
            if item in ("", "none"):
                continue
            if item == "chaos":
                probs.update(CHAOS)
                continue
            name, sep, value = (part.strip() for part in item.partition("="))
            if not sep:
                raise ValueError(f"bad fault spec item {item!r}. {_SPEC_HELP}")
            try:
                number = float(value)
            except ValueError:
                raise ValueError(
                    f"bad number {value!r} in fault spec item {item!r}. {_SPEC_HELP}"
                ) from None
            if name in _DURATIONS:
                durations[name] = number
            else:
                probs[_kind(name)] = number
        return cls(probs, seed=seed, **durations)

    def describe(self) -> str:
        """The profile as a spec string, e.g. ``"hang=0.02,slow=0.05"``; ``"none"`` if empty."""
        items = [f"{k.value}={p:g}" for k, p in self.probabilities.items() if p > 0]
        return ",".join(items) or "none"

    def force(self, kind: FaultKind | str, count: int = 1) -> None:
        """Make the next ``count`` requests get ``kind``, ahead of any random draw."""
        self._forced.extend([_kind(str(kind))] * count)

    def draw(self, now: float) -> FaultKind | None:
        """The fault for the request arriving at (real) time ``now``, or None for none."""
        if now < self._down_until:
            return FaultKind.SERVER_DOWN
        if self._forced:
            kind: FaultKind | None = self._forced.popleft()
        else:
            kind = None
            u = self.rng.random()
            for k, p in self.probabilities.items():
                if u < p:
                    kind = k
                    break
                u -= p
        if kind is FaultKind.SERVER_DOWN:
            self._down_until = now + self.down_seconds
        return kind

    def end_outage(self) -> None:
        """End a ``server_down`` outage now (tests switch faults off with this)."""
        self._down_until = -math.inf

    def http_error_status(self) -> int:
        """The status an ``http_500_html`` fault answers with."""
        return self.rng.choice((500, 502, 503))


_SPEC_HELP = (
    "Use 'none', 'chaos', or comma-separated KIND=PROBABILITY items (and optionally "
    f"{', '.join(n + '=SECONDS' for n in _DURATIONS)}); valid kinds: "
    + ", ".join(k.value for k in FaultKind)
)


def _kind(name: str) -> FaultKind:
    try:
        return FaultKind(name)
    except ValueError:
        raise ValueError(f"unknown fault kind {name!r}. {_SPEC_HELP}") from None


def drift_extensions(extensions: list[dict[str, Any]], rng: random.Random) -> None:
    """Mangle a fresh EXTENSIONS list in place the way PHP-style APIs drift.

    Each drift lands on a different extension (and call) while there are enough of them, so a
    test can check that one odd item does not drop the rest.
    """
    if not extensions:
        return
    pick = _cycle(extensions, rng)
    e = pick()
    e["onlineUserStatus"] = str(e["onlineUserStatus"])  # an int sent as a string
    pick()["onlineUserStatus"] = 42  # a status the vendor's table does not know
    e = pick()
    e["userID"] = str(e["userID"])
    pick().pop("username", None)
    pick()["queueMemberships"] = [{"queue": "?", "penalty": 0}]  # an unknown extra field
    pick()["extensionID"] = None  # null where an int belongs
    e = pick()
    e["Representative"] = e.pop("representative", "")  # a renamed field
    calls = [c for e in extensions for c in e.get("calls") or []]
    if not calls:
        return
    pick_call = _cycle(calls, rng)
    pick_call().update(customdata=[], recording=[])  # PHP's empty array for an empty object
    pick_call()["callstatus"] = 3  # the table's numeric form of Talking
    c = pick_call()
    c["callstatus"] = str(c["callstatus"]).lower()
    c = pick_call()
    c["callStarted"] = str(c["callStarted"])
    pick_call()["callAnswered"] = None
    pick_call().pop("callername", None)


def drift_queues(queues: list[dict[str, Any]], rng: random.Random) -> None:
    """Mangle a fresh QUEUES list in place the way PHP-style APIs drift."""
    if not queues:
        return
    pick = _cycle(queues, rng)
    q = pick()
    q["ID"] = str(q["ID"])
    pick()["Weight"] = None
    pick()["Strategy"] = "rrmemory"  # an unknown extra field
    callers = [c for q in queues for c in q.get("Callers") or []]
    if not callers:
        return
    pick_caller = _cycle(callers, rng)
    c = pick_caller()
    c["Duration"] = str(c["Duration"])
    c = pick_caller()
    c["JoinTime"] = str(c["JoinTime"])
    pick_caller().pop("CallID", None)
    pick_caller()["Phone"] = None


def _cycle(items: list[dict[str, Any]], rng: random.Random) -> Callable[[], dict[str, Any]]:
    """Hand out the items in a random order, starting over when all have been used."""
    return itertools.cycle(rng.sample(items, len(items))).__next__
