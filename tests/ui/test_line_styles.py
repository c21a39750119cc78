"""The `styles-cache` fast path: `LineStylesCache` draws exactly what Textual's own
`StylesCache` draws, in every state. (Skipped when the fast path is off: there is nothing of
it to compare; the stock path is then what every other UI test sees.)"""

from __future__ import annotations

from typing import Any

import pytest
from rich.style import Style
from textual._styles_cache import StylesCache
from textual.strip import Strip
from ui_support import THEMES, running

from wallboard.core.agent_state import STYLE_KEYS
from wallboard.ui import _textual_compat
from wallboard.ui._textual_compat._styles_cache import LineStylesCache
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.detail import DetailPane
from wallboard.ui.widgets.line_view import LineView
from wallboard.ui.widgets.queue_panel import QueuePanel

pytestmark = pytest.mark.skipif(
    not _textual_compat.fast_paths().is_on("styles-cache"), reason="styles-cache is off"
)


def both_ways(view: LineView) -> tuple[list[Strip], list[Strip]]:
    """Every line of `view` decorated by its own cache (all lines redrawn) and by Textual's."""
    ours = view._styles_cache
    assert isinstance(ours, LineStylesCache)
    whole = view.region.size.region
    ours.set_dirty(whole)  # redraw every line, through the fast path where it applies
    return ours.render_widget(view, whole), StylesCache().render_widget(view, whole)


def assert_same(view: LineView, fast: bool) -> None:
    mine, stock = both_ways(view)
    assert len(mine) == len(stock) == view.region.height
    for y, (a, b) in enumerate(zip(mine, stock, strict=True)):
        assert list(a) == list(b), f"{type(view).__name__} line {y}"
        assert a.cell_length == b.cell_length
    # The fast path must really be taken where it can be, or this test proves nothing.
    assert (view._styles_cache._edges is not None) == fast  # type: ignore[attr-defined]


async def test_line_views_draw_as_textual_does_through_focus_staleness_theme_and_size(
    board_app, clock
) -> None:
    app = board_app()
    async with running(app, size=(150, 40)) as pilot:
        grid, queues = app.query_one(AgentGrid), app.query_one(QueuePanel)

        def check() -> None:
            assert_same(grid, fast=True)
            assert_same(queues, fast=True)

        check()
        queues.focus()  # the focused view's border changes colour
        await pilot.pause()
        check()
        clock.advance(60)
        app.show_failure("network", "connection refused", 4.0)  # stale: heavy red borders
        app.tick()
        await pilot.pause()
        assert app.screen.has_class("-stale")
        check()
        app.theme = "high-contrast"
        await pilot.pause()
        check()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        check()


@pytest.mark.parametrize("theme", THEMES)
async def test_every_theme_is_drawn_as_textual_draws_it_without_the_truecolor_pass(
    board_app, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = board_app(theme=theme)
    async with running(app, size=(150, 40)):
        grid, queues = app.query_one(AgentGrid), app.query_one(QueuePanel)
        converted: list[Strip] = []
        real_apply = Strip.apply_filter

        def apply_filter(strip: Strip, *args: Any) -> Strip:
            converted.append(strip)
            return real_apply(strip, *args)

        monkeypatch.setattr(Strip, "apply_filter", apply_filter)
        for view in (grid, queues):
            whole = view.region.size.region
            view._styles_cache.set_dirty(whole)
            converted.clear()
            view._styles_cache.render_widget(view, whole)
            # Our themes are truecolor without dim: the filter would change nothing, so
            # only the border rows (title) still go through it.
            assert len(converted) <= 2, f"{theme}: {len(converted)} lines converted"
            assert_same(view, fast=True)


async def test_colours_the_truecolor_pass_changes_still_go_through_it(board_app) -> None:
    app = board_app()
    async with running(app, size=(150, 40)) as pilot:
        grid = app.query_one(AgentGrid)
        # A palette of ANSI colours and dim: the terminal's own palette would show them.
        grid.set_board_styles({key: Style(color="red", dim=True) for key in STYLE_KEYS}, Style())
        await pilot.pause()
        raw = grid.render_line(0)  # the first tile row, before decoration and filters
        assert any(seg.style is not None and seg.style.dim for seg in raw)
        _, stock = both_ways(grid)
        # Textual's way converts them (dim becomes a blended truecolor); ours must too,
        # and again when the same lines are drawn from its cache (nothing dirty).
        assert not any(seg.style is not None and seg.style.dim for seg in stock[1])
        assert_same(grid, fast=True)
        again = grid._styles_cache.render_widget(grid, grid.region.size.region)
        assert [list(strip) for strip in again] == [list(strip) for strip in stock]


async def test_the_padded_detail_pane_is_decorated_the_ordinary_way(board_app) -> None:
    app = board_app()
    async with running(app, size=(150, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        pane = app.query_one(DetailPane)
        assert pane.display and pane.region.height > 0
        assert_same(pane, fast=False)  # padding: 0 1 is beyond the fast path


def test_the_subclass_matches_this_textual() -> None:
    from wallboard.ui._textual_compat import _styles_cache

    _styles_cache.check()  # a verified Textual: the shapes it overrides are as written
