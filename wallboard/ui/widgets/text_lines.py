"""A few lines of text drawn with the line API, for text that changes every second.

A `Static` sends each new text through Textual's content pipeline (convert, wrap, style,
cache): about 0.3 ms a line every time it changes. The totals (the longest wait) and the
health line (the clock, the data's age) change every second, so they are drawn here
instead: one row per `rich.text.Text` line, never wrapped, cut with an ellipsis at the
widget's width, each row's strip kept until its text, the width or the style changes.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from wallboard.ui import _textual_compat as compat
from wallboard.ui.widgets.line_view import cell_runs


class TextLines(Widget):
    """Rows of plain text (styled spans allowed) that redraw only when they change."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: tuple[Text, ...] = ()
        self._strips: dict[int, Strip] = {}
        self._drawn_for: tuple[int, Style] | None = None

    @property
    def content(self) -> str:
        """The text shown, rows joined by newlines (what tests and screen readers read)."""
        return "\n".join(line.plain for line in self._lines)

    def show_lines(self, *lines: Text) -> None:
        """Show these rows; nothing is redrawn when they are what is shown already."""
        if lines == self._lines:
            return
        changed = [
            y
            for y in range(max(len(lines), len(self._lines)))
            if y >= len(lines) or y >= len(self._lines) or lines[y] != self._lines[y]
        ]
        self._lines = lines
        width, style = self.size.width, self.rich_style
        regions: list[Region] = []
        for y in changed:
            old = self._strips.pop(y, None)
            runs = [(0, width)]
            if old is not None and self._drawn_for == (width, style):
                # Only the cells that differ are refreshed: a clock's seconds, not its line.
                new = self._strips[y] = self._draw(y, width, style)
                runs = cell_runs(old, new)
            regions.extend(Region(x0, y, x1 - x0, 1) for x0, x1 in runs)
        if regions:
            self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        """Row `y`, cut or padded to the widget's width in its own colours."""
        # Textual's own `render_line` empties the set of dirty regions; this one replaces
        # it, and refreshes runs of cells at many places, so it must empty it too.
        compat.forget_dirty_regions(self)
        width, style = self.size.width, self.rich_style
        if self._drawn_for != (width, style):
            self._strips.clear()  # resized, restyled (a class such as -failing), new theme
            self._drawn_for = (width, style)
        strip = self._strips.get(y)
        if strip is None:
            strip = self._strips[y] = self._draw(y, width, style)
        return strip

    def _draw(self, y: int, width: int, style: Style) -> Strip:
        if y >= len(self._lines) or width <= 0:
            return Strip.blank(width, style)
        text = self._lines[y].copy()
        text.truncate(width, overflow="ellipsis")
        segments = list(Segment.apply_style(text.render(self.app.console), style))
        segments.append(Segment(" " * (width - text.cell_len), style))
        # One segment per run of a style: each costs an SGR on the wire.
        return Strip(Segment.simplify(segments), width)
