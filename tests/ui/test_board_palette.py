"""Ctrl+P lists the board's own actions and only the board's themes; `?` opens help over
the board, which stays in sight around it."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from ui_support import make_app, running, screen_text, settle

from wallboard.core.clock import FakeClock
from wallboard.ui.app import WallboardApp
from wallboard.ui.help import HELP, HelpScreen

BOARD_COMMANDS = {
    "Help", "Filter", "Sort", "Hide out", "Compact", "Wall", "Alerts", "Events", "Pin view",
    "Mute", "Refresh", "Theme", "Quit", "Teams", "Bidi",
}  # fmt: skip
TEXTUAL_COMMANDS = {"Keys", "Screenshot", "Maximize", "Minimize"}


def listed(app: WallboardApp) -> list[str]:
    """The entries the open palette lists."""
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    options = palette.query_one(CommandList).options
    return [str(option.hit.text) for option in options]  # type: ignore[attr-defined]


async def open_palette(pilot, query: str = "") -> None:
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    if query:
        await pilot.press(*query)
    await pilot.pause(0.5)


async def test_the_palette_lists_the_boards_actions_and_nothing_of_textuals(
    clock: FakeClock,
) -> None:
    app = make_app(clock)
    async with running(app) as pilot:
        await open_palette(pilot)
        names = listed(app)
        assert set(names) == BOARD_COMMANDS, names
        assert not TEXTUAL_COMMANDS & set(names)
        # Each says what it does and its key.
        await pilot.press("escape")
        await settle(pilot)
        await open_palette(pilot, "events")
        assert listed(app)[0] == "Events"
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TickerList"


async def test_the_palettes_themes_are_the_boards_only(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app) as pilot:
        await open_palette(pilot, "theme")
        assert listed(app)[0] == "Theme"
        await pilot.press("enter")
        await pilot.pause(0.5)
        themes = listed(app)
        assert sorted(themes) == sorted(app.board_themes) == themes
        assert {"dark", "light", "high-contrast", "colorblind"} <= set(themes)
        assert not [name for name in themes if name.startswith("textual") or name == "nord"]
        await pilot.press(*"contrast")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "high-contrast"


async def test_help_opens_over_the_board_and_names_every_key(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(160, 50)) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "wallboard keys" in text
        # The board is still there around the help, dimmed, not replaced.
        assert "Agents 16/16" in text and "Queues" in text and "updated 0s ago" in text
        assert app.screen.styles.background.a < 1
        # Every key the board binds is in the help (the new ones too).
        for binding in app.BINDINGS:
            key = binding.key.split(",")[0]  # type: ignore[union-attr]
            shown = {"question_mark": "?", "slash": "/", "escape": "Escape"}.get(key, key)
            assert f"\n  {shown} " in HELP, key
        for new in ("t              today's events", "p              wall mode: pin"):
            assert new in text


async def test_help_scrolls_on_a_small_terminal(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert "line say why." not in screen_text(app)
        await pilot.press("end")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "line say why." in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
