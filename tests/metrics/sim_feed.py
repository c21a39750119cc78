"""Drive the simulator in-process and feed its answers through the real parser.

The simulator's ground truth (`CallCentre.truth`) is what the board should infer; these
helpers produce the snapshots a board would see, polled every `interval_s` of simulated
time, with no HTTP in between (the HTTP path is tested elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues
from wallboard.core.calendar import DayCalendar
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import Snapshot, build_snapshot
from wallboard.sim.centre import CallCentre

UTC_CALENDAR = DayCalendar(UTC)


def snapshots(
    centre: CallCentre, start: float, end: float, interval_s: float
) -> Iterator[Snapshot]:
    """Snapshots from `start` to `end` (simulated UTC), one per `interval_s`."""
    estimator = ServerClockEstimator(None)
    ext_memo, queue_memo = ParseMemo(), ParseMemo()
    t = start
    while t < end:
        centre.advance_to(t)
        extensions, skipped = parse_extensions(
            {"ERR": 0, "EXTENSIONS": centre.extensions_payload()}, ext_memo
        )
        queues, skipped_q = parse_queues({"ERR": 0, "QUEUES": centre.queues_payload()}, queue_memo)
        yield build_snapshot(
            extensions,
            queues,
            skipped + skipped_q,
            fetched_at=t,
            latency_s=0.0,
            estimator=estimator,
        )
        t += interval_s
