"""One poll's validated view of the call centre, immutable once made."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from wallboard.api.models import Extension, Queue
from wallboard.api.parse import SkippedItem
from wallboard.core.server_clock import ServerClockEstimator


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The extensions and queues of one poll.

    `fetched_at` is the client's UTC time when the answers arrived; `clock_offset_s` is the
    server's clock minus UTC, so a server epoch `t` happened at UTC `t - clock_offset_s`.
    """

    extensions: tuple[Extension, ...]
    queues: tuple[Queue, ...]
    fetched_at: float
    clock_offset_s: float
    skipped: tuple[SkippedItem, ...] = ()
    latency_s: float = 0.0
    source: str = ""

    def to_utc(self, server_epoch: float) -> float:
        """Convert a server epoch to UTC epoch seconds."""
        return server_epoch - self.clock_offset_s


def build_snapshot(
    extensions: list[Extension],
    queues: list[Queue],
    skipped: list[SkippedItem],
    *,
    fetched_at: float,
    latency_s: float,
    estimator: ServerClockEstimator,
    source: str = "",
) -> Snapshot:
    """Assemble a snapshot, estimating the server's clock offset from its own readings."""
    server_nows = [
        caller.join_time + caller.duration
        for queue in queues
        for caller in queue.callers
        if caller.duration is not None
    ]
    # A generator: the estimator reads these only when nobody waits (thousands of calls).
    event_times = chain(
        (caller.join_time for queue in queues for caller in queue.callers),
        (
            epoch
            for extension in extensions
            for call in extension.calls
            for epoch in (call.call_started, call.call_answered)
            if epoch
        ),
    )
    offset = estimator.estimate(fetched_at, server_nows, event_times)
    return Snapshot(
        extensions=tuple(extensions),
        queues=tuple(queues),
        fetched_at=fetched_at,
        clock_offset_s=offset,
        skipped=tuple(skipped),
        latency_s=latency_s,
        source=source,
    )
