"""`TextLines`: rows of plain text, cut at the width, redrawn only in the cells that changed."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region

from wallboard.ui.widgets.text_lines import TextLines


class Lines(App[None]):
    CSS = "TextLines { height: 2; width: 20; }"

    def compose(self) -> ComposeResult:
        yield TextLines()


async def test_rows_are_cut_with_an_ellipsis_and_markup_is_plain_text() -> None:
    app = Lines()
    async with app.run_test(size=(40, 5)) as pilot:
        lines = app.query_one(TextLines)
        lines.show_lines(Text("[bold]not markup[/] and more"), Text("שלום 電話番号 wide text"))
        await pilot.pause()
        first, second = lines.render_line(0), lines.render_line(1)
        assert first.text == "[bold]not markup[/]…"
        assert first.cell_length == second.cell_length == 20
        assert second.text.startswith("שלום 電話番号")
        assert second.text.endswith("…")
        assert lines.content == "[bold]not markup[/] and more\nשלום 電話番号 wide text"


async def test_only_changed_rows_are_redrawn_and_styled_spans_survive() -> None:
    app = Lines()
    async with app.run_test(size=(40, 5)) as pilot:
        lines = app.query_one(TextLines)
        wait = Text("Longest ")
        wait.append("4:00", Style(color="red"))
        lines.show_lines(Text("Logged in 15"), wait)
        await pilot.pause()
        refreshed: list[tuple[Region, ...]] = []
        original = lines.refresh
        lines.refresh = lambda *regions, **kw: refreshed.append(regions) or original(*regions, **kw)  # type: ignore[method-assign]
        lines.show_lines(Text("Logged in 15"), wait)  # the same: nothing to do
        assert refreshed == []
        later = Text("Longest ")
        later.append("4:01", Style(color="red"))
        lines.show_lines(Text("Logged in 15"), later)
        assert refreshed == [(Region(11, 1, 1, 1),)]  # the seconds' last digit alone
        await pilot.pause()
        assert lines.render_line(1).text.startswith("Longest 4:01")
        timer = [seg for seg in lines.render_line(1) if seg.text == "4:01"]
        assert timer and timer[0].style is not None and timer[0].style.color.name == "red"


async def test_refreshed_runs_do_not_pile_up() -> None:
    """Each change refreshes its own run of cells; the widget forgets them once drawn
    (Textual's own `render_line` would, and this widget replaces it)."""
    app = Lines()
    async with app.run_test(size=(40, 5)) as pilot:
        lines = app.query_one(TextLines)
        for step in range(40):
            # a different cell changes every time: 40 distinct runs
            lines.show_lines(Text("".join("x" if x == step % 20 else "." for x in range(20))))
            await pilot.pause()
        assert len(lines._dirty_regions) <= 4
