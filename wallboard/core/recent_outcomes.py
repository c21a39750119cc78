"""The last callers each queue saw leave: who waited how long, answered by whom or gone.

Kept from the outcomes the day's counting produces each poll (`DayRecorder.record`), for
the queue detail. Bounded: `PER_QUEUE` outcomes per queue, `MAX_QUEUES` queues.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from wallboard.core.day_metrics import ABANDONED, ANSWERED, Outcome

PER_QUEUE = 20
MAX_QUEUES = 1_000
CALLER_KINDS = (ANSWERED, ABANDONED)


class RecentOutcomes:
    """Per queue, its last answered and abandoned callers, newest last."""

    def __init__(self, per_queue: int = PER_QUEUE, max_queues: int = MAX_QUEUES) -> None:
        self.per_queue = per_queue
        self.max_queues = max_queues
        self._by_queue: dict[int, deque[Outcome]] = {}

    def add(self, outcomes: Iterable[Outcome]) -> None:
        """Keep the callers' outcomes among `outcomes` (agents' own kinds are skipped)."""
        for outcome in outcomes:
            if outcome.kind not in CALLER_KINDS or outcome.queue_id is None:
                continue
            kept = self._by_queue.get(outcome.queue_id)
            if kept is None:
                if len(self._by_queue) >= self.max_queues:
                    continue
                kept = self._by_queue[outcome.queue_id] = deque(maxlen=self.per_queue)
            kept.append(outcome)

    def last(self, queue_id: int, count: int = PER_QUEUE) -> tuple[Outcome, ...]:
        """The queue's last `count` outcomes, newest first."""
        kept = self._by_queue.get(queue_id, ())
        return tuple(reversed(kept))[:count]
