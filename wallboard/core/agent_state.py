"""What an agent is doing, as the board names, orders and colours it.

Call state wins over the agent's status: an agent on a call is shown by the call. Each state
has a style key (the theme's colour for it), a short word for tiles and a sort rank.
"""

from __future__ import annotations

from dataclasses import dataclass

from wallboard.api.models import (
    Call,
    CallState,
    Extension,
    status_label,
)
from wallboard.core.text import plain


@dataclass(frozen=True, slots=True)
class StateLook:
    """How one state reads on screen: theme key, short word, long label, sort rank."""

    style: str
    word: str
    label: str
    rank: int


_CALL_LOOKS = {
    CallState.RINGING: StateLook("call-ringing", "RING", "Ringing", 0),
    CallState.DIALING: StateLook("call-dialing", "DIAL", "Dialing", 1),
    CallState.TALKING: StateLook("call-talking", "TALK", "Talking", 2),
    CallState.HOLD: StateLook("call-hold", "HOLD", "On hold", 3),
}
_STATUS_LOOKS = {
    1: StateLook("status-available", "AVAIL", "Available", 5),
    3: StateLook("status-lunch", "LUNCH", "Lunch break", 6),
    5: StateLook("status-admin", "ADMIN", "Administrative", 6),
    7: StateLook("status-break", "BREAK", "Short break", 6),
    9: StateLook("status-other", "OTHER", "Other", 6),
    11: StateLook("status-training", "TRAIN", "Training", 6),
    12: StateLook("status-meeting", "MEET", "Team meeting", 6),
    13: StateLook("status-briefing", "BRIEF", "Briefing", 6),
    2: StateLook("status-logged-out", "OUT", "Logged out", 9),
}
# Which of several calls speaks for the agent: a live conversation first.
_CALL_PRIORITY = {
    CallState.TALKING: 0,
    CallState.DIALING: 1,
    CallState.RINGING: 2,
    CallState.HOLD: 3,
}


def primary_call(extension: Extension) -> Call | None:
    """The call that decides the agent's state when several are active."""
    if not extension.calls:
        return None
    return min(extension.calls, key=_call_priority)


def _call_priority(call: Call) -> int:
    return _CALL_PRIORITY[call.state] if isinstance(call.state, CallState) else 4


def call_look(call: Call) -> StateLook:
    """How a call's state reads; an unknown state is shown by its own text."""
    if isinstance(call.state, CallState):
        return _CALL_LOOKS[call.state]
    text = plain(call.state or "?", 24)  # outside data: may hold escape sequences
    return StateLook("call-unknown", text[:5].upper(), f"Unknown call state ({text})", 4)


def status_look(status: int | None) -> StateLook:
    """How an `onlineUserStatus` reads; unknown codes are shown as "Unknown (N)"."""
    look = _STATUS_LOOKS.get(status) if status is not None else None
    if look is not None:
        return look
    code = "?" if status is None else str(status)
    return StateLook("status-unknown", f"?{code}"[:5], status_label(status), 7)


def agent_look(extension: Extension) -> StateLook:
    """How the agent reads: by its primary call when on one, else by its status."""
    call = primary_call(extension)
    return call_look(call) if call is not None else status_look(extension.status)


# Every style key a theme may colour, in a stable order (themes and the legend use it).
STYLE_KEYS: tuple[str, ...] = (
    *(look.style for look in _CALL_LOOKS.values()),
    "call-unknown",
    *(look.style for look in _STATUS_LOOKS.values()),
    "status-unknown",
)
