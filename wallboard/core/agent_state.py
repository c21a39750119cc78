"""What an agent is doing, as the board names, orders and colours it.

Call state wins over the agent's status: an agent on a call is shown by the call. Each state
has a style key (the theme's colour for it), a short word for tiles and a sort rank.

Status names follow Voicenter's own (status 1 is "Logged in"); a centre renames them, and
names codes the built-in list lacks, with a `StatusVocabulary` made from its config.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    1: StateLook("status-available", "AVAIL", "Logged in", 5),
    3: StateLook("status-lunch", "LUNCH", "Lunch break", 6),
    5: StateLook("status-admin", "ADMIN", "Administrative time", 6),
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


@dataclass(frozen=True, slots=True)
class StatusName:
    """A centre's own name for a status code (`[statuses."14"] name = "Callback"`): its
    label, the short word on tiles (None: made from the name) and a colour (None: the
    theme's colour of the built-in code, or of "Other" for a code the list lacks)."""

    name: str
    word: str | None = None
    colour: str | None = None


# Codes a centre names that the built-in list lacks: "status-code-14" and so on. Each has
# a style of its own, so that a change between two of them restarts the agent's timer.
CUSTOM_STYLE_PREFIX = "status-code-"
# The theme colour a custom code without a colour of its own is drawn in.
CUSTOM_FALLBACK_STYLE = "status-other"


def _word(name: str) -> str:
    """A tile's short word from a status name: its first word, upper case, 5 characters."""
    first = name.split()[0] if name.split() else "?"
    return first.upper()[:5]


class StatusVocabulary:
    """The status names and colours a board uses: the built-in ones, renamed and added to
    by the centre's config. Unknown codes stay visible as "Unknown (N)"."""

    def __init__(self, names: Mapping[int, StatusName] | None = None) -> None:
        self._looks: dict[int, StateLook] = dict(_STATUS_LOOKS)
        # Style key → colour, for the styles whose colour the config gives.
        self.colours: dict[str, str] = {}
        # Style keys of codes the built-in list lacks (drawn in "Other"'s colour unless
        # the config gives one).
        self.custom_styles: list[str] = []
        for code, named in (names or {}).items():
            label = plain(named.name, 40) or f"Status {code}"
            builtin = _STATUS_LOOKS.get(code)
            if builtin is not None:
                style, rank = builtin.style, builtin.rank
            else:
                style, rank = f"{CUSTOM_STYLE_PREFIX}{code}", 6
                self.custom_styles.append(style)
            word = plain(named.word, 5)[:5] if named.word else _word(label)
            self._looks[code] = StateLook(style, word, label, rank)
            if named.colour:
                self.colours[style] = named.colour

    def status_look(self, status: int | None) -> StateLook:
        """How an `onlineUserStatus` reads; unknown codes are shown as "Unknown (N)"."""
        look = self._looks.get(status) if status is not None else None
        if look is not None:
            return look
        code = "?" if status is None else str(status)
        return StateLook("status-unknown", f"?{code}"[:5], status_label(status), 7)

    def label(self, status: int | None) -> str:
        """The name of a status code, as this board calls it."""
        return self.status_look(status).label

    def agent_look(self, extension: Extension) -> StateLook:
        """How the agent reads: by its primary call when on one, else by its status."""
        call = primary_call(extension)
        return call_look(call) if call is not None else self.status_look(extension.status)


BUILT_IN_STATUSES = StatusVocabulary()


def status_look(status: int | None) -> StateLook:
    """How an `onlineUserStatus` reads by the built-in names."""
    return BUILT_IN_STATUSES.status_look(status)


def agent_look(extension: Extension) -> StateLook:
    """How the agent reads by the built-in names (see `StatusVocabulary.agent_look`)."""
    return BUILT_IN_STATUSES.agent_look(extension)


# Every style key a theme may colour, in a stable order (themes and the legend use it).
STYLE_KEYS: tuple[str, ...] = (
    *(look.style for look in _CALL_LOOKS.values()),
    "call-unknown",
    *(look.style for look in _STATUS_LOOKS.values()),
    "status-unknown",
)
