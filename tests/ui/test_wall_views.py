"""Wall mode shows one view at a time and turns them every `wall_rotate_s`; `p` pins one."""

from __future__ import annotations

from ui_support import make_app, running, screen_text, settle

from wallboard.core.clock import FakeClock
from wallboard.ui.app import WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.queue_panel import QueuePanel
from wallboard.ui.widgets.ticker_view import TickerLine, TickerPanel
from wallboard.ui.widgets.totals import TotalsBar


def shown(app: WallboardApp) -> str:
    """Which view is on screen, read from what is displayed (not from the controller)."""
    main = app.query_one("#main").display  # holds the grid and the ticker panel
    grid = main and app.query_one(AgentGrid).display
    queues = app.query_one(QueuePanel).display
    ticker = main and app.query_one(TickerPanel).display
    assert app.query_one(TotalsBar).display  # the totals (and STALE) are always there
    views = {(False, True, False): "centre", (True, False, False): "agents"}
    views[(False, False, True)] = "ticker"
    return views.get((grid, queues, ticker), f"grid={grid} queues={queues} ticker={ticker}")


async def seconds(app: WallboardApp, clock: FakeClock, pilot, count: int) -> None:
    for _ in range(count):
        clock.advance(1)
        app.tick()
    await settle(pilot)


async def test_the_wall_turns_centre_agents_ticker_every_wall_rotate_s(clock: FakeClock) -> None:
    app = make_app(clock, theme=None, wall=True, wall_rotate_s=5)
    async with running(app, size=(160, 45)) as pilot:
        assert shown(app) == "centre"
        assert "Agents " not in screen_text(app)
        await seconds(app, clock, pilot, 4)
        assert shown(app) == "centre"
        await seconds(app, clock, pilot, 1)
        assert shown(app) == "agents"
        assert "Queues " not in screen_text(app) and "Agents 16/16" in screen_text(app)
        await seconds(app, clock, pilot, 5)
        assert shown(app) == "ticker"
        assert not app.query_one(TickerLine).display  # the panel says it all
        assert "Latest (t: all today)" in screen_text(app)
        await seconds(app, clock, pilot, 5)
        assert shown(app) == "centre"


async def test_p_pins_the_view_and_p_again_lets_it_turn(clock: FakeClock) -> None:
    app = make_app(clock, theme=None, wall=True, wall_rotate_s=5)
    async with running(app, size=(160, 45)) as pilot:
        await seconds(app, clock, pilot, 5)
        assert shown(app) == "agents"
        await pilot.press("p")
        await settle(pilot)
        assert app.wall_rotation.pinned
        await seconds(app, clock, pilot, 30)
        assert shown(app) == "agents"
        assert "agents pinned (p)" in app.query_one(TickerLine).content
        await pilot.press("p")
        await seconds(app, clock, pilot, 4)
        assert shown(app) == "agents"  # unpinned: the view gets its full time again
        await seconds(app, clock, pilot, 1)
        assert shown(app) == "ticker"


async def test_wall_view_in_the_config_pins_one_from_the_start(clock: FakeClock) -> None:
    app = make_app(clock, theme=None, wall=True, wall_rotate_s=5, wall_view="ticker")
    async with running(app, size=(160, 45)) as pilot:
        assert shown(app) == "ticker"
        await seconds(app, clock, pilot, 20)
        assert shown(app) == "ticker"


async def test_leaving_wall_mode_shows_every_panel_again(clock: FakeClock) -> None:
    app = make_app(clock, theme=None, wall=True, wall_rotate_s=5)
    async with running(app, size=(160, 45)) as pilot:
        await pilot.press("w")
        await settle(pilot)
        assert app.query_one("#main").display and app.query_one(AgentGrid).display
        assert app.query_one(QueuePanel).display
        assert app.query_one(TickerLine).display
        await seconds(app, clock, pilot, 12)  # no rotation outside wall mode
        assert app.query_one("#main").display and app.query_one(AgentGrid).display
        assert app.query_one(QueuePanel).display
        # p outside wall mode says where it works and changes nothing.
        await pilot.press("p")
        await settle(pilot)
        assert not app.wall_rotation.pinned
