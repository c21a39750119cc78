"""The simulated centre's earlier hours, counted before the demo's first frame.

A demo that opens on an empty day shows zeros where a supervisor expects today's answered
calls and service level. `warm_up_day` polls a simulated `CallCentre` from where it stands
to `end` (simulated time, which is real UTC in the demo), every `step_s`, through the same
parser as the live source, and hands each snapshot to `record` (the day's counting), as if
the board had been watching since then. It keeps to a wall-time budget: a slow machine or
a large centre gets a shorter morning (its latest part) rather than a late first frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import Snapshot, build_snapshot
from wallboard.sim.centre import CallCentre

__all__ = ["WarmUp", "warm_up_day"]

# Every so many polls, the time they took says whether the rest fits the budget.
_PROBE_POLLS = 20


@dataclass(frozen=True, slots=True)
class WarmUp:
    """What a warm-up did: polls counted, up to which simulated time, and its wall time."""

    polls: int
    reached: float
    seconds: float
    complete: bool


def warm_up_day(
    centre: CallCentre,
    record: Callable[[Snapshot], object],
    *,
    end: float,
    step_s: float,
    budget_s: float,
    timer: Callable[[], float] = time.perf_counter,
) -> WarmUp:
    """Poll `centre` every `step_s` up to `end` (the last poll at `end`) and `record` each
    snapshot (see the module).

    Within `budget_s` of wall time (read from `timer`): once the first polls show that the
    rest would not fit, the centre skips ahead (unrecorded) to the latest start that fits,
    because the hours just before now are the ones the live board continues; `complete`
    is then False.
    """
    if step_s <= 0:
        raise ValueError(f"step_s must be > 0, got {step_s}")
    began = timer()
    estimator = ServerClockEstimator(None)
    ext_memo, queue_memo = ParseMemo(), ParseMemo()
    polls = 0
    complete = True
    # Bounded: at most (end - now) / step_s polls, fewer when the budget says so.
    while centre.now < end:
        if polls and polls % _PROBE_POLLS == 0:
            spent = timer() - began
            fits = int((budget_s - spent) / (spent / polls)) if spent > 0 else polls
            if (end - centre.now) / step_s > fits + 1:
                complete = False
                if fits <= 0:
                    break
                centre.advance_to(end - fits * step_s)
        # The last poll is at `end` itself: the live board's first one follows at once.
        at = min(centre.now + step_s, end)
        centre.advance_to(at)
        extensions, skipped = parse_extensions(
            {"ERR": 0, "EXTENSIONS": centre.extensions_payload()}, ext_memo
        )
        queues, skipped_queues = parse_queues(
            {"ERR": 0, "QUEUES": centre.queues_payload()}, queue_memo
        )
        record(
            build_snapshot(
                extensions,
                queues,
                skipped + skipped_queues,
                fetched_at=at,
                latency_s=0.0,
                estimator=estimator,
                source="demo warm-up",
            )
        )
        polls += 1
    return WarmUp(polls, centre.now, timer() - began, complete=complete)
