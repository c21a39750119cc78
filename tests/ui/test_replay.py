"""`wallboard replay` on the real app under Pilot: the health line says REPLAY and the
recorded time, the keys pause, step, change the speed and jump, the day is recounted as it
was, and a damaged recording replays up to the damage and says where it stopped."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC
from pathlib import Path

import pytest

from wallboard.core.alerts import AlertBook, AlertRules
from wallboard.core.calendar import DayCalendar
from wallboard.core.clock import FakeClock
from wallboard.core.day_engine import DayEngine
from wallboard.core.day_metrics import ThresholdTable
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import Snapshot, build_snapshot
from wallboard.hub.alert_watch import AlertWatch
from wallboard.hub.recorder import DayRecorder
from wallboard.sim.centre import CallCentre
from wallboard.sources.recording import RecordingReader, RecordingWriter
from wallboard.sources.replay import ReplayClock, ReplaySource, local_time
from wallboard.ui.app import BoardOptions
from wallboard.ui.replay import ReplayApp
from wallboard.ui.widgets.health_line import HealthLine
from wallboard.ui.widgets.totals import TotalsBar

INTERVAL = 2.0
START = 1_800_000_000.0 + 9 * 3600
CALENDAR = DayCalendar(UTC)


def sim_polls(minutes: float) -> list[Snapshot]:
    from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues

    centre = CallCentre(seed=4, agents=30, queues=3, start=START)
    estimator, memo, queue_memo = ServerClockEstimator(None), ParseMemo(), ParseMemo()
    polls = []
    t = START
    while t < START + minutes * 60:
        centre.advance_to(t)
        extensions, skipped = parse_extensions(
            {"ERR": 0, "EXTENSIONS": centre.extensions_payload()}, memo
        )
        queues, _ = parse_queues({"ERR": 0, "QUEUES": centre.queues_payload()}, queue_memo)
        polls.append(
            build_snapshot(
                extensions, queues, skipped, fetched_at=t, latency_s=0.05, estimator=estimator
            )
        )
        t += INTERVAL
    return polls


@pytest.fixture(scope="module")
def polls() -> list[Snapshot]:
    return sim_polls(30)


def record(path: Path, polls: list[Snapshot]) -> Path:
    writer = RecordingWriter(path, interval_s=INTERVAL, max_bytes=1 << 30, keep_days=1)
    for snap in polls:
        writer.record_snapshot(snap)
        while writer._queue.qsize() > 32:
            time.sleep(0.001)
    assert writer.close(30)
    return path


@asynccontextmanager
async def replaying(
    path: Path, tmp_path: Path, *, speed: float = 1.0, start_at: float | None = None
) -> AsyncIterator[tuple[ReplayApp, object, FakeClock, ReplaySource]]:
    reader = RecordingReader(path)
    real = FakeClock()
    clock = ReplayClock(real, start=START, speed=speed)
    source = ReplaySource(reader, clock, start_at=start_at)
    recorder = DayRecorder.open(
        tmp_path / "replay.sqlite3",
        calendar=CALENDAR,
        thresholds=ThresholdTable(),
        interval_s=INTERVAL,
        keep_days=1,
    )
    alerts = AlertWatch(AlertRules(), AlertBook(), recorder=recorder)
    app = ReplayApp(
        source,
        clock,
        BoardOptions(interval_s=INTERVAL, ticks=False, local_time=True),
        recorder=recorder,
        alerts=alerts,
    )
    async with app.run_test(size=(160, 48)) as pilot:
        yield app, pilot, real, source


async def until(pilot, condition, what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def health(app: ReplayApp) -> str:
    app.redraw_timers()
    return app.query_one(HealthLine).content


def caught_up(app: ReplayApp, target: float) -> bool:
    """The board shows the poll at `target`, and the replay has stopped catching up."""
    return shown_at(app) == target and not app.replay.catching_up  # type: ignore[attr-defined]


def shown_at(app: ReplayApp) -> float | None:
    snap = app.board.snapshot
    return None if snap is None else snap.fetched_at


async def test_the_health_line_says_replay_and_the_recorded_time(tmp_path, polls):
    path = record(tmp_path / "day.rec", polls)
    async with replaying(path, tmp_path) as (app, pilot, real, _source):
        await until(pilot, lambda: shown_at(app) == START, "the first poll")
        line = health(app)
        assert line.startswith(f"REPLAY {local_time(START)} · ×1")
        assert app.query_one(TotalsBar).border_title == "REPLAY"  # never "Live"
        real.advance(3.0)  # three real seconds at ×1: the next poll (2 s on) comes
        await until(pilot, lambda: shown_at(app) == START + INTERVAL, "the second poll")
        assert health(app).startswith(f"REPLAY {local_time(START + 3.0)} · ×1")


async def test_space_pauses_dot_steps_and_plus_minus_change_the_speed(tmp_path, polls):
    path = record(tmp_path / "day.rec", polls)
    async with replaying(path, tmp_path) as (app, pilot, real, _source):
        await until(pilot, lambda: shown_at(app) == START, "the first poll")
        await pilot.press("space")
        assert "paused" in health(app)
        real.advance(60.0)  # a paused replay does not move
        await pilot.pause(0.1)
        assert shown_at(app) == START
        assert app.clock.now() == START
        await pilot.press("full_stop")
        await until(pilot, lambda: shown_at(app) == START + INTERVAL, "one step")
        await pilot.press("full_stop")
        await until(pilot, lambda: shown_at(app) == START + 2 * INTERVAL, "another step")
        assert app.clock.now() == START + 2 * INTERVAL
        await pilot.press("plus", "plus")
        assert "· ×5 ·" in health(app)
        await pilot.press("minus")
        assert "· ×2 ·" in health(app)
        await pilot.press("space")  # play on, at twice the pace
        assert "paused" not in health(app)
        real.advance(1.0)
        await until(pilot, lambda: shown_at(app) == START + 3 * INTERVAL, "the next poll at x2")


async def test_a_jump_takes_every_poll_on_the_way_and_counts_the_day_as_it_was(tmp_path, polls):
    path = record(tmp_path / "day.rec", polls)
    async with replaying(path, tmp_path) as (app, pilot, _real, _source):
        await until(pilot, lambda: shown_at(app) == START, "the first poll")
        await pilot.press("space")
        await pilot.press("greater_than_sign")  # ten minutes on
        target = START + 600
        await until(pilot, lambda: caught_up(app, target), "the jump")
        assert "paused" in health(app)  # it was paused before the jump: it still is
        engine = DayEngine(CALENDAR, ThresholdTable(), INTERVAL)
        for snap in polls:
            if snap.fetched_at <= target:
                engine.apply(snap)
        assert app.recorder is not None
        counted = app.recorder.report(target)
        assert counted == engine.report(target)
        assert sum(q["answered"] for q in counted["queues"]) > 0
        # The panels' figures are the day's as of the target once the jump has caught up.
        await until(pilot, lambda: app.day_figures.known, "the day's figures")
        for row in counted["queues"]:
            assert app.day_figures.queue(row["id"]) == row


async def test_from_starts_with_the_day_counted_up_to_then(tmp_path, polls):
    path = record(tmp_path / "day.rec", polls)
    start_at = START + 300
    async with replaying(path, tmp_path, start_at=start_at) as (app, pilot, _real, _source):
        await until(pilot, lambda: caught_up(app, start_at), "catching up")
        assert not app.clock.paused  # catching up done, the replay plays
        engine = DayEngine(CALENDAR, ThresholdTable(), INTERVAL)
        for snap in polls:
            if snap.fetched_at <= start_at:
                engine.apply(snap)
        assert app.recorder is not None
        assert app.recorder.report(start_at) == engine.report(start_at)


async def test_the_jump_to_a_time_key_asks_for_a_time(tmp_path, polls):
    path = record(tmp_path / "day.rec", polls)
    async with replaying(path, tmp_path) as (app, pilot, _real, _source):
        await until(pilot, lambda: shown_at(app) == START, "the first poll")
        await pilot.press("space", "t")
        target = START + 15 * 60
        await pilot.press(*local_time(target)[11:16])
        await pilot.press("enter")
        await until(pilot, lambda: caught_up(app, target), "the jump to a time")
        await pilot.press("t", "0", "0", ":", "0", "0", "enter")  # behind: refused, said
        await pilot.pause(0.1)
        assert app.clock.now() == target


async def test_a_torn_recording_replays_up_to_the_damage_and_says_where(tmp_path, polls):
    path = record(tmp_path / "torn.rec", polls[:40])
    data = path.read_bytes()
    path.write_bytes(data[:-9])
    async with replaying(path, tmp_path, speed=60) as (app, pilot, real, source):
        for _ in range(100):
            if source.ended is not None:
                break
            real.advance(0.05)  # three recorded seconds at a time
            await pilot.pause(0.02)
        await until(pilot, lambda: source.ended is not None, "the end")
        assert shown_at(app) == polls[38].fetched_at
        assert not app.screen.has_class("-stale")
        line = health(app)
        assert line.startswith("REPLAY ")
        assert "stopped: the recording is cut short at byte " in line
        assert f"(record 40, after {local_time(polls[38].fetched_at)[11:]})" in line
        stopped = app.clock.now()
        assert stopped - polls[38].fetched_at < 5
        real.advance(600.0)  # the clock stands at the end: the board does not go stale
        await pilot.pause(0.05)
        assert app.clock.now() == stopped
        assert not app.screen.has_class("-stale")
