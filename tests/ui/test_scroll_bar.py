"""The line views' own scroll bar: where its thumb is, the mouse on it, and what it redraws.

The grid and the queue panel draw the bar as the last cell of each of their lines (Textual's
scroll bar widget is kept at width 0: inside the view it would cut every changed line into
three strips). These tests read the cells the views hand to Textual and drive the real app
with the mouse.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from rich.color import Color as RichColor
from textual.geometry import Region
from ui_support import (
    assert_drawn_as_new,
    fixed_extensions,
    make_snapshot,
    running,
)

from wallboard.core.clock import FakeClock
from wallboard.ui.app import WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.line_view import LineView
from wallboard.ui.widgets.queue_panel import QueuePanel

SMALL = (80, 28)  # the fixed centre's 16 agents need 12 grid lines; 10 fit here


def bar_colours(view: LineView) -> list[RichColor | None]:
    """The background colour of the bar's cell on each visible row, as drawn."""
    colours = []
    for y in range(view.size.height):
        strip = view.render_line(y)
        assert strip.cell_length == view.line_width + 1
        cell = strip.crop(view.line_width, view.line_width + 1)
        segments = list(cell)
        assert len(segments) == 1 and segments[0].text == " "
        style = segments[0].style
        colours.append(None if style is None else style.bgcolor)
    return colours


def textual_colours(view: LineView, held: bool = False) -> tuple[RichColor, RichColor]:
    """Track and thumb colours as Textual's own scroll bar works them out from the CSS."""
    styles = view.styles
    track = styles.scrollbar_background_active if held else styles.scrollbar_background
    thumb = styles.scrollbar_color_active if held else styles.scrollbar_color
    if track.a < 1:
        track = view.background_colors[0] + track
    return track.rich_color, (track + thumb).rich_color


def thumb_rows(view: LineView) -> list[int]:
    """The rows drawn in the thumb's colour; every other row is the track's."""
    colours = bar_colours(view)
    track, thumb = textual_colours(view)
    assert set(colours) == {track, thumb}, colours
    return [y for y, colour in enumerate(colours) if colour == thumb]


def more_agents(count: int) -> list[dict]:
    """The fixed centre's agents, repeated under new SIP ids to `count` agents."""
    base = fixed_extensions()
    agents = []
    for number in range(count):
        agent = copy.deepcopy(base[number % len(base)])
        agent["username"] = f"SIP{2000 + number}"
        agent["userID"] = agent["extensionID"] = 20_000 + number
        agents.append(agent)
    return agents


async def test_the_thumb_shows_where_the_view_is_and_how_much_of_it_is_seen(
    board_app: Callable[..., WallboardApp],
) -> None:
    app = board_app()
    async with running(app, size=SMALL) as pilot:
        grid = app.query_one(AgentGrid)
        height = grid.size.height
        assert grid.max_scroll_y > 0
        rows = thumb_rows(grid)
        assert rows == list(range(len(rows)))  # at the top, one unbroken thumb
        assert 1 <= len(rows) < height
        grid.scroll_to(y=grid.max_scroll_y, animate=False)
        await pilot.pause()
        rows_at_end = thumb_rows(grid)
        assert rows_at_end[-1] == height - 1 and len(rows_at_end) == len(rows)
        assert_drawn_as_new(grid)


async def test_a_view_whose_lines_all_fit_has_no_thumb_and_keeps_its_column(
    board_app: Callable[..., WallboardApp],
) -> None:
    app = board_app()
    async with running(app, size=SMALL):
        panel = app.query_one(QueuePanel)
        assert panel.max_scroll_y == 0
        # Blank in the panel's own background, and the lines' width does not move with it.
        assert set(bar_colours(panel)) == {panel.rich_style.bgcolor}
        assert panel.line_width == panel.size.width - 1


async def test_more_lines_shrink_the_thumb_and_redraw_only_the_bar_cells_that_change(
    board_app: Callable[..., WallboardApp], clock: FakeClock
) -> None:
    app = board_app()
    async with running(app, size=SMALL) as pilot:
        grid = app.query_one(AgentGrid)
        before = len(thumb_rows(grid))
        app.show_snapshot(make_snapshot(clock, more_agents(300)))
        await pilot.pause()
        assert len(thumb_rows(grid)) < before
        assert_drawn_as_new(grid)
        app.show_snapshot(make_snapshot(clock))
        await pilot.pause()
        assert len(thumb_rows(grid)) == before
        assert_drawn_as_new(grid)


async def test_a_list_that_outgrows_the_view_scrolls_and_one_that_fits_again_does_not(
    board_app: Callable[..., WallboardApp], clock: FakeClock
) -> None:
    # Textual re-decides whether a view scrolls from its new virtual size alone, with no
    # resize (the board no longer nudges it through private code).
    app = board_app(compact=True)
    async with running(app, size=(120, 40)) as pilot:
        grid = app.query_one(AgentGrid)
        assert not grid.allow_vertical_scroll  # 16 agents: every line fits
        app.show_snapshot(make_snapshot(clock, more_agents(120)))
        await pilot.pause()
        assert grid.allow_vertical_scroll and grid.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert grid.scroll_y == grid.max_scroll_y
        app.show_snapshot(make_snapshot(clock))
        await pilot.pause()
        assert not grid.allow_vertical_scroll and grid.scroll_y == 0


async def test_scrolling_a_line_with_the_thumb_in_place_redraws_the_bar_cells_that_moved(
    board_app: Callable[..., WallboardApp], clock: FakeClock
) -> None:
    app = board_app()
    async with running(app, size=SMALL) as pilot:
        grid = app.query_one(AgentGrid)
        app.show_snapshot(make_snapshot(clock, more_agents(300)))
        await pilot.pause()
        assert thumb_rows(grid) == [0]  # a one-row thumb, which one line's scroll keeps
        clock.advance(1)
        app.tick()  # the tick checks every visible line and hands them on as they are
        grid.scroll_to(y=1, animate=False)
        await pilot.pause()
        assert thumb_rows(grid) == [0]
        assert_drawn_as_new(grid)  # line 1, now on the thumb's row, has the thumb's cell


async def test_a_tick_does_not_touch_the_bar(
    board_app: Callable[..., WallboardApp], clock: FakeClock
) -> None:
    app = board_app()
    async with running(app, size=SMALL) as pilot:
        grid = app.query_one(AgentGrid)
        refreshed: list[Region] = []
        real_refresh = grid.refresh

        def recording(*regions: Region, **kwargs: object) -> object:
            refreshed.extend(regions)
            return real_refresh(*regions, **kwargs)  # type: ignore[arg-type]

        grid.refresh = recording  # type: ignore[method-assign]
        for _ in range(3):
            clock.advance(1)
            app.tick()
            await pilot.pause()
        assert refreshed  # the timers ticked
        assert all(region.right <= grid.line_width for region in refreshed), refreshed
        assert_drawn_as_new(grid)


async def test_pressing_the_track_jumps_and_dragging_the_thumb_scrolls(
    board_app: Callable[..., WallboardApp],
) -> None:
    app = board_app()
    async with running(app, size=SMALL) as pilot:
        grid = app.query_one(AgentGrid)
        selected = grid.selected
        bar_x = grid.gutter.left + grid.line_width
        last_row = grid.gutter.top + grid.size.height - 1
        await pilot.mouse_down(grid, offset=(bar_x, last_row))
        await pilot.pause()
        assert grid.scroll_y == grid.max_scroll_y  # the track's far end: the last lines
        # While held, the thumb shows it (Textual's "active" scroll bar colour).
        held = textual_colours(grid, held=True)[1]
        assert held in bar_colours(grid)
        await pilot.mouse_up(grid, offset=(bar_x, last_row))
        await pilot.pause()
        assert held not in bar_colours(grid)
        assert grid.selected == selected  # the bar is not a tile: nothing was selected

        # Take the thumb by its top and drag it to the first row: back at the top.
        top_of_thumb = grid.gutter.top + thumb_rows(grid)[0]
        await pilot.mouse_down(grid, offset=(bar_x, top_of_thumb))
        await pilot.hover(grid, offset=(bar_x, grid.gutter.top))
        await pilot.mouse_up(grid, offset=(bar_x, grid.gutter.top))
        await pilot.pause()
        assert grid.scroll_y == 0
        assert thumb_rows(grid)[0] == 0
        assert grid.selected == selected
        assert_drawn_as_new(grid)


async def test_a_click_beside_the_bar_still_selects_the_tile(
    board_app: Callable[..., WallboardApp],
) -> None:
    app = board_app()
    async with running(app, size=SMALL) as pilot:
        grid = app.query_one(AgentGrid)
        # The second tile of the first row, one cell in.
        await pilot.click(grid, offset=(grid.gutter.left + grid.cell_width + 1, grid.gutter.top))
        await pilot.pause()
        assert grid.selected == 1
        assert grid.scroll_y == 0


async def test_a_new_theme_recolours_the_bar(board_app: Callable[..., WallboardApp]) -> None:
    app = board_app()
    async with running(app, size=SMALL) as pilot:
        grid = app.query_one(AgentGrid)
        dark = set(bar_colours(grid))
        app.theme = "light"
        await pilot.pause()
        await pilot.pause()
        light = set(bar_colours(grid))
        assert light != dark
        assert light == set(textual_colours(grid))
        assert_drawn_as_new(grid)


async def test_a_css_change_outside_the_themes_recolours_the_bar(
    board_app: Callable[..., WallboardApp],
) -> None:
    app = board_app()
    async with running(app, size=SMALL) as pilot:
        grid = app.query_one(AgentGrid)
        app.stylesheet.add_source("AgentGrid.-alarm { scrollbar-color: #ff0000; }")
        app.stylesheet.reparse()
        grid.add_class("-alarm")  # a rule the board's own redraws know nothing of
        await pilot.pause()
        grid.refresh_changed()  # the next tick's check of every visible line
        await pilot.pause()
        assert grid.styles.scrollbar_color.hex == "#FF0000"
        assert set(bar_colours(grid)) == set(textual_colours(grid))
        assert_drawn_as_new(grid)
