"""How many callers waited in each queue over the last hour, a sample a minute.

Fed with the board's queues at each snapshot and the injected time; a minute's sample is
the most callers seen waiting during that minute (a peak between two samples is what a
supervisor wants to see). Minutes with no snapshot stay unknown and draw as a gap.
Bounded: `MINUTES` samples per queue, `MAX_QUEUES` queues, and a queue not seen for the
whole window is forgotten.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence

from wallboard.core.board import QueueView

MINUTES = 60
MAX_QUEUES = 1_000
BLOCKS = "▁▂▃▄▅▆▇█"
GAP = " "


class WaitingTrend:
    """Per queue, the callers waiting each minute of the last `MINUTES`."""

    def __init__(self, minutes: int = MINUTES, max_queues: int = MAX_QUEUES) -> None:
        self.minutes = minutes
        self.max_queues = max_queues
        # queue ID → (minute number, peak waiting in it), oldest first.
        self._samples: dict[int, deque[tuple[int, int]]] = {}

    def record(self, queues: Iterable[QueueView], now: float) -> None:
        """Take the callers waiting in `queues` at `now` (UTC seconds)."""
        minute = int(now // 60)
        for queue in queues:
            samples = self._samples.get(queue.queue_id)
            if samples is None:
                if len(self._samples) >= self.max_queues:
                    continue
                samples = self._samples[queue.queue_id] = deque(maxlen=self.minutes)
            waiting = len(queue.callers)
            if samples and samples[-1][0] == minute:
                if waiting > samples[-1][1]:
                    samples[-1] = (minute, waiting)
            elif not samples or samples[-1][0] < minute:
                samples.append((minute, waiting))
            # A sample from the future (the clock stepped back) is left alone.
        oldest = minute - self.minutes
        for queue_id in [q for q, s in self._samples.items() if s and s[-1][0] <= oldest]:
            del self._samples[queue_id]

    def series(self, queue_id: int, now: float, width: int) -> tuple[int | None, ...]:
        """The last `width` minutes (at most `minutes`) up to `now`'s, oldest first; None
        for a minute without a sample."""
        width = max(0, min(width, self.minutes))
        samples = self._samples.get(queue_id)
        if not samples or width == 0:
            return (None,) * width
        last = int(now // 60)
        first = last - width + 1
        values: list[int | None] = [None] * width
        for minute, waiting in samples:
            if first <= minute <= last:
                values[minute - first] = waiting
        return tuple(values)


def sparkline(values: Sequence[int | None]) -> str:
    """`values` as block characters, scaled to their own peak: 0 is the lowest block, any
    caller at least the second, the peak the full block; None a gap."""
    peak = max((v for v in values if v is not None), default=0)
    cells = []
    for value in values:
        if value is None:
            cells.append(GAP)
        elif value <= 0 or peak <= 0:
            cells.append(BLOCKS[0])
        else:
            cells.append(BLOCKS[max(1, round(value * (len(BLOCKS) - 1) / peak))])
    return "".join(cells)
