"""The detail pane: every field of an agent's calls, or of a waiting caller.

All values are outside data: they are drawn as plain text (rich `Text`, never markup), after
control characters and escape sequences have been neutralised.

The pane is a line view: its text is wrapped to the pane once, and each second only the
cells of the rows that tick ("In state for", talk time, wait) go to the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from wallboard.core.board import AgentView, CallerView, QueueView
from wallboard.core.day_metrics import ANSWERED, Outcome, QueueThresholds
from wallboard.core.durations import format_duration
from wallboard.core.export import call_duration_s
from wallboard.core.phone import mask_numbers
from wallboard.core.snapshot import Snapshot
from wallboard.core.status_timeline import TimelineRow
from wallboard.core.text import plain
from wallboard.ui.widgets.line_view import LineView, Span, fit

MAX_CUSTOM_KEYS = 50
LABEL_WIDTH = 18


def _when(utc: float | None, local_tz: bool) -> str:
    if utc is None:
        return "—"
    stamp = datetime.fromtimestamp(utc, UTC)
    return (stamp.astimezone() if local_tz else stamp).strftime("%Y-%m-%d %H:%M:%S")


def _value(value: Any) -> str:
    if value is None:
        return "—"
    return plain(value if isinstance(value, str) else repr(value), 200)


class _Sheet:
    """Builds the pane's text as label/value rows."""

    def __init__(self) -> None:
        self.text = Text()

    def heading(self, title: str) -> None:
        if self.text:
            self.text.append("\n")
        self.text.append(title + "\n", style="bold underline")

    def row(self, label: str, value: str) -> None:
        self.text.append(fit(label, LABEL_WIDTH - 1) + " ", style="dim")
        self.text.append(value + "\n")

    def warning(self, text: str) -> None:
        self.text.append(text + "\n", style="bold reverse")


def _gone_notice(sheet: _Sheet, what: str, gone_since: float | None, local_tz: bool) -> None:
    if gone_since is not None:
        sheet.warning(
            f"This {what} is no longer in the latest data (gone since "
            f"{_when(gone_since, local_tz)}); shown as last seen."
        )


TIMELINE_CELLS_PER_ROW = 32  # a row of quarter hours: 8 hours


def _today_rows(sheet: _Sheet, today: Mapping[str, Any] | None, counted: bool) -> None:
    """Today's counters of an agent; "—" for what is not known, never a made-up 0."""
    sheet.heading("Today")
    if not counted:
        sheet.row("Counters", "— (not counted on this board)")
        return
    row = today or {}

    def count(key: str) -> str:
        value = row.get(key)
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else "—"

    def duration(key: str) -> str:
        value = row.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_duration(float(value))
        return "—"

    sheet.row("Answered", count("answered"))
    sheet.row("Missed", count("missed"))
    sheet.row("Handled", count("handled"))
    sheet.row("Talk time", duration("talk_s"))
    sheet.row("Hold time", duration("hold_s"))
    sheet.row("AHT", duration("aht_s"))


def _hour_minute(utc: float, local_tz: bool) -> str:
    stamp = datetime.fromtimestamp(utc, UTC)
    return (stamp.astimezone() if local_tz else stamp).strftime("%H:%M")


def _legend_name(style: str) -> str:
    """A state's name in the legend, from its style key ("call-talking" → "talking")."""
    return style.split("-", 1)[-1].replace("-", " ")


def _timeline_rows(
    sheet: _Sheet,
    timeline: TimelineRow,
    styles: Mapping[str, Style],
    now: float,
    local_tz: bool,
) -> None:
    """The day's strip: one cell per slot in the state that filled most of it."""
    start = timeline.day_start_utc
    slot_minutes = round(timeline.slot_s / 60)
    caption = f"Today's states, one cell per {slot_minutes} min"
    if timeline.started_utc >= start + timeline.slot_s:
        # The board saw nothing before it started (a follower board too: it draws from
        # the snapshots it received).
        started = _hour_minute(timeline.started_utc, local_tz)
        caption += f"\nfrom {started}, the board's first data today"
    sheet.heading("Timeline")
    sheet.text.append(caption + "\n", style="dim")
    slots = timeline.slots
    seen: list[str] = []
    for first in range(0, len(slots), TIMELINE_CELLS_PER_ROW):
        sheet.text.append(
            _hour_minute(start + first * timeline.slot_s, local_tz) + " ", style="dim"
        )
        for index in range(first, min(len(slots), first + TIMELINE_CELLS_PER_ROW)):
            style = slots[index]
            if style is None:
                past = start + index * timeline.slot_s < now
                sheet.text.append("·" if past else " ", style="dim")
                continue
            if style not in seen:
                seen.append(style)
            sheet.text.append(" ", styles.get(style, Style(reverse=True)))
        sheet.text.append("\n")
    # The legend: three states a line, so that it never wraps in the pane.
    for number, style in enumerate(seen[:12]):
        sheet.text.append("  ", styles.get(style, Style(reverse=True)))
        sheet.text.append(f" {fit(_legend_name(style), 12)} ")
        if number % 3 == 2 or number == len(seen[:12]) - 1:
            sheet.text.append("\n")


def agent_detail(
    agent: AgentView,
    snapshot: Snapshot | None,
    now: float,
    local_tz: bool,
    gone_since: float | None = None,
    show_phone: Callable[[str], str] = str,
    status_name: Callable[[int | None], str] | None = None,
    bidi: Callable[[str], str] = str,
    today: Mapping[str, Any] | None = None,
    counted: bool = False,
    timeline: TimelineRow | None = None,
    styles: Mapping[str, Style] | None = None,
) -> Text:
    """Every field of an agent and of each of its calls, today's counters (`today`, the
    agent's row of the day's figures; `counted` False: the board does not count the day)
    and the timeline of the day's states; says so if the agent has gone.
    Caller numbers (and numbers in the fields that may carry one) go through `show_phone`;
    `status_name` names the status code (the centre's own names; default Voicenter's);
    names go through `bidi` (`core.bidi.reorder_line` when the board lays them out)."""
    ext = agent.extension
    sheet = _Sheet()
    _gone_notice(sheet, "agent", gone_since, local_tz)
    sheet.heading(f"Agent {bidi(agent.name)}")
    sheet.row("State", f"{agent.label} ({agent.word})")
    since = format_duration(now - agent.since_utc)
    sheet.row("In state for", since if agent.since_exact else f"≥ {since} (since board saw it)")
    sheet.row("Name", bidi(_value(ext.name)))
    sheet.row("Representative", bidi(_value(ext.representative)))
    sheet.row("SIP username", _value(ext.username))
    label = status_name(ext.status) if status_name is not None else ext.status_label
    sheet.row("Status", f"{label} ({ext.status})")
    sheet.row("userID", _value(ext.user_id))
    sheet.row("onlineUserID", _value(ext.online_user_id))
    sheet.row("extensionID", _value(ext.extension_id))
    for key, value in sorted((ext.model_extra or {}).items())[:MAX_CUSTOM_KEYS]:
        sheet.row(plain(key, 16), _value(value))
    if not ext.calls:
        sheet.heading("No active calls")
    offset = snapshot.clock_offset_s if snapshot is not None else 0.0
    for number, call in enumerate(ext.calls, start=1):
        sheet.heading(f"Call {number} of {len(ext.calls)}")
        state = call.state.value if hasattr(call.state, "value") else call.state  # type: ignore[union-attr]
        sheet.row("State", _value(state or "unknown"))
        sheet.row("Direction", _value(call.direction))
        sheet.row("Caller name", bidi(mask_numbers(_value(call.caller_name), show_phone)))
        sheet.row("Caller number", show_phone(_value(call.caller_phone)))
        sheet.row("DID", _value(call.did or "—"))
        started = call.call_started - offset if call.call_started else None
        answered = call.call_answered - offset if call.call_answered else None
        sheet.row("Started", _when(started, local_tz))
        if started is not None:
            sheet.row("  since start", format_duration(now - started))
        sheet.row("Answered", _when(answered, local_tz) if answered else "not answered")
        if answered is not None:
            sheet.row("  talk time", format_duration(now - answered))
        if snapshot is not None and call_duration_s(call, snapshot, now) is None:
            sheet.row("Duration", "unknown (no times given)")
        sheet.row("ivrid", _value(call.ivr_id))
        recorded = call.recording.recorded
        sheet.row(
            "Recorded",
            "unknown" if recorded is None else ("yes" if recorded else "no (muted)"),
        )
        sheet.row(
            "Recording file", mask_numbers(_value(call.recording.filename or "—"), show_phone)
        )
        if call.transferred_from:
            sheet.row("Transferred from", _value(call.transferred_from))
        custom = sorted(call.custom_data.items())
        if custom:
            sheet.row("Custom data", f"{len(custom)} key(s)")
            for key, value in custom[:MAX_CUSTOM_KEYS]:
                sheet.row("  " + plain(key, 16), mask_numbers(_value(value), show_phone))
            if len(custom) > MAX_CUSTOM_KEYS:
                sheet.row("  …", f"{len(custom) - MAX_CUSTOM_KEYS} more")
    _today_rows(sheet, today, counted)
    if timeline is not None:
        _timeline_rows(sheet, timeline, styles or {}, now, local_tz)
    return sheet.text


def caller_detail(
    caller: CallerView,
    now: float,
    local_tz: bool,
    gone_since: float | None = None,
    show_phone: Callable[[str], str] = str,
    bidi: Callable[[str], str] = str,
) -> Text:
    """Every field of a waiting caller (its number drawn by `show_phone`, its queue's name
    by `bidi`); says so if the caller has left the queue."""
    sheet = _Sheet()
    _gone_notice(sheet, "caller", gone_since, local_tz)
    phone = show_phone(caller.phone)
    sheet.heading(f"Waiting caller {phone}")
    sheet.row("Queue", f"{bidi(caller.queue_name)} ({caller.queue_id})")
    sheet.row("Number", phone)
    sheet.row("CallID", caller.call_id)
    sheet.row("Joined", _when(caller.joined_utc, local_tz))
    sheet.row("Waiting", format_duration(now - caller.joined_utc))
    sheet.row("JoinTime (server)", _value(caller.join_time))
    return sheet.text


class DetailPane(LineView):
    """Shows the details of what the user chose; Escape closes it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()
        self._text_key: tuple[object, ...] | None = None
        self._rows: list[Text] = []  # the text wrapped to the pane, one row per line
        self._row_keys: list[tuple[str, tuple[object, ...]]] = []

    @property
    def plain_text(self) -> str:
        """Everything the pane holds, as plain text (before wrapping)."""
        return self._text.plain

    def show(self, text: Text) -> None:
        """Show `text`; only rows that read differently are drawn again."""
        key = (text.plain, tuple(text.spans))
        if key == self._text_key:
            return
        self._text_key = key
        self._text = text
        self._wrap()

    def _wrap(self) -> None:
        if not self.size.width:
            return  # not laid out yet (just shown): `on_resize` wraps it
        width = self.line_width
        rows: list[Text] = []
        for line in self._text.split("\n", allow_blank=True):
            rows.extend(line.wrap(self.app.console, width, overflow="fold") or [Text()])
        # `split` leaves an empty last line after a final newline: not a row of its own.
        if rows and not rows[-1].plain and self._text.plain.endswith("\n"):
            rows.pop()
        self._rows = rows
        self._row_keys = [(row.plain, tuple(row.spans)) for row in rows]
        self.relayout()

    def on_resize(self) -> None:
        """A new width wraps the text anew."""
        super().on_resize()
        self._wrap()

    def line_count(self) -> int:
        """One line per wrapped row."""
        return len(self._rows)

    def line_spans(self, index: int) -> tuple[Span, ...]:
        """A row is one span: its text and styles."""
        return ((0, self.line_width, self._row_keys[index]),)

    def build_line(self, index: int, width: int) -> list[Segment]:
        """A row of the text on the pane's own colours, padded to `width`."""
        base = self.base_style()
        segments = [
            Segment(segment.text, base + segment.style if segment.style else base)
            for segment in self._rows[index].render(self.app.console, end="")
        ]
        used = sum(segment.cell_length for segment in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return segments


# --- the queue detail (queue table: Enter on a queue's heading) ----------------------------
RECENT_SHOWN = 15
WAITING_SHOWN = 30


def _clock(utc: float, local_tz: bool) -> str:
    stamp = datetime.fromtimestamp(utc, UTC)
    return (stamp.astimezone() if local_tz else stamp).strftime("%H:%M:%S")


def _figure(row: Any, name: str, seconds: bool = False, pct: bool = False) -> str:
    value = row.get(name) if row is not None else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    if seconds:
        return format_duration(value)
    return f"{value:.0f} %" if pct else str(value)


def queue_detail(
    queue: QueueView,
    row: Mapping[str, Any] | None,
    limits: QueueThresholds,
    outcomes: tuple[Outcome, ...] | None,
    now: float,
    local_tz: bool,
    gone_since: float | None = None,
    phone: Callable[[str], str] = str,
    bidi: Callable[[str], str] = str,
) -> Text:
    """A queue now and today: its counters and its last outcomes (who waited how long,
    answered by whom, or abandoned). `row` is the queue's row of today's figures (None:
    none, "—"); `outcomes` newest first, None where they are not kept (a follower board).
    Names go through `bidi` (`core.bidi.reorder_line` when the board lays them out)."""
    sheet = _Sheet()
    _gone_notice(sheet, "queue", gone_since, local_tz)
    sheet.heading(f"Queue {bidi(queue.name)} ({queue.queue_id})")
    count = len(queue.callers)
    sheet.row("Waiting now", f"{count} caller{'s' if count != 1 else ''} waiting")
    oldest = queue.oldest_join_utc
    sheet.row("Longest now", format_duration(now - oldest) if oldest is not None else "—")
    for caller in queue.callers[:WAITING_SHOWN]:
        sheet.row("  " + phone(caller.phone), format_duration(now - caller.joined_utc))
    if count > WAITING_SHOWN:
        sheet.row("  …", f"{count - WAITING_SHOWN} more")
    sheet.heading("Today")
    sheet.row("Answered", _figure(row, "answered"))
    abandoned = _figure(row, "abandoned")
    abandon_pct = _figure(row, "abandon_pct", pct=True)
    sheet.row("Abandoned", abandoned if abandon_pct == "—" else f"{abandoned} ({abandon_pct})")
    sheet.row(
        "Short abandons",
        f"{_figure(row, 'short_abandoned')} (under {format_duration(limits.short_abandon_s)})",
    )
    target = f"{limits.service_level_target_pct:.0f} %"
    within = format_duration(limits.service_level_s)
    sheet.row(
        "Service level",
        f"{_figure(row, 'service_level_pct', pct=True)} (target {target} within {within})",
    )
    sheet.row("ASA", _figure(row, "asa_s", seconds=True))
    sheet.row("Avg abandon wait", _figure(row, "avg_abandon_wait_s", seconds=True))
    sheet.row("Longest wait", _figure(row, "longest_wait_s", seconds=True))
    sheet.row("Estimated wait", _figure(row, "ewt_s", seconds=True))
    sheet.heading("Last outcomes")
    if outcomes is None:
        sheet.text.append(
            "Not available on a follower board: the hub counts the day, and sends only its "
            "figures.\n",
            style="dim",
        )
    elif not outcomes:
        sheet.text.append("None since this board started.\n", style="dim")
    for outcome in outcomes[:RECENT_SHOWN] if outcomes else ():
        waited = format_duration(outcome.seconds) if outcome.seconds is not None else "?"
        who = phone(plain(outcome.phone, 40)) or "unknown number"
        if outcome.kind == ANSWERED:
            by = bidi(plain(outcome.agent_name or outcome.agent, 60)) or "an agent"
            what = f"{who} waited {waited}, answered by {by}"
        else:
            short = outcome.seconds is not None and outcome.seconds < limits.short_abandon_s
            what = f"{who} abandoned after {waited}{' (short)' if short else ''}"
        sheet.row(_clock(outcome.at_utc, local_tz), what)
    return sheet.text
