"""Today's events in full: the ticker, paused and opened over the board.

`t` opens it: every event the board kept today (at most `core.events.MAX_EVENTS`), newest
first, each with its time, scrolled with the arrows, Page Up/Down, Home and End. The list
is the ticker as it was when opened, so that what is read does not move under the reader;
the ticker on the board is paused meanwhile and catches up when the list closes (Escape,
`t` or `q`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from wallboard.core.events import Event
from wallboard.ui.widgets.ticker_view import event_text


class EventLines(ScrollView, can_focus=True):
    """A long list of events, drawn a visible line at a time (the line API)."""

    def __init__(
        self,
        events: Sequence[Event],
        line: Callable[[Event], Text],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.events = tuple(events)
        self._line = line
        self._strips: dict[tuple[int, int], Strip] = {}
        self.virtual_size = Size(0, max(1, len(self.events)))

    def render_line(self, y: int) -> Strip:
        """Row `y` of the view: the event at that place in the scrolled list."""
        index = y + self.scroll_offset.y  # rounded, as ScrollView refreshes on it
        width = self.scrollable_content_region.width
        style = self.rich_style
        if index >= len(self.events):
            if not self.events and index == 0:
                return self._text_strip(Text("No events yet today.", style="dim"), width, style)
            return Strip.blank(width, style)
        key = (index, width)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 500:  # bounded: a screenful or two is what is drawn
                self._strips.clear()
            strip = self._strips[key] = self._text_strip(
                self._line(self.events[index]), width, style
            )
        return strip

    def _text_strip(self, text: Text, width: int, style: Style) -> Strip:
        text = text.copy()
        text.truncate(width, overflow="ellipsis")
        segments = list(Segment.apply_style(text.render(self.app.console), style))
        segments.append(Segment(" " * max(0, width - text.cell_len), style))
        return Strip(Segment.simplify(segments), width)

    def notify_style_update(self) -> None:
        """A new theme: draw every line again in its colours."""
        super().notify_style_update()
        self._strips.clear()


class TickerList(ModalScreen[None]):
    """Today's events over the board (see the module)."""

    BINDINGS = [Binding("escape,t,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    TickerList { align: center middle; }
    TickerList > #ticker-box {
        width: 90%; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    TickerList #ticker-title { height: 1; }
    TickerList EventLines { height: 1fr; background: $surface; }
    """

    def __init__(
        self,
        events: Sequence[Event],
        show_phone: Callable[[str], str],
        level_styles: Mapping[str, Style],
        local_time: bool,
        show_sentence: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__()
        self.events = tuple(events)
        self._show_phone = show_phone
        self._show_sentence = show_sentence
        self._level_styles = dict(level_styles)
        self._local_time = local_time

    def compose(self) -> ComposeResult:
        """A title line, then the events."""
        with Vertical(id="ticker-box"):
            title = Text()
            title.append(f"Today's events: {len(self.events)}, newest first", style="bold")
            title.append(" · ticker paused · Esc closes")
            yield Static(title, id="ticker-title")
            yield EventLines(self.events, self._line, id="ticker-events")

    def on_mount(self) -> None:
        """Keys scroll the list (the border says which)."""
        self.query_one("#ticker-box").border_subtitle = "↑↓ PgUp PgDn Home End"
        self.query_one(EventLines).focus()

    def _line(self, event: Event) -> Text:
        if self._show_sentence is None:
            return event_text(
                event, self._show_phone, self._level_styles, local_time=self._local_time
            )
        return event_text(
            event,
            self._show_phone,
            self._level_styles,
            local_time=self._local_time,
            show_sentence=self._show_sentence,
        )
