"""The detail pane: every field of an agent's calls, or of a waiting caller.

All values are outside data: they are drawn as plain text (rich `Text`, never markup), after
control characters and escape sequences have been neutralised.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from wallboard.core.board import AgentView, CallerView
from wallboard.core.durations import format_duration
from wallboard.core.export import call_duration_s
from wallboard.core.snapshot import Snapshot
from wallboard.core.text import plain
from wallboard.ui.widgets.line_view import fit

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


def agent_detail(
    agent: AgentView,
    snapshot: Snapshot | None,
    now: float,
    local_tz: bool,
    gone_since: float | None = None,
) -> Text:
    """Every field of an agent and of each of its calls; says so if the agent has gone."""
    ext = agent.extension
    sheet = _Sheet()
    _gone_notice(sheet, "agent", gone_since, local_tz)
    sheet.heading(f"Agent {agent.name}")
    sheet.row("State", f"{agent.label} ({agent.word})")
    since = format_duration(now - agent.since_utc)
    sheet.row("In state for", since if agent.since_exact else f"≥ {since} (since board saw it)")
    sheet.row("Name", _value(ext.name))
    sheet.row("Representative", _value(ext.representative))
    sheet.row("SIP username", _value(ext.username))
    sheet.row("Status", f"{ext.status_label} ({ext.status})")
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
        sheet.row("Caller name", _value(call.caller_name))
        sheet.row("Caller number", _value(call.caller_phone))
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
        sheet.row("Recording file", _value(call.recording.filename or "—"))
        if call.transferred_from:
            sheet.row("Transferred from", _value(call.transferred_from))
        custom = sorted(call.custom_data.items())
        if custom:
            sheet.row("Custom data", f"{len(custom)} key(s)")
            for key, value in custom[:MAX_CUSTOM_KEYS]:
                sheet.row("  " + plain(key, 16), _value(value))
            if len(custom) > MAX_CUSTOM_KEYS:
                sheet.row("  …", f"{len(custom) - MAX_CUSTOM_KEYS} more")
    return sheet.text


def caller_detail(
    caller: CallerView, now: float, local_tz: bool, gone_since: float | None = None
) -> Text:
    """Every field of a waiting caller; says so if the caller has left the queue."""
    sheet = _Sheet()
    _gone_notice(sheet, "caller", gone_since, local_tz)
    sheet.heading(f"Waiting caller {caller.phone}")
    sheet.row("Queue", f"{caller.queue_name} ({caller.queue_id})")
    sheet.row("Number", caller.phone)
    sheet.row("CallID", caller.call_id)
    sheet.row("Joined", _when(caller.joined_utc, local_tz))
    sheet.row("Waiting", format_duration(now - caller.joined_utc))
    sheet.row("JoinTime (server)", _value(caller.caller.join_time))
    return sheet.text


class DetailPane(VerticalScroll):
    """Shows the details of what the user chose; Escape closes it."""

    def compose(self):  # type: ignore[no-untyped-def]
        """One text body."""
        yield Static("", id="detail-body")

    def show(self, text: Text) -> None:
        """Replace the body when its text changed; lay out again only when its height did."""
        plain_text = text.plain
        previous = getattr(self, "_plain", None)
        if previous != plain_text:
            self._plain = plain_text
            same_height = previous is not None and previous.count("\n") == plain_text.count("\n")
            self.query_one("#detail-body", Static).update(text, layout=not same_height)
