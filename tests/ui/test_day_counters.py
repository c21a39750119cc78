"""The board counts the day from the snapshots it shows, and says when it cannot."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from ui_support import make_app, make_snapshot, running, screen_text, settle

from wallboard.core.calendar import DayCalendar
from wallboard.core.clock import FakeClock
from wallboard.core.day_metrics import ThresholdTable
from wallboard.hub.recorder import DayRecorder
from wallboard.store.day_store import DayStore


def open_recorder(path: Path) -> DayRecorder:
    return DayRecorder.open(
        path,
        calendar=DayCalendar(UTC),
        thresholds=ThresholdTable(),
        interval_s=5.0,
        keep_days=35,
    )


async def test_the_board_counts_each_snapshot_into_the_store(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "board.db"
    app = make_app(clock)
    app.recorder = open_recorder(path)
    async with running(app) as pilot:
        clock.advance(5)
        app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        report = app.recorder.report(clock.now())
        assert report is not None
        assert len(report["agents"]) == len(app.board.agents)
        # the panels' figures are the same report, indexed
        figures = app.day_figures
        assert figures.known and figures.day == report["day"]
        assert set(figures.agents) == {row["username"] for row in report["agents"]}
        assert "store" not in screen_text(app).split("\n")[-2]
    # leaving the board wrote what it counted
    store = DayStore.open_reader(path)
    assert store.last_poll() == clock.now()
    store.close()


async def test_a_store_another_process_writes_is_named_on_the_health_line(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    path = tmp_path / "busy.db"
    hub = open_recorder(path)  # the hub holds the store
    app = make_app(clock)
    app.recorder = open_recorder(path)
    try:
        async with running(app, size=(200, 40)) as pilot:
            app.redraw_timers()
            await settle(pilot)
            text = screen_text(app)
            assert "is being written by another wallboard process" in text
            assert "not counting today" in text
            assert app.board.agents  # the live picture is there all the same
    finally:
        hub.close()
