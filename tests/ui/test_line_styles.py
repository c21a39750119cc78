"""`LineStylesCache` draws exactly what Textual's own `StylesCache` draws, in every state."""

from __future__ import annotations

from textual._styles_cache import StylesCache
from textual.strip import Strip
from ui_support import running

from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.detail import DetailPane
from wallboard.ui.widgets.line_styles import LineStylesCache
from wallboard.ui.widgets.line_view import LineView
from wallboard.ui.widgets.queue_panel import QueuePanel


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


async def test_the_padded_detail_pane_is_decorated_the_ordinary_way(board_app) -> None:
    app = board_app()
    async with running(app, size=(150, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        pane = app.query_one(DetailPane)
        assert pane.display and pane.region.height > 0
        assert_same(pane, fast=False)  # padding: 0 1 is beyond the fast path


def test_the_subclass_matches_this_textual_or_stands_aside() -> None:
    from wallboard.ui.widgets import line_styles

    assert line_styles.supported()  # the pinned Textual: the fast path is in use
