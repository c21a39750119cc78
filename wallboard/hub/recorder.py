"""The day's figures kept in-process: the engine counts each snapshot, the writer saves it.

Used by `wallboard hub` and by `run`/`demo` alike, so a board and a hub count the same way.
When the store cannot be opened (locked by another writer, damaged, read-only) the
recorder counts nothing and says why: partial counts shown as the day's would mislead.
When a write fails later (a full disk), counting goes on in memory, the failed writes are
retried, and `problem` says what is wrong meanwhile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wallboard.core.alerts import Alert
from wallboard.core.calendar import DayCalendar
from wallboard.core.day_engine import DayEngine
from wallboard.core.day_figures import DayFigures
from wallboard.core.day_metrics import Outcome, ThresholdTable
from wallboard.core.snapshot import Snapshot
from wallboard.hub.writer import StoreWriter
from wallboard.store.day_store import AlertRecord, DayStore, StoreError


class DayRecorder:
    """Counts the day from snapshots and saves it (see the module)."""

    def __init__(
        self,
        engine: DayEngine | None,
        writer: StoreWriter | None,
        *,
        problem: str | None = None,
        path: Path | None = None,
    ) -> None:
        self.engine = engine
        self.path = path
        self._writer = writer
        self._open_problem = problem

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        calendar: DayCalendar,
        thresholds: ThresholdTable,
        interval_s: float,
        keep_days: int,
    ) -> DayRecorder:
        """Open the store at `path` and continue its latest day; never raises."""
        try:
            store = DayStore.open_writer(path)
        except StoreError as error:
            return cls(None, None, problem=f"not counting today: {error}", path=path)
        try:
            day = store.latest_day()
            stored = store.load_day(day) if day is not None else None
            engine = DayEngine(calendar, thresholds, interval_s, stored)
        except (StoreError, KeyError, TypeError, ValueError) as error:
            store.close()
            reason = str(error) if isinstance(error, StoreError) else f"store {path} is damaged"
            return cls(None, None, problem=f"not counting today: {reason}", path=path)
        return cls(engine, StoreWriter(store, keep_days), path=path)

    @property
    def counting(self) -> bool:
        """Whether the day is being counted."""
        return self.engine is not None

    @property
    def problem(self) -> str | None:
        """What is wrong with the store, in one sentence; None when all is well."""
        if self._open_problem is not None:
            return self._open_problem
        return self._writer.state.problem if self._writer is not None else None

    def record(self, snapshot: Snapshot) -> tuple[Outcome, ...]:
        """Count one snapshot and queue its record for the store; returns what happened
        since the last one (for the ticker)."""
        if self.engine is None:
            return ()
        record = self.engine.apply(snapshot)
        if record is None:
            return ()
        if self._writer is not None:
            self._writer.submit(record)
        return record.outcomes

    def save_alerts(self, alerts: tuple[Alert, ...], now: float) -> None:
        """Queue alerts raised or cleared for the store (the day of `now`)."""
        if alerts and self.engine is not None and self._writer is not None:
            day = self.engine.calendar.day_of(now)
            self._writer.submit(AlertRecord(day, alerts))

    def missed_in_a_row(self) -> dict[str, int]:
        """Agents whose last rings went unanswered, and how many in a row."""
        metrics = self.engine.metrics if self.engine is not None else None
        return metrics.missed_in_a_row() if metrics is not None else {}

    def report(self, now: float) -> dict[str, Any] | None:
        """The day's figures (as `stats --json` gives them), None when not counting."""
        return self.engine.report(now) if self.engine is not None else None

    def figures(self, now: float) -> DayFigures:
        """The day's figures for the panels (empty when not counting)."""
        return self.engine.figures(now) if self.engine is not None else DayFigures()

    def queue_report(self, now: float) -> dict[str, Any] | None:
        """Only the queues' figures, None when not counting (for the alert rules)."""
        return self.engine.queue_report(now) if self.engine is not None else None

    def close(self, timeout_s: float = 5.0) -> bool:
        """Write what is pending and close the store; False if it did not finish in time."""
        writer, self._writer = self._writer, None
        return writer.close(timeout_s) if writer is not None else True
