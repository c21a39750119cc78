"""The feed's health: how old the data is, what went wrong, when the next try comes.

A board that shows old data as if it were live is worse than no board, so staleness is a
first-class fact here: data older than `STALE_INTERVALS` poll intervals is stale, and the
reason is always at hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

STALE_INTERVALS = 3


@dataclass(frozen=True, slots=True)
class Health:
    """What the health line says. Times are UTC epoch seconds."""

    source: str
    interval_s: float
    started_utc: float
    last_success_utc: float | None = None
    latency_s: float | None = None
    error: str | None = None
    error_kind: str | None = None
    failures: int = 0
    next_retry_utc: float | None = None
    skipped: int = 0
    # How many intervals without data make it stale (None: `STALE_INTERVALS`). A board
    # following a hub dates the data by the hub's poll and uses fewer.
    stale_intervals: float | None = None

    def succeeded(self, now: float, latency_s: float, skipped: int = 0) -> Health:
        """After a good poll: errors clear, the normal interval resumes."""
        return replace(
            self,
            last_success_utc=now,
            latency_s=latency_s,
            error=None,
            error_kind=None,
            failures=0,
            next_retry_utc=None,
            skipped=skipped,
        )

    def failed(self, kind: str, message: str, next_retry_utc: float) -> Health:
        """After a failed poll: the error and when the next attempt is due."""
        return replace(
            self,
            error=message,
            error_kind=kind,
            failures=self.failures + 1,
            next_retry_utc=next_retry_utc,
        )

    def age(self, now: float) -> float | None:
        """Seconds since the last good data, or None before any."""
        return None if self.last_success_utc is None else max(0.0, now - self.last_success_utc)

    def is_stale(self, now: float) -> bool:
        """Whether what is on screen is too old to be called live."""
        reference = self.last_success_utc or self.started_utc
        intervals = STALE_INTERVALS if self.stale_intervals is None else self.stale_intervals
        return now - reference > intervals * self.interval_s

    def stale_reason(self, now: float) -> str:
        """Why the data is stale, in a few words."""
        age = self.age(now)
        head = "no data yet" if age is None else f"no update for {int(age)}s"
        return f"{head}: {self.error}" if self.error else head
