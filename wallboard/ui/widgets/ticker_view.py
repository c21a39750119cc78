"""The ticker on the board: what just happened, newest first.

On most screens it is one line above the health line (`TickerLine`); on wide screens, and
as one of a wall's views, a panel of one event a row with its time (`TickerPanel`). Both
draw `core.events.Event`s as sentences through `app.show_phone`, so caller numbers follow
the masking setting at the moment they are drawn. Names and numbers come from the API and
are drawn as plain text (`core.text.plain`, Rich `Text`), never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text

from wallboard.core.events import ALERT, Event
from wallboard.core.text import plain
from wallboard.ui.widgets.text_lines import TextLines

# Events on the one line: more than fit 300 columns, so the line is always full.
LINE_EVENTS = 12
LINE_SEPARATOR = " · "
LINE_LABEL = "Latest (t: all today): "
PANEL_TITLE = "Latest (t: all today)"
NOTHING_YET = "nothing yet today"
MAX_SENTENCE_CHARS = 300
SIDE_PANEL_ROWS = 20


def _same(text: str) -> str:
    return text


def event_sentence(
    event: Event,
    show_phone: Callable[[str], str],
    show_sentence: Callable[[str], str] = _same,
) -> str:
    """The event's sentence as it may be drawn: numbers through `show_phone`, plain text,
    then through `show_sentence` (right-to-left names laid out, when the board does)."""
    return show_sentence(plain(event.sentence(show_phone), MAX_SENTENCE_CHARS))


def event_clock(at: float, local_time: bool) -> str:
    """When an event happened, as HH:MM:SS (the machine's zone or UTC); dashes for a time
    no clock can show (the feed drops those, but a list must never fail to draw)."""
    try:
        stamp = datetime.fromtimestamp(at, UTC)
        return (stamp.astimezone() if local_time else stamp).strftime("%H:%M:%S")
    except (ValueError, OverflowError, OSError):
        return "--:--:--"


def event_text(
    event: Event,
    show_phone: Callable[[str], str],
    level_styles: Mapping[str, Style],
    *,
    local_time: bool | None = None,
    show_sentence: Callable[[str], str] = _same,
) -> Text:
    """One event as a styled line: its time (when `local_time` is given), then its sentence;
    an alert in its level's colour."""
    line = Text(no_wrap=True, overflow="ellipsis")
    if local_time is not None:
        line.append(event_clock(event.at, local_time), style="dim")
        line.append("  ")
    style = level_styles.get(event.level, Style()) if event.kind == ALERT else Style()
    line.append(event_sentence(event, show_phone, show_sentence), style=style)
    return line


def ticker_line(
    events: Sequence[Event],
    show_phone: Callable[[str], str],
    level_styles: Mapping[str, Style],
    label: str = LINE_LABEL,
    show_sentence: Callable[[str], str] = _same,
) -> Text:
    """The newest events on one line, separated by dots (the view cuts it at its width)."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(label, style="bold")  # the label only: a Text's own style would cover all
    if not events:
        line.append(NOTHING_YET, style="dim")
        return line
    for index, event in enumerate(events[:LINE_EVENTS]):
        if index:
            line.append(LINE_SEPARATOR, style="dim")
        line.append_text(event_text(event, show_phone, level_styles, show_sentence=show_sentence))
    return line


class TickerLine(TextLines):
    """One line of the newest events, above the health line."""

    def show(self, text: Text) -> None:
        """Show the line (redrawn only when it changed)."""
        self.show_lines(text)


class TickerPanel(TextLines):
    """The newest events, one a row with its time, in a bordered panel."""

    # Every new event moves every row down one: the whole panel is sent again. Beside the
    # board a screenful of the latest is plenty (the rest is on `t`), so the panel shows at
    # most this many, which bounds what each event costs on the wire; the wall's ticker
    # view (`max_rows = None`) uses its whole height.
    max_rows: int | None = SIDE_PANEL_ROWS

    def on_mount(self) -> None:
        """The panel's title says which key opens the whole day."""
        self.border_title = PANEL_TITLE

    def rows(self) -> int:
        """How many events it shows (at least one, before the first layout)."""
        fit = max(1, self.size.height)
        return fit if self.max_rows is None else min(fit, self.max_rows)

    def show(
        self,
        events: Sequence[Event],
        show_phone: Callable[[str], str],
        level_styles: Mapping[str, Style],
        local_time: bool,
        show_sentence: Callable[[str], str] = _same,
    ) -> None:
        """Show the newest events that fit (rows redrawn only when they changed)."""
        if not events:
            self.show_lines(Text(NOTHING_YET, style="dim"))
            return
        self.show_lines(
            *(
                event_text(
                    event,
                    show_phone,
                    level_styles,
                    local_time=local_time,
                    show_sentence=show_sentence,
                )
                for event in events[: self.rows()]
            )
        )
