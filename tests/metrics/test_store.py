"""The store: restarts count nothing twice, gaps are honest, days follow the local calendar,
and every way a file can fail ends in one plain sentence."""

from __future__ import annotations

import sqlite3
import zoneinfo
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from wallboard.core.calendar import DayCalendar
from wallboard.core.day_engine import DayEngine
from wallboard.core.day_metrics import ThresholdTable
from wallboard.hub.recorder import DayRecorder
from wallboard.hub.stats import StatsError, read_stats
from wallboard.hub.writer import StoreWriter
from wallboard.sim.centre import CallCentre
from wallboard.store import day_store
from wallboard.store.day_store import DayStore, StoreError

from .accuracy import DAY_START
from .sim_feed import UTC_CALENDAR, snapshots
from .snapshots import T0, agent, poll

INTERVAL = 2.0
START = DAY_START + 9 * 3600


def recorder(path: Path, interval: float = INTERVAL) -> DayRecorder:
    return DayRecorder.open(
        path,
        calendar=UTC_CALENDAR,
        thresholds=ThresholdTable(),
        interval_s=interval,
        keep_days=35,
    )


def stats(path: Path, now: float) -> dict:
    return read_stats(
        path,
        calendar=UTC_CALENDAR,
        thresholds=ThresholdTable(),
        interval_s=INTERVAL,
        day=None,
        now=now,
    ).document


def without_time(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "generated_at"}


def record_polls(path: Path, centre: CallCentre, start: float, end: float) -> dict:
    rec = recorder(path)
    assert rec.counting, rec.problem
    for snap in snapshots(centre, start, end, INTERVAL):
        rec.record(snap)
    report = rec.report(end)
    assert rec.close()
    return report


def test_a_restart_in_the_middle_of_the_day_gives_the_same_figures(tmp_path):
    end = START + 3600
    whole = record_polls(tmp_path / "whole.db", CallCentre(seed=5, start=START), START, end)
    centre = CallCentre(seed=5, start=START)
    half = START + 1800
    record_polls(tmp_path / "split.db", centre, START, half)
    again = record_polls(tmp_path / "split.db", centre, half, end)
    assert again == whole
    assert without_time(stats(tmp_path / "split.db", end)) == without_time(
        stats(tmp_path / "whole.db", end)
    )
    assert sum(q["answered"] for q in whole["queues"]) > 100


def test_a_killed_process_loses_at_most_its_last_poll_and_counts_nothing_twice(tmp_path):
    """kill -9 between two polls: the last transaction never happened. The restarted
    process sees that poll's changes again and must not count them twice."""
    end = START + 1200
    whole = record_polls(tmp_path / "whole.db", CallCentre(seed=8, start=START), START, end)
    centre = CallCentre(seed=8, start=START)
    path = tmp_path / "killed.db"
    store = DayStore.open_writer(path)
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(), INTERVAL)
    polls = list(snapshots(centre, START, START + 600, INTERVAL))
    for snap in polls[:-1]:
        record = engine.apply(snap)
        assert record is not None
        store.write([record], keep_days=35)
    engine.apply(polls[-1])  # counted in memory, then the process died before writing it
    store.close()
    # The new process starts from the store and polls again from the lost poll on.
    rec = recorder(path)
    rec.record(polls[-1])
    for snap in snapshots(centre, START + 600, end, INTERVAL):
        rec.record(snap)
    assert rec.report(end) == whole
    rec.close()


def test_a_restart_after_a_gap_counts_the_gap_unknown_and_credits_no_time_to_it(tmp_path):
    path = tmp_path / "gap.db"
    centre = CallCentre(seed=5, start=START)
    record_polls(path, centre, START, START + 600)
    # down for ten minutes: callers who left meanwhile are unknown
    report = record_polls(path, centre, START + 1200, START + 1800)
    unknown = sum(q["unknown"] for q in report["queues"])
    assert unknown > 0
    credited = sum(sum(a["status_s"].values()) for a in report["agents"])
    watched = 40 * (600 - INTERVAL + 600 - INTERVAL)
    assert credited == pytest.approx(watched, rel=0.001)


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 27), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)],
    ids=["spring-forward", "fall-back", "plain"],
)
def test_a_day_across_a_dst_change_is_as_long_as_the_clock_says(day, hours):
    """In Asia/Jerusalem the clocks move on these days: a day is 23 or 25 hours, and an
    agent available all day long is credited exactly that."""
    calendar = DayCalendar(zoneinfo.ZoneInfo("Asia/Jerusalem"))
    start, end = calendar.start_of(day), calendar.end_of(day)
    assert end - start == hours * 3600
    interval = 60.0
    engine = DayEngine(calendar, ThresholdTable(), interval)
    t = start - 3600
    while t <= end + 3600:
        record = engine.apply(poll(t, [agent("a1", 1)], []))
        assert record is not None
        if record.closed_day == day:
            closed = next(row for row in record.closed_agents if row["key"] == "a1")
            assert closed["status_s"] == {"1": hours * 3600}
            return
        t += interval
    pytest.fail("the day never closed")


def test_a_day_can_start_at_another_hour():
    calendar = DayCalendar(zoneinfo.ZoneInfo("Asia/Jerusalem"), time(6, 0))
    at_5am = datetime(2026, 6, 2, 5, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jerusalem")).timestamp()
    assert calendar.day_of(at_5am) == date(2026, 6, 1)
    assert calendar.day_of(at_5am + 3600) == date(2026, 6, 2)


def test_days_older_than_keep_days_are_deleted(tmp_path):
    path = tmp_path / "old.db"
    store = DayStore.open_writer(path)
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(), 60.0)
    for days_on in range(5):
        for step in range(3):
            record = engine.apply(poll(T0 + days_on * 86400 + step * 60, [agent("a1", 1)], []))
            assert record is not None
            store.write([record], keep_days=2)
    kept = [row[0] for row in store._db.execute("SELECT day FROM days ORDER BY day")]
    store.close()
    assert len(kept) == 3  # today and the two days before


def test_a_damaged_store_stops_the_counting_with_one_sentence(tmp_path):
    path = tmp_path / "damaged.db"
    path.write_bytes(b"this is not a database" * 100)
    rec = recorder(path)
    assert not rec.counting
    assert rec.problem == (
        f"not counting today: store {path} is damaged or not a wallboard store "
        "(move it aside to start anew)"
    )
    rec.record(poll(T0, [agent("a1", 1)], []))  # a board goes on: nothing raises
    with pytest.raises(StatsError, match="damaged"):
        stats(path, T0)


def test_a_second_writer_is_told_who_writes(tmp_path):
    path = tmp_path / "one.db"
    first = recorder(path)
    second = recorder(path)
    assert first.counting
    assert not second.counting
    assert "being written by another wallboard process (pid" in (second.problem or "")
    first.close()
    third = recorder(path)  # the lock goes with the writer
    assert third.counting
    third.close()


def test_a_store_that_cannot_be_created_says_so(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    rec = recorder(blocker / "sub" / "s.db")
    assert not rec.counting
    assert rec.problem == f"not counting today: store {blocker}/sub/s.db: Not a directory"


def test_a_full_disk_is_reported_then_nothing_is_lost_once_there_is_room(tmp_path):
    path = tmp_path / "full.db"
    store = DayStore.open_writer(path)
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    writer = StoreWriter(store, keep_days=35)
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(), INTERVAL)
    centre = CallCentre(seed=5, start=START)
    polls = list(snapshots(centre, START, START + 300, INTERVAL))
    for snap in polls:
        record = engine.apply(snap)
        assert record is not None
        writer.submit(record)
    for _ in range(100):
        if writer.state.problem:
            break
        __import__("time").sleep(0.05)
    assert writer.state.problem == f"store {path}: the disk is full"
    store._db.execute("PRAGMA max_page_count = 1073741823")  # room again
    assert writer.close()
    assert writer.state.problem is None
    reread = DayStore.open_reader(path).load_day(engine.metrics.day)  # type: ignore[union-attr]
    assert {o.key for o in reread.outcomes} == engine.metrics._seen  # type: ignore[union-attr]


def test_a_store_of_the_first_schema_is_migrated_with_its_data(tmp_path):
    path = tmp_path / "v1.db"
    db = sqlite3.connect(path, isolation_level=None)
    day_store.MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO outcomes (key, day, kind, at, queue_id, queue_name, seconds) "
        "VALUES ('caller:1', '2027-01-15', 'answered', ?, 7, 'Support', 12.0)",
        (T0,),
    )
    db.close()
    with pytest.raises(StoreError, match="older schema"):
        DayStore.open_reader(path)
    store = DayStore.open_writer(path)
    version = store._db.execute("PRAGMA user_version").fetchone()[0]
    stored = store.load_day(date(2027, 1, 15))
    store.close()
    assert version == day_store.SCHEMA_VERSION == 3
    assert [o.key for o in stored.outcomes] == ["caller:1"]
    assert stored.first_poll == T0  # filled in from the outcomes


def test_a_store_from_a_newer_wallboard_is_refused(tmp_path):
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    rec = recorder(path)
    assert not rec.counting
    assert "newer wallboard" in (rec.problem or "")


def test_a_caller_name_that_utf8_cannot_hold_is_stored_visibly_replaced(tmp_path):
    path = tmp_path / "odd.db"
    rec = recorder(path, interval=10)
    ring = {"callstatus": "Talking", "ivrid": "x1", "callerphone": "05\udc80", "callStarted": 1}
    rec.record(poll(T0, [agent("a\ud800", 1, ring)], []))
    rec.record(poll(T0 + 10, [agent("a\ud800", 1)], []))
    assert rec.close()
    assert rec.problem is None
    document = stats(path, T0 + 10)
    assert document["agents"][0]["username"] == "a\ufffd"


def test_now_is_utc_in_the_generated_at_stamp(tmp_path):
    path = tmp_path / "g.db"
    rec = recorder(path)
    rec.record(poll(T0, [agent("a1", 1)], []))
    rec.close()
    stamp = stats(path, T0)["generated_at"]
    assert datetime.fromisoformat(stamp) == datetime.fromtimestamp(T0, UTC)
