"""The queue panel: each queue with its waiting count and longest wait, then its callers.

Waits tick every second from `JoinTime` corrected for the server's clock and are coloured
by the warning and alert thresholds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.message import Message

from wallboard.core.bidi import fit_visual
from wallboard.core.board import CallerView, QueueView, WaitLevel, WaitThresholds
from wallboard.core.durations import format_duration
from wallboard.ui.widgets.line_view import TEXT_SPAN, LineView, Span, fit, right

WAIT_WIDTH = 9  # the wait, right-aligned in 8 cells, and a blank
# Built once: a queue line is drawn for every caller on every tick.
_BOLD, _REVERSE = Style(bold=True), Style(reverse=True)


@dataclass(frozen=True, slots=True)
class _Line:
    queue: QueueView
    caller: CallerView | None  # None: the queue's heading line


class QueuePanel(LineView):
    """Every queue and every waiting caller."""

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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.thresholds = WaitThresholds()
        self.selected = 0
        self.show_cursor = True
        self._lines: list[_Line] = []
        self._styles: dict[WaitLevel, Style] = {}
        self._plain = Style()
        # How a caller's number is drawn (the app's `show_phone`: masked per `mask_callers`).
        self.show_phone: Callable[[str], str] = str
        # Right-to-left queue names laid out here for terminals that do not.
        self.bidi_reorder = False

    def set_queues(self, queues: tuple[QueueView, ...]) -> None:
        """Show these queues, keeping the cursor on the same caller or queue."""
        chosen = self.selected_line
        self._lines = [
            line
            for queue in queues
            for line in (_Line(queue, None), *(_Line(queue, c) for c in queue.callers))
        ]
        if chosen is not None:
            for index, line in enumerate(self._lines):
                same_caller = (
                    line.caller is not None
                    and chosen.caller is not None
                    and (line.caller.call_id == chosen.caller.call_id)
                )
                same_queue = (
                    line.caller is None
                    and chosen.caller is None
                    and (line.queue.queue_id == chosen.queue.queue_id)
                )
                if same_caller or same_queue:
                    self.selected = index
                    break
        self.selected = min(self.selected, max(0, len(self._lines) - 1))
        self.relayout()

    def set_board_styles(self, styles: dict[WaitLevel, Style], base: Style) -> None:
        """Use a theme's wait colours."""
        self._styles = styles
        self._plain = base
        self.redraw_all()

    @property
    def selected_line(self) -> _Line | None:
        """The line under the cursor."""
        return self._lines[self.selected] if 0 <= self.selected < len(self._lines) else None

    def line_count(self) -> int:
        """One line per queue and per caller."""
        return len(self._lines)

    def _wait(self, since: float | None) -> tuple[str, WaitLevel]:
        if since is None:
            return "", WaitLevel.OK
        wait = self.now - since
        return format_duration(wait), self.thresholds.level(wait)

    def line_spans(self, index: int) -> tuple[Span, ...]:
        """The line's text, and apart from it the wait in its last `WAIT_WIDTH` cells."""
        line = self._lines[index]
        selected = self.show_cursor and index == self.selected
        width = self.line_width
        if line.caller is None:
            callers = len(line.queue.callers)
            text: Hashable = (line.queue.name, callers)
            wait, level = self._wait(line.queue.oldest_join_utc)
            look: Hashable = (level, selected, callers > 0)
        else:
            text = self.show_phone(line.caller.phone)
            wait, level = self._wait(line.caller.joined_utc)
            look = (level, selected)
        # The wait is a text span: patched in place as it ticks, while its colour holds.
        cells = right(wait, WAIT_WIDTH - 1) + " "
        return (
            (0, width - WAIT_WIDTH, (text, selected)),
            (width - WAIT_WIDTH, WAIT_WIDTH, (TEXT_SPAN, cells, look)),
        )

    def build_line(self, index: int, width: int) -> list[Segment]:
        """A queue heading or a caller line."""
        line = self._lines[index]
        selected = self.show_cursor and index == self.selected
        base = self._plain + _REVERSE if selected else self._plain
        if line.caller is None:
            queue = line.queue
            wait, level = self._wait(queue.oldest_join_utc)
            count = f"{len(queue.callers)} waiting"
            name = fit_visual(queue.name, max(1, width - 22), fit, self.bidi_reorder)
            head = f"{name} {right(count, 11)} "
            # Nobody waiting: no wait to colour (the cells are blank).
            wait_style = base + self._styles.get(level, base) if queue.callers else base
            return [
                Segment(fit(head, width - WAIT_WIDTH), base + _BOLD),
                Segment(right(wait, WAIT_WIDTH - 1) + " ", wait_style),
            ]
        wait, level = self._wait(line.caller.joined_utc)
        return [
            Segment(fit("  " + self.show_phone(line.caller.phone), width - WAIT_WIDTH), base),
            Segment(right(wait, WAIT_WIDTH - 1) + " ", base + self._styles.get(level, base)),
        ]

    def action_move(self, step: int) -> None:
        """Move the cursor up or down a line."""
        if self._lines:
            self.select(max(0, min(len(self._lines) - 1, self.selected + step)))

    def select(self, index: int) -> None:
        """Put the cursor on line `index` and bring it into view."""
        self.selected = index
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + self.size.height:
            self.scroll_to(y=index - self.size.height + 1, animate=False)
        self.refresh_changed()

    def action_choose(self) -> None:
        """Open the selected caller's details."""
        line = self.selected_line
        if line is not None and line.caller is not None:
            self.post_message(self.CallerChosen(line.caller))

    def on_click(self, event: Click) -> None:
        """A click selects a line; a double click opens a caller."""
        offset = self.line_offset(event)
        if offset is None:
            return
        index = offset.y + int(self.scroll_y)
        if 0 <= index < len(self._lines):
            self.select(index)
            if event.chain >= 2:
                self.action_choose()
