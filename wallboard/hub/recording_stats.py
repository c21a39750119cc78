"""`wallboard stats --from-recording`: the day's figures recounted from a recording.

Every recorded snapshot goes through the same recorder the live run used (`DayRecorder`,
the same engine and store), into a temporary store that `read_stats` then reads exactly
as `wallboard stats` reads the live one. So a recording of a whole day gives the figures
the live run saved. Alerts are recomputed at each recorded poll (the live run also
checked between polls, so their times may differ by a few seconds).
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from wallboard.core.alerts import AlertBook, AlertRules
from wallboard.core.board import Board
from wallboard.core.calendar import DayCalendar
from wallboard.core.day_metrics import ThresholdTable
from wallboard.core.health import Health
from wallboard.core.snapshot import Snapshot
from wallboard.hub.alert_watch import AlertWatch
from wallboard.hub.recorder import DayRecorder
from wallboard.hub.stats import StatsError, StatsResult, read_stats
from wallboard.sources.recording import RecordingError, RecordingReader


def stats_from_recording(
    path: Path,
    *,
    calendar: DayCalendar,
    thresholds: ThresholdTable,
    rules: AlertRules,
    clear_after_s: float,
    day: date | None,
    now: float,
) -> StatsResult:
    """The figures of `day` (default: the recording's latest) as of `now`."""
    try:
        reader = RecordingReader(path)
    except RecordingError as error:
        raise StatsError(str(error)) from None
    interval_s = reader.header.interval_s
    with tempfile.TemporaryDirectory(prefix="wallboard-recount-") as scratch:
        store = Path(scratch) / "recount.sqlite3"
        recorder = DayRecorder.open(
            store, calendar=calendar, thresholds=thresholds, interval_s=interval_s, keep_days=3660
        )
        if not recorder.counting:
            raise StatsError(recorder.problem or "cannot count the recording")
        watch = AlertWatch(rules, AlertBook(clear_after_s=clear_after_s), recorder=recorder)
        board = Board()
        health: Health | None = None
        try:
            for record in reader.records():
                if isinstance(record, Snapshot):
                    at = record.fetched_at
                    health = health or Health(reader.source, interval_s, started_utc=at)
                    recorder.record(record)
                    board.apply(record, at)
                    health = health.succeeded(at, record.latency_s, len(record.skipped))
                else:
                    at = record.at
                    health = health or Health(reader.source, interval_s, started_utc=at)
                    health = health.failed(record.kind, record.message, at + record.retry_in_s)
                watch.check(board, health, at)
        finally:
            if not recorder.close(60.0):
                raise StatsError("could not finish counting the recording in time")
        if reader.count == 0 and reader.damage is None:
            raise StatsError(f"recording {path} holds no poll yet")
        try:
            result = read_stats(
                store,
                calendar=calendar,
                thresholds=thresholds,
                interval_s=interval_s,
                day=day,
                now=now,
            )
        except StatsError as error:
            raise StatsError(str(error).replace(str(store), f"recording {path}")) from None
    warnings = [w.replace("the store's", "the recording's") for w in result.warnings]
    if reader.damage is not None:
        warnings.insert(
            0,
            f"{reader.damage.describe(_utc)}: the figures count the polls before it",
        )
    return StatsResult(result.document, warnings)


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
