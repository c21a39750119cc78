"""A healthy board never looks alarmed: the focused panel's border is never the colour of
STALE (or of an alert), in any theme, in true colour, 256 colours or 16.

In 16 colours Textual hands Rich the theme's colours and Rich picks the nearest of the
terminal's 16: the dark theme's accent (amber) and its error red both became bright red.
The 16-colour check renders the screen as a 16-colour terminal receives it and reads the
border cell back with pyte, a terminal emulator.
"""

from __future__ import annotations

import io

import pyte
import pytest
from rich.color import ColorSystem
from rich.console import Console
from textual.color import Color
from ui_support import THEMES, make_app, running, settle

from wallboard.core.clock import FakeClock
from wallboard.ui.app import WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid


def border_colour(app: WallboardApp) -> Color:
    """The resolved colour of the grid's top border."""
    return app.query_one(AgentGrid).styles.border_top[1]


def terminal_colour(app: WallboardApp, color_system: str) -> str:
    """The colour a terminal of `color_system` shows the grid's top-left corner in."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=color_system,  # type: ignore[arg-type]
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    # Rich keeps a style's escape codes on the style after its first render, whatever the
    # colour system; styles are shared, so forget what other consoles (other tests, in
    # true colour) left there. The board itself only ever renders through one console.
    for line in update.strips:  # type: ignore[attr-defined]
        for strip in line:
            for segment in strip:
                if segment.style is not None:
                    segment.style._ansi = None
    console.print(update)
    screen = pyte.Screen(width, height)
    pyte.ByteStream(screen).feed(console.file.getvalue().encode())  # type: ignore[attr-defined]
    region = app.query_one(AgentGrid).region
    cell = screen.buffer[region.y][region.x]
    assert cell.data in "╭┏", cell.data
    return str(cell.fg)


def looks(app: WallboardApp) -> dict[str, object]:
    grid = app.query_one(AgentGrid)
    assert grid.has_focus
    return {
        "truecolor": border_colour(app).rgb,
        "256": border_colour(app).rich_color.downgrade(ColorSystem.EIGHT_BIT).number,
        "16": terminal_colour(app, "standard"),
    }


@pytest.mark.parametrize("theme", THEMES)
async def test_the_focused_panel_of_a_healthy_board_is_not_the_colour_of_stale(
    clock: FakeClock, theme: str
) -> None:
    app = make_app(clock, theme=theme)
    async with running(app, size=(120, 40)) as pilot:
        healthy = looks(app)
        clock.advance(20)  # no new data for four intervals: STALE
        app.tick()
        await settle(pilot)
        assert app.screen.has_class("-stale")
        stale = looks(app)
        error = Color.parse(app.current_theme.error or "red")
        warning = Color.parse(app.current_theme.warning or "yellow")
        for depth in ("truecolor", "256", "16"):
            assert healthy[depth] != stale[depth], (theme, depth, healthy, stale)
        alarms = {error.rgb, warning.rgb}
        assert healthy["truecolor"] not in alarms
        assert healthy["256"] not in {
            error.rich_color.downgrade(ColorSystem.EIGHT_BIT).number,
            warning.rich_color.downgrade(ColorSystem.EIGHT_BIT).number,
        }
        # 16 colours: never a red.
        assert "red" not in str(healthy["16"]), (theme, healthy)


async def test_16_colours_are_what_the_board_sends_when_the_terminal_has_16(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual takes its colour system from TEXTUAL_COLOR_SYSTEM when the app is made: a
    16-colour board renders the dark theme's focus blue and STALE red."""
    from textual import constants

    monkeypatch.setattr(constants, "COLOR_SYSTEM", "standard")
    app = make_app(clock, theme="dark")
    assert app.console.color_system == "standard"
    async with running(app, size=(120, 40)) as pilot:
        healthy = terminal_colour(app, app.console.color_system)
        clock.advance(20)
        app.tick()
        await settle(pilot)
        stale = terminal_colour(app, app.console.color_system)
    assert healthy == "brightblue" and "red" in stale, (healthy, stale)
