"""Injected time. Logic takes a `Clock` (or a `now` argument) and never reads the wall clock."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Where the current time comes from: UTC epoch seconds and a monotonic reading."""

    def now(self) -> float:
        """UTC epoch seconds."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back; for intervals and deadlines."""
        ...


class SystemClock:
    """The real clock, used at the edges of the program only."""

    def now(self) -> float:
        """UTC epoch seconds from the system clock."""
        return time.time()

    def monotonic(self) -> float:
        """The system's monotonic clock."""
        return time.monotonic()


class FakeClock:
    """A clock tests move by hand, so that a day of board time runs in a second."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start
        self._mono = 1000.0

    def now(self) -> float:
        """The fake UTC time."""
        return self._now

    def monotonic(self) -> float:
        """The fake monotonic time; advances with `advance`."""
        return self._mono

    def advance(self, seconds: float) -> None:
        """Move both readings forward."""
        self._now += seconds
        self._mono += seconds
