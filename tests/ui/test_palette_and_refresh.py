"""Two ways in that keys alone do not cover elsewhere: the command palette's theme switcher,
and `r`, which polls now instead of at the end of the interval (with the real poller)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ui_support import SOURCE_NAME, make_snapshot, running, settle

from wallboard.core.clock import FakeClock
from wallboard.core.snapshot import Snapshot
from wallboard.sources.polling import PollingSource
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid


def talk_colour(app: WallboardApp) -> object:
    """The background of the talking agent's tile, as the grid draws it."""
    grid = app.query_one(AgentGrid)
    for y in range(grid.size.height):
        for segment in grid.render_line(y):
            if "Carol Talk" in segment.text and segment.style is not None:
                return segment.style.bgcolor
    raise AssertionError("the talking agent's tile is not drawn")


async def test_the_palette_switches_the_theme_and_the_board_takes_its_colours(
    board_app: Callable[..., WallboardApp],
) -> None:
    app = board_app()
    async with running(app) as pilot:
        assert talk_colour(app) == app.board_themes["dark"].palette["call-talking"].rich_color
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme")
        await pilot.pause(0.3)
        await pilot.press("enter")  # "Theme: change the current theme"
        await pilot.pause(0.3)
        await pilot.press(*"light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.theme == "light"
        # The board's own colours (themes/light.toml), not only Textual's, follow.
        assert talk_colour(app) == app.board_themes["light"].palette["call-talking"].rich_color


class CountingSource:
    """A source that answers every poll with the fixed centre and counts the polls."""

    name = SOURCE_NAME

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.polls = 0

    async def fetch(self) -> Snapshot:
        self.polls += 1
        return make_snapshot(self.clock)


async def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate() and loop.time() < deadline:
        await asyncio.sleep(0.02)
    return predicate()


async def test_r_polls_at_once_instead_of_at_the_end_of_the_interval(clock: FakeClock) -> None:
    source = CountingSource(clock)
    options = BoardOptions(poll=True, ticks=False, local_time=False, theme="dark", interval_s=60)
    app = WallboardApp(PollingSource(source, clock, interval_s=60), clock, options)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_for(lambda: source.polls == 1)
        await asyncio.sleep(0.3)
        assert source.polls == 1  # the next poll is a minute away
        await pilot.press("r")
        assert await wait_for(lambda: source.polls == 2, timeout=2.0)
        app.exit(0)
