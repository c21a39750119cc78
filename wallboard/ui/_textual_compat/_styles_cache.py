"""Fast path `styles-cache`: Textual's line decorator (`StylesCache`), faster for a line
view's content lines.

Textual wraps each line a widget draws in its border, padding, outline, tint and opacity,
and does it again for every line that changes: about 45 µs a line for a bordered view. For
a line view's content lines the wrapping is always the same left and right border cells,
so `LineStylesCache` learns those two cells from a line Textual decorated and reuses them
for as long as everything that shapes them (border, colours, sizes, effects) stays the
same; that is checked once per render of the widget, not once per line.
Anything else — top and bottom borders, padding, outline, tint, opacity, hatch — goes the
ordinary way. The app's truecolor filter, which rebuilds every changed line, is applied
only to the lines it would change (ANSI colours, `dim`); our themes' lines it leaves
alone. `tests/ui/test_line_styles.py` checks that both ways draw the same strips.

Private Textual (`textual._styles_cache`, `textual._ansi_theme`, `Widget._styles_cache`):
imported only by `wallboard.ui._textual_compat`, which calls `check()` and uses this only on
the Textual versions listed there.
"""

from __future__ import annotations

import inspect
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.terminal_theme import TerminalTheme
from textual._ansi_theme import DEFAULT_TERMINAL_THEME
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.content import Content
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region, Size, Spacing
from textual.strip import Strip
from textual.style import Style

if TYPE_CHECKING:
    from textual._styles_cache import RenderLineCallback
    from textual.css.styles import StylesBase


MAX_CHECKED_LINES = 1024  # rows remembered as looked at for the truecolor filter
MAX_STYLES_KEPT = 256  # styles remembered as kept by it (a theme has a few dozen)

# The private signatures this subclass was written against (Textual 8.2).
_RENDER = (
    "self", "styles", "size", "base_background", "background", "render_content_line",
    "filters", "border_title", "border_subtitle", "content_size", "padding", "crop",
    "opacity", "ansi_theme", "native_ansi",
)  # fmt: skip
_RENDER_LINE = (
    "self", "styles", "y", "size", "content_size", "padding", "base_background",
    "background", "render_content_line", "border_title", "border_subtitle", "opacity",
    "ansi_theme", "native_ansi",
)  # fmt: skip


def check() -> None:
    """Raise unless `StylesCache` has the methods this subclass overrides, as written."""
    render = tuple(inspect.signature(StylesCache.render).parameters)
    render_line = tuple(inspect.signature(StylesCache.render_line).parameters)
    if render != _RENDER or render_line != _RENDER_LINE:
        raise TypeError("StylesCache.render or render_line is not the one this was written for")
    for name in ("render_widget", "set_dirty", "clear", "get_inner_outer"):
        if not callable(getattr(StylesCache, name, None)):
            raise TypeError(f"StylesCache has no {name}")


class LineStylesCache(StylesCache):
    """A `StylesCache` that decorates plain content lines with learnt border cells."""

    def __init__(self) -> None:
        super().__init__()
        self._edges_key: Hashable = None
        self._edges: tuple[Segment, Segment] | None = None
        self._learnt = False  # edges looked for under the current key (found or not)
        # Row → the line last looked at for the truecolor filter and whether the filter
        # keeps it as it is (see `_in_truecolor`); style → whether the filter keeps it.
        # Both for one filter and background.
        self._checked: dict[int, tuple[Strip, bool]] = {}
        self._kept: dict[RichStyle, bool] = {}
        self._kept_for: tuple[LineFilter, Color] | None = None

    def render(
        self,
        styles: StylesBase,
        size: Size,
        base_background: Color,
        background: Color,
        render_content_line: RenderLineCallback,
        filters: Sequence[LineFilter],
        border_title: tuple[Content, Color, Color, Style] | None,
        border_subtitle: tuple[Content, Color, Color, Style] | None,
        content_size: Size | None = None,
        padding: Spacing | None = None,
        crop: Region | None = None,
        opacity: float = 1.0,
        ansi_theme: TerminalTheme = DEFAULT_TERMINAL_THEME,
        native_ansi: bool = False,
    ) -> list[Strip]:
        """Render the widget's lines, checking once per render whether the edges still hold."""
        key = _edges_key(
            styles,
            size,
            size if content_size is None else content_size,
            styles.padding if padding is None else padding,
            base_background,
            background,
            opacity,
        )
        if key != self._edges_key:
            self._edges_key = key
            self._edges = None  # learnt again from the next content line decorated
            self._learnt = False
        # The truecolor filter alone (the usual case): applied below, only where it would
        # change something.
        truecolor = filters[0] if len(filters) == 1 else None
        if type(truecolor) is not ANSIToTruecolor:
            truecolor = None
        strips = super().render(
            styles,
            size,
            base_background,
            background,
            render_content_line,
            filters if truecolor is None else (),
            border_title,
            border_subtitle,
            content_size,
            padding,
            crop,
            opacity,
            ansi_theme,
            native_ansi,
        )
        if truecolor is None:
            return strips
        if (truecolor, background) != self._kept_for:
            self._kept_for = (truecolor, background)
            self._kept.clear()
            self._checked.clear()
        first = 0 if crop is None else crop.y
        return [
            self._in_truecolor(first + row, strip, truecolor, background)
            for row, strip in enumerate(strips)
        ]

    def _in_truecolor(
        self, y: int, strip: Strip, truecolor: ANSIToTruecolor, background: Color
    ) -> Strip:
        """`strip` through the truecolor filter, or `strip` itself when that changes nothing.

        The filter rebuilds every segment of every changed line (about a third of the
        cost of decorating it), yet a theme of truecolor colours without `dim` leaves
        them as they were. Whether it keeps a style is asked once per style (a line view
        draws with a handful) and looked up after; what was found for a line is not
        looked for again while the line stays on screen. (Both are for the filter and
        background `render` last saw.)
        """
        checked = self._checked.get(y)
        if checked is not None and checked[0] is strip:
            return strip if checked[1] else strip.apply_filter(truecolor, background)
        keeps = self._keeps_every_style(strip, truecolor, background)
        if len(self._checked) >= MAX_CHECKED_LINES:
            self._checked.clear()  # rows of a widget taller than any terminal: resized
        self._checked[y] = (strip, keeps)
        return strip if keeps else strip.apply_filter(truecolor, background)

    def _keeps_every_style(
        self, strip: Strip, truecolor: ANSIToTruecolor, background: Color
    ) -> bool:
        """Whether the filter would give `strip` back as it is."""
        kept = self._kept
        for _text, style, control in strip:
            if control is not None:
                return False  # the filter drops control codes
            if style is None:
                continue
            keeps = kept.get(style)
            if keeps is None:
                converted = truecolor.truecolor_style(style, background.rich_color)
                # (The filter's cache may answer with an equal style made earlier.)
                keeps = converted is style or converted == style
                if len(kept) >= MAX_STYLES_KEPT:
                    kept.clear()  # more styles than any theme: start over
                kept[style] = keeps
            if not keeps:
                return False
        return True

    def render_line(
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        base_background: Color,
        background: Color,
        render_content_line: RenderLineCallback,
        border_title: tuple[Content, Color, Color, Style] | None,
        border_subtitle: tuple[Content, Color, Color, Style] | None,
        opacity: float,
        ansi_theme: TerminalTheme,
        native_ansi: bool,
    ) -> Strip:
        """One decorated line: fast for content lines once the edges are known."""
        gutter = styles.gutter
        content_y = y - gutter.top
        inside = 0 <= content_y < content_size.height and y < size.height - gutter.bottom
        if inside and self._edges is not None:
            left, right = self._edges
            inner = self.get_inner_outer(base_background, background)[0].rich_style
            line = render_content_line(content_y).adjust_cell_length(content_size.width, inner)
            return Strip([left, *line, right], size.width)
        strip = super().render_line(
            styles,
            y,
            size,
            content_size,
            padding,
            base_background,
            background,
            render_content_line,
            border_title,
            border_subtitle,
            opacity,
            ansi_theme,
            native_ansi,
        )
        if inside and not self._learnt:
            # Once per key: a view the fast path does not fit (padding, effects) is not
            # examined again on every line.
            self._edges = _learn_edges(styles, padding, opacity, strip)
            self._learnt = True
        return strip


def _edges_key(
    styles: StylesBase,
    size: Size,
    content_size: Size,
    padding: Spacing,
    base_background: Color,
    background: Color,
    opacity: float,
) -> Hashable:
    """Everything that shapes a content line's decoration."""
    hatch = styles.hatch if styles.has_rule("hatch") else None
    return (
        styles.border,
        styles.outline,
        styles.tint,
        styles.text_opacity,
        hatch,
        size,
        content_size,
        padding,
        base_background,
        background,
        opacity,
    )


def _learn_edges(
    styles: StylesBase, padding: Spacing, opacity: float, strip: Strip
) -> tuple[Segment, Segment] | None:
    """The left and right border cells of a decorated content line, when that is all
    the decoration is; None when anything else (padding, effects) touched the line."""
    if padding.left or padding.right or opacity != 1.0 or styles.text_opacity != 1.0:
        return None
    if styles.tint.a or (styles.has_rule("hatch") and styles.hatch != "none"):
        return None
    if any(edge for edge, _color in styles.outline):
        return None
    (_, _), (right_type, _), (_, _), (left_type, _) = styles.border
    segments = list(strip)
    if not left_type or not right_type or len(segments) < 2:
        return None
    left, right = segments[0], segments[-1]
    if left.cell_length != 1 or right.cell_length != 1:
        return None
    return left, right
