"""The queue table: every queue, trouble first, with today's figures, then its callers.

One heading row per queue, in the width it is given:

    Queue        Waiting            Longest  SL/target  Answered  Abandoned  ASA  EWT  Avail  trend

Queues are ordered by `core.queue_order` (an active alert, then a warning, then the longest
wait). Narrow tables drop columns in `DROP_ORDER` (first dropped first): the trend, agents
available, EWT, ASA, abandoned, answered, then the waiting count's words ("12 callers
waiting" becomes "12"); name, waiting, longest wait and service level always stay. A name
too long for its column ends in "…". Figures with no data today read "—", never 0.

The service level is coloured by `core.service_level.standing` against the queue's target
(met, close: within 5 points below, missed), in the theme's ok/warn/alert wait colours; a
queue with an active alert has its name marked "⚑" in the theme's warning or error colour.
Waits tick every second from `JoinTime` corrected for the server's clock: a tick patches
only the longest-wait cells, every other cell is keyed and drawn once per change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.color import Color
from textual.events import Click
from textual.geometry import Size
from textual.message import Message

from wallboard.core.bidi import fit_visual
from wallboard.core.board import CallerView, QueueView, WaitLevel, WaitThresholds
from wallboard.core.day_figures import DayFigures
from wallboard.core.day_metrics import ThresholdTable
from wallboard.core.durations import format_duration
from wallboard.core.queue_order import order_queues
from wallboard.core.queue_trend import MINUTES, WaitingTrend, sparkline
from wallboard.core.service_level import Standing, standing
from wallboard.ui.widgets.line_view import TEXT_SPAN, LineView, Span, right

NO_DATA = "—"
ALERT_MARK = "⚑ "
NAME_MIN = 16  # a name column narrower than this drops a column instead (or cuts, at last)
NAME_ROOM = 32  # room for a name before spare cells go to the trend
NAME_MAX = 40
LONGEST_WIDTH = 9
TREND_MIN = 12  # minutes of trend worth drawing
TREND_HEADER = "Waiting, last hour"
LONG_WAITING_WIDTH = 19  # " 123 callers waiting"
SHORT_WAITING_WIDTH = 8  # " Waiting" over " 123"
# A heading's height: the panel asks for its lines plus the border, and only gives rows
# back when this many are spare (each change of height lays the whole screen out again).
SHRINK_SLACK = 6
BORDER_ROWS = 2


@dataclass(frozen=True, slots=True)
class Column:
    """A right-aligned column of the table: its key, header, and width (a gap included)."""

    key: str
    header: str
    width: int


# In display order after the name, waiting and longest wait.
SL = Column("sl", "SL/target", 10)
ANSWERED = Column("answered", "Answered", 9)
ABANDONED = Column("abandoned", "Abandoned", 11)
ASA = Column("asa", "ASA", 7)
EWT = Column("ewt", "EWT", 7)
AVAILABLE = Column("available", "Avail", 7)
FIGURE_COLUMNS = (SL, ANSWERED, ABANDONED, ASA, EWT, AVAILABLE)
# What a narrow table gives up, first first ("waiting-words": the waiting count's words).
DROP_ORDER = ("trend", "available", "ewt", "asa", "abandoned", "answered", "waiting-words")


@dataclass(frozen=True, slots=True)
class TableLayout:
    """Where each part of a row goes at one width."""

    name_width: int
    waiting_width: int
    longest_x: int
    columns: tuple[Column, ...]  # the figure columns shown, in order
    trend_width: int  # minutes of trend shown (0: none)


def plan_columns(width: int, has_available: bool) -> TableLayout:
    """The table's layout at `width`: drop columns in `DROP_ORDER` until the name column
    has `NAME_MIN` cells; room beyond `NAME_ROOM` for the name widens the trend (up to an
    hour), then the name again, up to `NAME_MAX`.

    The layout depends on the width alone, never on the names: a new queue, or a long
    name, moves no column of the other rows.
    """
    dropped: set[str] = set() if has_available else {"available"}

    def fixed() -> int:
        waiting = SHORT_WAITING_WIDTH if "waiting-words" in dropped else LONG_WAITING_WIDTH
        figures = sum(c.width for c in FIGURE_COLUMNS if c.key not in dropped)
        trend = 0 if "trend" in dropped else TREND_MIN + 2
        return waiting + LONGEST_WIDTH + figures + trend

    for step in DROP_ORDER:
        if width - fixed() >= NAME_MIN:
            break
        dropped.add(step)
    spare = width - fixed()
    trend = 0
    if "trend" not in dropped:
        trend = TREND_MIN + min(MINUTES - TREND_MIN, max(0, spare - NAME_ROOM))
        spare -= trend - TREND_MIN
    # Beyond `NAME_MAX` the eye would travel too far from a name to its figures: the
    # rest of a very wide line stays blank at the right.
    name_width = max(1, min(spare, NAME_MAX))
    waiting = SHORT_WAITING_WIDTH if "waiting-words" in dropped else LONG_WAITING_WIDTH
    return TableLayout(
        name_width=name_width,
        waiting_width=waiting,
        longest_x=name_width + waiting,
        columns=tuple(c for c in FIGURE_COLUMNS if c.key not in dropped),
        trend_width=trend,
    )


def cut(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with a visible "…"."""
    if width <= 0:
        return ""
    size = cell_len(text)
    if size <= width:
        return text + " " * (width - size)
    return set_cell_size(text, width - 1) + "…"


def waiting_words(count: int) -> str:
    """ "1 caller waiting", "2 callers waiting", "nobody waiting"."""
    if count == 0:
        return "nobody waiting"
    return f"{count} caller{'s' if count != 1 else ''} waiting"


def _seconds(row: Mapping[str, Any] | None, name: str) -> str:
    value = row.get(name) if row is not None else None
    return format_duration(value) if isinstance(value, int | float) else NO_DATA


def _count(row: Mapping[str, Any] | None, name: str) -> int | None:
    value = row.get(name) if row is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _pct(row: Mapping[str, Any] | None, name: str) -> float | None:
    value = row.get(name) if row is not None else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class QueueFigures:
    """The heading's cells besides the live ones, made once per snapshot (texts)."""

    alert: str | None  # the active alert's level: "warn", "alert", or None
    sl: str
    standing: Standing | None
    answered: str
    abandoned: str
    asa: str
    ewt: str
    available: str
    trend: tuple[int | None, ...]  # callers waiting per minute, oldest first


def queue_figures(
    queue: QueueView,
    row: Mapping[str, Any] | None,
    target_pct: float,
    alert: str | None,
    available: int | None,
    trend: tuple[int | None, ...],
) -> QueueFigures:
    """A queue's heading cells from its row of today's figures (None: no data, "—")."""
    sl = _pct(row, "service_level_pct")
    answered = _count(row, "answered")
    abandoned = _count(row, "abandoned")
    abandon_pct = _pct(row, "abandon_pct")
    if abandoned is None:
        abandoned_text = NO_DATA
    elif abandon_pct is None:
        abandoned_text = str(abandoned)
    else:
        abandoned_text = f"{abandoned} ({abandon_pct:.0f}%)"
    return QueueFigures(
        alert=alert,
        sl=f"{NO_DATA if sl is None else f'{sl:.0f}%'}/{target_pct:.0f}",
        standing=standing(sl, target_pct),
        answered=NO_DATA if answered is None else str(answered),
        abandoned=abandoned_text,
        asa=_seconds(row, "asa_s"),
        ewt=_seconds(row, "ewt_s"),
        available=NO_DATA if available is None else str(available),
        trend=trend,
    )


def callers_per_queue(waiting: list[int], room: int | None) -> int | None:
    """How many callers each queue lists so that every queue's heading fits in `room`
    lines (a header, the headings, the callers, and a "… N more" line per queue cut
    short); None: all of them. 0: headings only (the heading says how many wait)."""
    total = 1 + len(waiting) + sum(waiting)
    if room is None or total <= room:
        return None
    for each in range(max(waiting, default=0), 0, -1):
        used = 1 + len(waiting) + sum(min(n, each) + (n > each) for n in waiting)
        if used <= room:
            return each
    return 0


@dataclass(frozen=True, slots=True)
class _Line:
    kind: str  # "header", "queue", "caller" or "more" (callers not listed)
    queue: QueueView | None = None
    caller: CallerView | None = None
    figures: QueueFigures | None = None
    phone: str = ""  # the caller's number as this screen may show it
    hidden: int = 0  # a "more" line: how many of the queue's callers are not listed

    @property
    def key(self) -> tuple[str, object]:
        """What the cursor follows through a reorder: the queue or the caller."""
        if self.caller is not None:
            return ("caller", self.caller.call_id)
        if self.kind == "more" and self.queue is not None:
            return ("more", self.queue.queue_id)
        if self.queue is not None:
            return ("queue", self.queue.queue_id)
        return ("header", 0)


_HEADER = _Line("header")


class QueuePanel(LineView):
    """The queue table: a header, then each queue's heading and its waiting callers."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("enter", "choose", "Details"),
    ]

    class CallerChosen(Message):
        """The user asked for the details of a waiting caller."""

        def __init__(self, caller: CallerView) -> None:
            super().__init__()
            self.caller = caller

    class QueueChosen(Message):
        """The user asked for the details of a queue (Enter on its heading)."""

        def __init__(self, queue: QueueView) -> None:
            super().__init__()
            self.queue = queue

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.thresholds = WaitThresholds()
        self.selected = 1
        self.show_cursor = True
        self._lines: list[_Line] = [_HEADER]
        # What the cursor is on, by key (not by row): it stays there through a reorder.
        self._selected_key: tuple[str, object] | None = None
        self._selected_queue: int | None = None
        self._styles: dict[WaitLevel, Style] = {}
        self._marks: dict[str, Style] = {}
        self._plain = Style()
        self._queues: tuple[QueueView, ...] = ()
        self._day = DayFigures()
        self._alerted: Mapping[tuple[str, str], str] = {}
        self._targets = ThresholdTable()
        self._trend: WaitingTrend | None = None
        self._available: Mapping[int, int] = {}
        self._phone: Callable[[str], str] = str
        # Right-to-left queue names laid out here for terminals that do not.
        self.bidi_reorder = False
        self._layout: TableLayout | None = None
        self._layout_key: tuple[int, bool] | None = None
        self._height = 0
        self._room_used: int | None = None  # the room the callers were listed for

    # --- data in --------------------------------------------------------------------------
    def set_queues(
        self,
        queues: tuple[QueueView, ...],
        *,
        day: DayFigures | None = None,
        alerted: Mapping[tuple[str, str], str] | None = None,
        targets: ThresholdTable | None = None,
        trend: WaitingTrend | None = None,
        available: Mapping[int, int] | None = None,
        phone: Callable[[str], str] | None = None,
    ) -> None:
        """Show these queues, worst first, keeping the cursor on the same caller or queue.

        `day`: today's figures; `alerted`: active alerts by subject; `targets`: the
        service-level target per queue; `trend`: callers waiting per minute; `available`:
        agents available per queue ID (teams; empty: no such column); `phone`: how a
        caller's number may be shown. Each omitted argument keeps its last value.
        """
        self._queues = queues
        if day is not None:
            self._day = day
        if alerted is not None:
            self._alerted = alerted
        if targets is not None:
            self._targets = targets
        if trend is not None:
            self._trend = trend
        if available is not None:
            self._available = available
        if phone is not None:
            self._phone = phone
        self._rebuild()

    @property
    def ordered_queues(self) -> tuple[QueueView, ...]:
        """The queues in the table's order (trouble first)."""
        return tuple(line.queue for line in self._lines if line.kind == "queue" and line.queue)

    def set_alerts(self, alerted: Mapping[tuple[str, str], str]) -> None:
        """Take the active alerts (checked between polls too); reorders when they changed."""
        queue_alerts = {k: v for k, v in alerted.items() if k[0] == "queue"}
        if queue_alerts != {k: v for k, v in self._alerted.items() if k[0] == "queue"}:
            self._alerted = alerted
            self._rebuild()

    def _rebuild(self) -> None:
        chosen = self._selected_key
        ordered = order_queues(self._queues, self._alerted, self.thresholds, self.now)
        self._room_used = self._room()
        per_queue = callers_per_queue([len(q.callers) for q in ordered], self._room_used)
        lines = [_HEADER]
        trend_now = self.now
        for queue in ordered:
            target = self._targets.for_queue(queue.queue_id, queue.name).service_level_target_pct
            series = (
                self._trend.series(queue.queue_id, trend_now, MINUTES)
                if self._trend is not None
                else ()
            )
            figures = queue_figures(
                queue,
                self._day.queue(queue.queue_id),
                target,
                self._alerted.get(("queue", str(queue.queue_id))),
                self._available.get(queue.queue_id),
                series,
            )
            lines.append(_Line("queue", queue, None, figures))
            shown = queue.callers if per_queue is None else queue.callers[:per_queue]
            lines.extend(
                _Line("caller", queue, caller, None, self._phone(caller.phone)) for caller in shown
            )
            if per_queue and len(queue.callers) > per_queue:
                lines.append(_Line("more", queue, hidden=len(queue.callers) - per_queue))
        self._lines = lines
        self._plan()
        index = next((i for i, line in enumerate(lines) if line.key == chosen), None)
        if index is None and self._selected_queue is not None:
            # The caller left: stay on its queue's heading rather than on a stranger.
            wanted = ("queue", self._selected_queue)
            index = next((i for i, line in enumerate(lines) if line.key == wanted), None)
        if index is not None:
            self.selected = index
        self.selected = max(1, min(self.selected, len(lines) - 1))
        self._remember_selection()
        self._fit_height()
        self.relayout()

    def _room(self) -> int | None:
        """Lines the table may take (its CSS `max-height`, less the border); None before
        the screen is laid out or without a cap."""
        cap = self.styles.max_height
        if cap is None or not self.is_attached or not self.screen.size.height:
            return None
        # The share is of the screen less what is docked on it (the footer), as Textual
        # lays it out.
        screen = self.screen
        docked = sum(
            child.outer_size.height
            for child in screen.children
            if child.display and child.styles.dock in ("top", "bottom")
        )
        parent = Size(screen.size.width, max(0, screen.size.height - docked))
        rows = int(cap.resolve(parent, self.app.size)) - BORDER_ROWS
        return rows if rows > 0 else None

    def set_board_styles(self, styles: dict[WaitLevel, Style], base: Style) -> None:
        """Use a theme's wait colours (and its warning and error colours for alert marks)."""
        self._styles = styles
        self._plain = base
        theme = self.app.current_theme if self.is_attached else None
        self._marks = {}
        if theme is not None:
            for level, colour in (("warn", theme.warning), ("alert", theme.error)):
                if colour:
                    rich: RichColor = Color.parse(colour).rich_color
                    self._marks[level] = Style(color=rich, bold=True)
        self.redraw_all()

    # --- layout ---------------------------------------------------------------------------
    def _plan(self) -> None:
        """Work out the columns for the width (again only when it changes)."""
        key = (self.line_width, bool(self._available))
        if key != self._layout_key:
            self._layout_key = key
            self._layout = plan_columns(self.line_width, bool(self._available))
            self._epoch += 1  # every line is laid out anew

    @property
    def table_layout(self) -> TableLayout:
        """The columns at the current width."""
        if self._layout is None:
            self._plan()
        assert self._layout is not None
        return self._layout

    def _fit_height(self) -> None:
        """Ask for as many rows as there are lines (the CSS caps it), growing at once and
        shrinking only when `SHRINK_SLACK` rows are spare: a new height costs a layout pass."""
        # Never more than the screen: past the CSS cap, a growing queue changes nothing.
        screen = self.screen.size.height if self.is_attached else 0
        wanted = len(self._lines) + BORDER_ROWS
        if screen:
            wanted = min(wanted, screen)
        if wanted > self._height or wanted <= self._height - SHRINK_SLACK:
            self._height = wanted
            self.styles.height = wanted

    def on_resize(self) -> None:
        """A new size: the columns are planned again, and the cursor kept in view."""
        super().on_resize()
        self._plan()
        if self._room() != self._room_used:
            self._rebuild()  # another screen height: another number of callers listed
        self.relayout()
        top, height = int(self.scroll_y), self.size.height
        if height and not top <= self.selected < top + height:
            self.scroll_to(y=max(0, self.selected - height + 1), animate=False)

    # --- drawing --------------------------------------------------------------------------
    @property
    def selected_line(self) -> _Line | None:
        """The line under the cursor."""
        return self._lines[self.selected] if 0 < self.selected < len(self._lines) else None

    def line_count(self) -> int:
        """A header, then a line per queue and per caller."""
        return len(self._lines)

    def _wait(self, since: float | None) -> tuple[str, WaitLevel]:
        if since is None:
            return NO_DATA, WaitLevel.OK
        wait = self.now - since
        return format_duration(wait), self.thresholds.level(wait)

    def line_spans(self, index: int) -> tuple[Span, ...]:
        """The line before the longest wait, the wait (ticking text), and the rest."""
        line = self._lines[index]
        layout = self.table_layout
        x = layout.longest_x
        width = self.line_width
        if line.kind == "header":
            return ((0, width, ("header", self._epoch)),)
        selected = self.show_cursor and index == self.selected
        if line.kind == "more":
            return ((0, width, ("more", self._more_text(line), selected)),)
        if line.caller is not None:
            wait, level = self._wait(line.caller.joined_utc)
            front: Hashable = (line.phone, selected)
            look: Hashable = (level, selected)
            back: Hashable = selected
        else:
            queue = line.queue
            assert queue is not None
            wait, level = self._wait(queue.oldest_join_utc)
            front = (queue.name, len(queue.callers), line.figures, selected)
            look = (level, selected, bool(queue.callers))
            back = (line.figures, selected)
        # The wait is a text span: patched in place as it ticks, while its colour holds.
        cells = right(wait, LONGEST_WIDTH)
        return (
            (0, x, front),
            (x, LONGEST_WIDTH, (TEXT_SPAN, cells, look)),
            (x + LONGEST_WIDTH, max(0, width - x - LONGEST_WIDTH), back),
        )

    def build_line(self, index: int, width: int) -> list[Segment]:
        """The header, a queue heading or a caller line."""
        line = self._lines[index]
        layout = self.table_layout
        if line.kind == "header":
            return self._header(layout, width)
        selected = self.show_cursor and index == self.selected
        base = self._plain + Style(reverse=True) if selected else self._plain
        front_width = layout.longest_x
        if line.kind == "more":
            return [Segment(cut(self._more_text(line), width), base + Style(dim=True))]
        if line.caller is not None:
            wait, level = self._wait(line.caller.joined_utc)
            segments = [
                Segment(cut("  " + line.phone, front_width), base),
                Segment(right(wait, LONGEST_WIDTH), base + self._styles.get(level, base)),
            ]
        else:
            segments = self._heading(line, layout, base)
        used = sum(s.cell_length for s in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return list(Segment.adjust_line_length(segments, width, base))

    @staticmethod
    def _more_text(line: _Line) -> str:
        return f"  … {line.hidden} more waiting (Enter: the queue)"

    def _header(self, layout: TableLayout, width: int) -> list[Segment]:
        style = self._plain + Style(bold=True, dim=True)
        text = cut("Queue", layout.name_width)
        text += right("Waiting", layout.waiting_width) + right("Longest", LONGEST_WIDTH)
        text += "".join(right(c.header, c.width) for c in layout.columns)
        if layout.trend_width:
            header = TREND_HEADER if layout.trend_width >= 60 else f"last {layout.trend_width} min"
            text += "  " + cut(header, layout.trend_width)
        return [Segment(cut(text, width), style)]

    def _heading(self, line: _Line, layout: TableLayout, base: Style) -> list[Segment]:
        queue, figures = line.queue, line.figures
        assert queue is not None and figures is not None
        bold = base + Style(bold=True)
        mark = self._marks.get(figures.alert or "") if figures.alert else None
        name = (ALERT_MARK if figures.alert else "") + queue.name
        count = len(queue.callers)
        words = waiting_words(count) if layout.waiting_width == LONG_WAITING_WIDTH else str(count)
        wait, level = self._wait(queue.oldest_join_utc)
        segments = [
            Segment(
                fit_visual(name, layout.name_width, cut, self.bidi_reorder),
                bold + mark if mark else bold,
            ),
            Segment(right(words, layout.waiting_width), bold if count else base),
            Segment(
                right(wait, LONGEST_WIDTH),
                base + self._styles[level] if count and level in self._styles else base,
            ),
        ]
        for column in layout.columns:
            text = getattr(figures, column.key)
            style = base
            if column is SL and figures.standing is not None:
                style = base + self._styles.get(_SL_LEVELS[figures.standing], base)
            segments.append(Segment(right(text, column.width), style))
        if layout.trend_width:
            series = figures.trend[-layout.trend_width :] if figures.trend else ()
            spark = sparkline(series).rjust(layout.trend_width)
            segments.append(Segment("  " + spark, base))
        return segments

    def _remember_selection(self) -> None:
        line = self.selected_line
        self._selected_key = line.key if line is not None else None
        self._selected_queue = line.queue.queue_id if line and line.queue else None

    # --- keys -----------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        """Move the cursor up or down a line (the header is not a line to stand on)."""
        if len(self._lines) > 1:
            self.select(max(1, min(len(self._lines) - 1, self.selected + step)))

    def select(self, index: int) -> None:
        """Put the cursor on line `index` and bring it into view."""
        self.selected = index
        self._remember_selection()
        top = int(self.scroll_y)
        if index - 1 < top:
            self.scroll_to(y=max(0, index - 1), animate=False)
        elif index >= top + self.size.height:
            self.scroll_to(y=index - self.size.height + 1, animate=False)
        self.refresh_changed()

    def action_choose(self) -> None:
        """Open the selected caller's or queue's details."""
        line = self.selected_line
        if line is None:
            return
        if line.caller is not None:
            self.post_message(self.CallerChosen(line.caller))
        elif line.queue is not None:
            self.post_message(self.QueueChosen(line.queue))

    def on_click(self, event: Click) -> None:
        """A click selects a line; a double click opens it."""
        offset = self.line_offset(event)
        if offset is None:
            return
        index = offset.y + int(self.scroll_y)
        if 1 <= index < len(self._lines):
            self.select(index)
            if event.chain >= 2:
                self.action_choose()


_SL_LEVELS = {
    Standing.MET: WaitLevel.OK,
    Standing.CLOSE: WaitLevel.WARN,
    Standing.MISSED: WaitLevel.ALERT,
}
