"""A scrolling line-API view that redraws only the lines whose picture changed.

Thousands of widgets are slow and every refresh costs terminal bytes, so the grid and the
queue panel are each one widget drawing lines. Each line is cut into spans with a cheap key
(the texts and styles they would show); a tick or a new snapshot compares the keys of the
visible lines and refreshes just the cells that differ. A line whose only changes are its
timers' text (text spans) is patched in place rather than drawn again.

The view draws its own scroll bar, one cell at the right of each line, instead of Textual's
`ScrollBar` widget: a widget inside the view cuts every changed line into three new strips
at its edges in the compositor, which cost about as much as drawing the lines themselves.
As part of the line, the bar's cell changes only when the view scrolls or its length does.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.events import MouseDown, MouseEvent, MouseMove, MouseRelease, MouseUp
from textual.geometry import Offset, Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from wallboard.ui import _textual_compat as compat

HEIGHT_STEP = 32
BAR_WIDTH = 1  # the scroll bar's column, at the right of every line


def fit(text: str, width: int) -> str:
    """`text` cut or padded to exactly `width` terminal cells (wide characters counted)."""
    if width <= 0:
        return ""
    if text.isascii():
        return text[:width].ljust(width)
    if cell_len(text) > width:
        return set_cell_size(text[: width * 2], width - 1) + "…"
    return set_cell_size(text, width)


def right(text: str, width: int) -> str:
    """`text` right-aligned in `width` cells (cut from the left when too long)."""
    return text[-width:].rjust(width) if width > 0 else ""


Span = tuple[int, int, Hashable]
"""A stretch of a line: its x offset, its width in cells, and a key of what it shows."""

_BLANK: tuple[Span, ...] = ((0, 0, "blank"),)

TEXT_SPAN = object()
"""First item of a text span's key, `(TEXT_SPAN, cells, look)`: the span shows exactly
`cells` (one character per cell), styled by `look` alone. When only the `cells` of text
spans change (a timer ticked), the drawn line is patched in place, not drawn again.
(A marker in a plain tuple, not a tuple subclass: spans are made for every line each tick.)
"""


class LineView(ScrollView, can_focus=True):
    """Base of the grid and the queue panel: a list of lines, some with ticking timers.

    Each line is cut into spans (a tile, a tile's timer, a queue's wait) with a key each;
    when a key changes only that span is refreshed, so a ticking timer costs the terminal
    its few changed cells, not the whole line.

    Every line ends in a cell of the view's scroll bar (track or thumb, in the CSS
    `scrollbar-*` colours; blank while every line fits). Clicking the bar jumps there and
    dragging its thumb scrolls; the wheel and the keys scroll as in any Textual view.
    Textual's own scroll bar is kept at width 0 (`scrollbar-size-vertical: 0`): it still
    decides whether the view can scroll, but takes no cells.
    """

    DEFAULT_CSS = """
    LineView {
        scrollbar-size-vertical: 0;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.now = 0.0
        # Line index → (epoch, width, spans drawn, bar cell drawn, strip): what is on screen.
        self._cache: dict[int, tuple[int, int, tuple[Span, ...], Segment, Strip]] = {}
        # Line index → strip, for the lines the last `refresh_changed` found or made current:
        # Textual asks for them right after, and their spans need no second computing.
        self._current: dict[int, Strip] = {}
        self._epoch = 0  # bumped when every line must be redrawn (theme, width)
        self._width = 1
        self._viewport_height = 0
        self._title = ""
        # Viewport rows [start, end) the scroll bar's thumb covers; equal when nothing scrolls.
        self._thumb = (0, 0)
        self._bar_looks: BarLooks | None = None  # made from the CSS when first needed
        self._grab: int | None = None  # while the thumb is dragged: the row of it held

    # --- what subclasses provide -------------------------------------------------------
    def line_count(self) -> int:
        """How many lines the view holds."""
        raise NotImplementedError

    def line_spans(self, index: int) -> tuple[Span, ...]:
        """The spans of line `index`; a key changes whenever its span would look different."""
        raise NotImplementedError

    def build_line(self, index: int, width: int) -> list[Segment]:
        """The segments of line `index`, exactly `width` cells wide."""
        raise NotImplementedError

    # --- the machinery -----------------------------------------------------------------
    @property
    def line_width(self) -> int:
        """The width lines are drawn at, the scroll bar's column not included (measured on
        resize: this is read for every line)."""
        return self._width

    def line_offset(self, event: MouseEvent) -> Offset | None:
        """Where `event` falls among the lines' cells; None outside them (on the border,
        the padding or the scroll bar)."""
        offset = event.get_content_offset(self)
        if offset is None or offset.x >= self.line_width:
            return None
        return offset

    def set_title(self, title: str) -> None:
        """Set the border title only when it changed: each assignment repaints the widget."""
        if title != self._title:
            self._title = title
            self.border_title = title

    def base_style(self) -> Style:
        """The widget's own colours, for padding."""
        return self.rich_style

    def redraw_all(self) -> None:
        """Forget every cached line and redraw (theme or layout changed)."""
        self._epoch += 1
        self._bar_looks = None
        self.forget_lines()
        self.refresh()

    def relayout(self) -> None:
        """The number of lines may have changed: resize the scroll area, redraw what changed.

        The scroll height is the viewport's while every line fits, and moves in steps of
        `HEIGHT_STEP` lines beyond: a new virtual size costs a layout pass of the whole
        screen, and queues gain or lose a caller on most polls.
        """
        lines = self.line_count()
        viewport = self._viewport_height
        # While everything fits: the viewport's height (no scrollbar, no change per poll).
        height = viewport if lines <= viewport else -(-lines // HEIGHT_STEP) * HEIGHT_STEP
        size = Size(self.line_width, height)
        if size != self.virtual_size:
            self.virtual_size = size  # Textual re-decides from it whether the view scrolls
            self._place_thumb()
        self.refresh_changed()

    def _spans(self, index: int) -> tuple[Span, ...]:
        return self.line_spans(index) if index < self.line_count() else _BLANK

    def refresh_changed(self) -> int:
        """Refresh the spans of visible lines whose key changed; returns how many."""
        top = int(self.scroll_y)
        changed = 0
        regions: list[Region] = []
        current: dict[int, Strip] = {}
        self._current = current
        bar_cell = self.bar_cell
        width = self.line_width
        epoch = self._epoch
        bar_run = [(width, width + BAR_WIDTH)]
        for row in range(self.size.height):
            index = top + row
            bar = bar_cell(row)
            cached = self._cache.get(index)
            spans = self._spans(index)
            if cached is None or cached[0] != epoch or cached[1] != width:
                self.refresh_line(index)
                changed += 1
                continue
            _, _, drawn, drawn_bar, old_strip = cached
            same_bar = drawn_bar is bar or drawn_bar == bar
            if spans == drawn:
                if same_bar:
                    current[index] = old_strip
                    continue
                strip, runs = _with_bar(old_strip, bar), bar_run  # scrolled or grew
            elif spans is _BLANK or len(drawn) != len(spans):
                self.refresh_line(index)  # a line emptied, or laid out anew: draw it whole
                changed += 1
                continue
            else:
                # Refresh only the runs of cells that differ: with the `chops` fast path
                # (ui/_textual_compat) Textual then sends just those cells. Ticking text is patched
                # into the drawn strip; anything else draws the line and compares it.
                patched = patch_text_spans(old_strip, drawn, spans)
                if patched is None:
                    strip = self._draw(index, width, bar)
                    runs = cell_runs(old_strip, strip)
                else:
                    strip, runs = patched
                    if not same_bar:
                        strip = _with_bar(strip, bar)
                        runs = [*runs, *bar_run]
            changed += 1
            self._cache[index] = (epoch, width, spans, bar, strip)
            current[index] = strip
            for x1, x2 in runs:
                regions.append(Region(x1, row, x2 - x1, 1))
        if regions:
            self.refresh(*regions)
        return changed

    def set_time(self, now: float) -> None:
        """Set the time timers read without redrawing: the caller redraws right after."""
        self.now = now

    def show_time(self, now: float) -> None:
        """Set the time timers read, and redraw the spans that now read differently."""
        if now == self.now:
            # Every change of data already went through `refresh_changed`; only time is
            # left, and it did not move (the app redraws after new data at the same time).
            return
        self.now = now
        self.refresh_changed()

    def render_line(self, y: int) -> Strip:
        """Draw line `y` of the viewport, from the cache when nothing in it changed."""
        # Textual's own `render_line` empties its set of dirty regions as it renders; this
        # one replaces it, so it must, or every distinct region ever refreshed stays in it.
        compat.forget_dirty_regions(self)
        index = y + int(self.scroll_y)
        strip = self._current.get(index)
        if strip is not None:
            return strip
        width = self.line_width
        spans = self._spans(index)
        bar = self.bar_cell(y)
        cached = self._cache.get(index)
        if cached is not None and cached[:4] == (self._epoch, width, spans, bar):
            return cached[4]
        if spans is _BLANK:
            strip = Strip([Segment(" " * width, self.base_style()), bar], width + BAR_WIDTH)
        else:
            strip = self._draw(index, width, bar)
        self._cache[index] = (self._epoch, width, spans, bar, strip)
        if len(self._cache) > 4 * max(self.size.height, 50):
            self._trim_cache()
        return strip

    def _draw(self, index: int, width: int, bar: Segment) -> Strip:
        # Merged runs of one style: each segment costs an SGR and a reset on the wire.
        # (Merged before the Strip is made: each Strip builds seven caches.) The bar's cell
        # stays a segment of its own, so that it can be replaced alone.
        segments = list(Segment.simplify(self.build_line(index, width)))
        segments.append(bar)
        return Strip(segments, width + BAR_WIDTH)

    # --- the scroll bar ------------------------------------------------------------------
    def bar_cell(self, row: int) -> Segment:
        """The scroll bar's cell on viewport row `row`: thumb, track, or blank when every
        line fits."""
        blank, track, thumb = self._bar_cells()
        start, end = self._thumb
        if start == end:
            return blank
        return thumb if start <= row < end else track

    def _bar_cells(self) -> tuple[Segment, Segment, Segment]:
        looks = self._bar_looks
        if looks is None:
            looks = self._bar_looks = BarLooks.of(self)
        return looks.blank, looks.track, looks.grabbed if self._grab is not None else looks.thumb

    def notify_style_update(self) -> None:
        """The CSS changed (a theme, focus): the bar's colours are read again."""
        super().notify_style_update()
        self._bar_looks = None

    def _place_thumb(self) -> None:
        """Work out the thumb's rows from the scroll position and the lengths (on scroll,
        resize and a new virtual height; every line reads the result)."""
        height = self.size.height
        virtual = self.virtual_size.height
        if height <= 0 or virtual <= height:
            thumb = (0, 0)
        else:
            size = max(1, min(height, round(height * height / virtual)))
            span = virtual - height
            start = round(max(0.0, min(float(self.scroll_y), span)) / span * (height - size))
            thumb = (start, start + size)
        # Every caller drops the lines made current for the old thumb (scroll, resize) or
        # makes them anew right after (`relayout`).
        self._thumb = thumb

    def on_mouse_down(self, event: MouseDown) -> None:
        """A press on the bar: hold the thumb there (jumping to it on the track)."""
        offset = event.get_content_offset(self)
        start, end = self._thumb
        if offset is None or offset.x < self.line_width or start == end or event.button != 1:
            return
        event.stop()
        self._grab = offset.y - start if start <= offset.y < end else (end - start) // 2
        self.capture_mouse()
        self._drag_to(offset.y)
        self.refresh_changed()  # the held thumb's colour

    def on_mouse_move(self, event: MouseMove) -> None:
        """Dragging the thumb scrolls the view."""
        if self._grab is not None:
            self._drag_to(event.get_content_offset_capture(self).y)

    def on_mouse_up(self, event: MouseUp) -> None:
        """Let the thumb go."""
        if self._grab is not None:
            event.stop()
            self.release_mouse()
            self._let_go()

    def on_mouse_release(self, _event: MouseRelease) -> None:
        """The mouse capture ended some other way: let the thumb go too."""
        self._let_go()

    def _let_go(self) -> None:
        if self._grab is not None:
            self._grab = None
            self.refresh_changed()

    def _drag_to(self, row: int) -> None:
        """Scroll so that the held row of the thumb is at viewport row `row`."""
        start, end = self._thumb
        room = self.size.height - (end - start)  # rows the thumb can move through
        if self._grab is None or room <= 0:
            return
        fraction = max(0.0, min(1.0, (row - self._grab) / room))
        self.scroll_to(y=round(fraction * self.max_scroll_y), animate=False)

    def _trim_cache(self) -> None:
        """Keep only the visible lines cached: the cache is bounded by the screen."""
        top = int(self.scroll_y)
        bottom = top + self.size.height
        self._cache = {i: v for i, v in self._cache.items() if top <= i < bottom}

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolling shows other lines: redraw the view."""
        super().watch_scroll_y(old_value, new_value)
        self._current = {}  # made for the rows the lines were on before
        self._place_thumb()
        self._trim_cache()

    def on_resize(self) -> None:
        """A new width changes every line."""
        region = self.scrollable_content_region
        self._width = max(1, region.width - BAR_WIDTH)
        self._viewport_height = region.height
        self.forget_lines()
        self._place_thumb()
        self.relayout()

    def forget_lines(self) -> None:
        """Forget every drawn line: what they show has changed meaning (layout, theme)."""
        self._cache.clear()
        self._current.clear()


@dataclass(frozen=True, slots=True)
class BarLooks:
    """The scroll bar's cells in the view's CSS colours (Textual's scroll bar's colours,
    worked out as it works them out)."""

    blank: Segment  # every line fits: nothing to scroll
    track: Segment
    thumb: Segment
    grabbed: Segment  # the thumb while the mouse holds it

    @classmethod
    def of(cls, view: LineView) -> BarLooks:
        """The looks for `view` as its styles are now."""
        styles = view.styles
        base_background, _ = view.background_colors
        track = styles.scrollbar_background
        if track.a < 1:
            track = base_background + track
        held = styles.scrollbar_background_active
        if held.a < 1:
            held = base_background + held
        return cls(
            Segment(" ", view.base_style()),
            Segment(" ", Style(bgcolor=track.rich_color)),
            Segment(" ", Style(bgcolor=(track + styles.scrollbar_color).rich_color)),
            Segment(" ", Style(bgcolor=(held + styles.scrollbar_color_active).rich_color)),
        )


def _with_bar(strip: Strip, bar: Segment) -> Strip:
    """`strip` (a line drawn with its bar cell last) with `bar` as that cell."""
    segments = list(strip)
    segments[-1] = bar
    return Strip(segments, strip.cell_length)


MERGE_GAP = 6  # a cursor move and a colour cost more than re-sending a few cells
# Unchanged cells of one style between two changes are re-sent up to this many: cheaper
# than a new run's cursor move (~9 bytes), colours (~35) and reset (4), and one region
# less for Textual to carry through a frame.
SAME_STYLE_GAP = 32


def _changed_range(a: str, b: str) -> tuple[int, int]:
    """The first and last index where `a` and `b` (different, of one length) differ."""
    first = 0
    while a[first] == b[first]:
        first += 1
    last = len(a) - 1
    while a[last] == b[last]:
        last -= 1
    return first, last


def _single_cells(text: str) -> bool:
    """Whether each character of `text` is one cell (so string and cell offsets agree)."""
    return text.isascii() or cell_len(text) == len(text)


def patch_text_spans(
    strip: Strip, drawn: tuple[Span, ...], spans: tuple[Span, ...]
) -> tuple[Strip, list[tuple[int, int]]] | None:
    """`strip` (drawn for `drawn`) made to show `spans` by replacing the characters of
    text spans, and the cell runs that changed; None when a full draw is needed.

    Only text spans whose look stayed the same may differ: every cell then keeps its
    style, so the result is exactly the strip a full draw would make, for a fraction of
    the cost (the line is neither built nor merged nor compared again). Called for every
    changed line on every tick, so it is written for speed.
    """
    edits: list[tuple[int, str]] = []  # (x, new text), left to right
    cells: list[tuple[int, int]] = []  # each edit's cells, [x1, x2)
    for before, after in zip(drawn, spans, strict=True):
        old = before[2]
        new = after[2]
        if old == new:
            continue
        x = after[0]
        width = after[1]
        if (
            type(old) is not tuple
            or type(new) is not tuple
            or not old
            or not new
            or old[0] is not TEXT_SPAN
            or new[0] is not TEXT_SPAN
            or old[2] != new[2]
            or before[0] != x
            or before[1] != width
        ):
            return None
        a = old[1]
        b = new[1]
        if a == b:
            continue  # the same cells under a key that compares differently
        if len(a) != width or len(b) != width or not (_single_cells(a) and _single_cells(b)):
            return None
        first, last = _changed_range(a, b)
        edits.append((x + first, b[first : last + 1]))
        cells.append((x + first, x + last + 1))
    if not edits:
        return strip, []
    count = len(edits)
    if cells[0][0] < 0 or cells[-1][1] > strip.cell_length:
        return None  # spans outside the line: it was not drawn from them
    segments: list[Segment] = []
    # The segment each edit starts and ends in: two edits in one segment (one style) are
    # sent as one run when that is cheaper than a second run.
    starts = [-1] * count
    ends = [-1] * count
    pending = 0  # the next edit to apply
    x = 0
    for index, segment in enumerate(strip):
        text = segment.text
        end = x + (len(text) if text.isascii() else cell_len(text))
        if pending < count and edits[pending][0] < end:
            if not _single_cells(text):
                return None
            while pending < count and edits[pending][0] < end:
                edit_x, edit_text = edits[pending]
                if starts[pending] < 0:
                    starts[pending] = index
                offset = edit_x - x
                take = min(len(edit_text), end - edit_x)
                text = text[:offset] + edit_text[:take] + text[offset + take :]
                if take < len(edit_text):
                    # The edit runs on into the next segment (styles merged differently).
                    edits[pending] = (end, edit_text[take:])
                    break
                ends[pending] = index
                pending += 1
            segment = Segment(text, segment.style, segment.control)
        segments.append(segment)
        x = end
    if pending < count:
        return None  # the spans reach past the strip: it was not drawn from them
    runs = [cells[0]]
    for index in range(1, count):
        x1, x2 = cells[index]
        gap = x1 - runs[-1][1]
        if gap <= MERGE_GAP or (gap <= SAME_STYLE_GAP and starts[index] == ends[index - 1]):
            runs[-1] = (runs[-1][0], x2)
        else:
            runs.append((x1, x2))
    return Strip(segments, strip.cell_length), runs


def cell_runs(old: Strip, new: Strip) -> list[tuple[int, int]]:
    """Cell ranges [x1, x2) where `new` differs from `old` (the whole line if unsure)."""
    old_segments = list(old)
    new_segments = list(new)
    width = new.cell_length
    if len(old_segments) != len(new_segments):
        return [(0, width)]
    runs: list[tuple[int, int]] = []
    x = 0
    for before, after in zip(old_segments, new_segments, strict=True):
        a, b = before.text, after.text
        # Called for every changed line on every tick: ASCII text needs no width table.
        size = len(b) if b.isascii() else cell_len(b)
        same_style = before.style is after.style or before.style == after.style
        if a == b and same_style and before.control == after.control:
            x += size
            continue
        if (len(a) if a.isascii() else cell_len(a)) != size:
            return [(0, width)]
        if same_style and a != b and a.isascii() and b.isascii():
            first, last = _changed_range(a, b)
            run = (x + first, x + last + 1)
        else:
            run = (x, x + size)
        if runs and run[0] - runs[-1][1] <= MERGE_GAP:
            runs[-1] = (runs[-1][0], run[1])
        else:
            runs.append(run)
        x += size
    return runs
