"""`WallboardApp.take_earlier`: a warm-up's snapshots fill the history, and the live board
goes on from them; a snapshot that breaks the history leaves the live board untouched."""

from __future__ import annotations

from ui_support import make_app, make_snapshot, running, settle

from wallboard.core.clock import FakeClock


async def test_the_live_board_goes_on_from_the_earlier_snapshots(clock: FakeClock) -> None:
    app = make_app(clock)
    earlier = make_snapshot(clock)
    app.take_earlier(earlier)
    clock.advance(60)
    async with running(app, size=(160, 40)) as pilot:
        await settle(pilot)
        # The first live snapshot found the earlier board: states seen a minute ago are
        # known to have lasted at least that long (not "≥", first seen now).
        assert app.board.snapshot is not None
        assert any(agent.since_exact for agent in app.board.agents)
        assert app.waiting_trend.series(app.board.queues[0].queue_id, clock.now(), 2)[0] is not None
        # History ends with the first live snapshot.
        live = app.board
        app.take_earlier(make_snapshot(clock))
        assert app.board is live


async def test_a_snapshot_that_breaks_the_history_never_becomes_the_live_board(
    clock: FakeClock,
) -> None:
    app = make_app(clock)
    app.take_earlier(make_snapshot(clock))
    half_done = app._earlier_board
    assert half_done is not None
    app.take_earlier(object())  # type: ignore[arg-type]  # not a snapshot at all
    assert app._earlier_board is None
    app.take_earlier(make_snapshot(clock))  # no more history after a failure
    assert app._earlier_board is None
    async with running(app, size=(160, 40)) as pilot:
        await settle(pilot)
        assert app.board.snapshot is not None
        assert app.board is not half_done
