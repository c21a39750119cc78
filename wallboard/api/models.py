"""Pydantic models of the Active Calls API's answers, lenient as the vendor's PHP service demands.

The service drifts: ints arrive as strings, empty objects as `[]`, fields as `null` or missing.
Every model here accepts those shapes and normalises them, keeps undocumented fields
(`extra="allow"`), and rejects only what cannot be read at all (an extension without a SIP
username, a waiting caller without a join time). Rejection of one item is isolated by
`wallboard.api.parse`, never fatal to the snapshot.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

# Documented values of `onlineUserStatus`, by Voicenter's own names. Anything else is
# shown as "Unknown (N)".
STATUS_LABELS: dict[int, str] = {
    1: "Logged in",
    2: "Logged out",
    3: "Lunch break",
    5: "Administrative time",
    7: "Short break",
    9: "Other",
    11: "Training",
    12: "Team meeting",
    13: "Briefing",
}
STATUS_LOGOUT = 2


def status_label(status: int | None) -> str:
    """The human label of an `onlineUserStatus` value; unknown values stay visible."""
    if status is None:
        return "Unknown (none)"
    return STATUS_LABELS.get(status, f"Unknown ({status})")


class CallState(StrEnum):
    """What a call is doing right now, as `callstatus` reports it."""

    RINGING = "Ringing"
    DIALING = "Dialing"
    TALKING = "Talking"
    HOLD = "Hold"


_CALL_STATE_BY_TOKEN: dict[str, CallState] = {
    "1": CallState.RINGING,
    "2": CallState.DIALING,
    "3": CallState.TALKING,
    "4": CallState.HOLD,
    **{state.value.lower(): state for state in CallState},
}


def _lenient_int(value: Any) -> Any:
    """Read PHP-style ints: `"123"`, `" 12 "`, `12.0`; `null` and `""` become None."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return value  # let pydantic reject it with a clear message
            if number.is_integer():
                return int(number)
    return value


def _lenient_str(value: Any) -> Any:
    """Read strings that arrive as numbers (phone numbers often do); `null` becomes ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


def _lenient_object(value: Any) -> Any:
    """PHP sends an empty object as `[]` (or `""`, `false`); a list is read as an object
    keyed by position, and any other lone value is kept under the key "value"."""
    if value is None or value is False or value == "":
        return {}
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    if not isinstance(value, dict):
        return {"value": value}
    return value


def _lenient_list(value: Any) -> Any:
    """A missing or `null` list is empty; an object of items is read as its values."""
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    return value


def _call_state(value: Any) -> Any:
    """Accept 1..4, "1".."4" and the state names in any case.

    An unknown state is kept as its own (shortened) text so that the board shows it rather
    than hiding the call.
    """
    if value is None or isinstance(value, CallState):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # PHP may send 3.0 for 3
    text = str(value).strip()
    return _CALL_STATE_BY_TOKEN.get(text.lower(), text[:24] or None)


# Epochs are seconds from 2001-09-09 (1e9) to 2100; the same range in milliseconds is read
# as milliseconds. Anything else (0 as a join time, negative, 1970, far future) is not a time.
MIN_EPOCH = 1_000_000_000
MAX_EPOCH = 4_102_444_800


class ImpossibleTime(ValueError):
    """A time field that cannot be a time: its item is skipped, and the data is suspect."""


def epoch_seconds(value: int) -> int | None:
    """`value` as epoch seconds (milliseconds are divided down), or None if impossible."""
    if MIN_EPOCH <= value <= MAX_EPOCH:
        return value
    if MIN_EPOCH * 1000 <= value <= MAX_EPOCH * 1000:
        return value // 1000
    return None


def _plausible_epoch(value: int | None) -> int | None:
    """Optional times: 0 means "none" (an unanswered call); impossible ones read as None."""
    if value is None or value == 0:
        return value
    return epoch_seconds(value)


def _required_epoch(value: int) -> int:
    seconds = epoch_seconds(value)
    if seconds is None:
        raise ImpossibleTime("not a plausible time (epoch seconds or milliseconds, 2001..2100)")
    return seconds


LenientInt = Annotated[int | None, BeforeValidator(_lenient_int)]
Epoch = Annotated[int | None, BeforeValidator(_lenient_int), AfterValidator(_plausible_epoch)]
RequiredEpoch = Annotated[int, BeforeValidator(_lenient_int), AfterValidator(_required_epoch)]
LenientStr = Annotated[str, BeforeValidator(_lenient_str)]
RequiredStr = Annotated[str, BeforeValidator(_lenient_str), Field(min_length=1)]
JsonObject = Annotated[dict[str, Any], BeforeValidator(_lenient_object)]


class WireModel(BaseModel):
    """Base of every wire model: immutable, keeps unknown fields, reads by the API's names."""

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True)


class Recording(WireModel):
    """A call's recording: its file and whether it is muted (IsMuted 0 means IS recorded)."""

    filename: LenientStr = Field(default="", alias="Filename")
    is_muted: LenientInt = Field(default=None, alias="IsMuted")

    @property
    def recorded(self) -> bool | None:
        """True when the call is being recorded, False when not, None when unknown."""
        if self.is_muted is None:
            return None
        return self.is_muted == 0


def _lenient_recording(value: Any) -> Any:
    """Anything but an object (`[]`, `""`, `false`, null) means: nothing known."""
    return value if isinstance(value, dict) else {}


class Call(WireModel):
    """One call active on an extension."""

    call_started: Epoch = Field(default=None, alias="callStarted")
    call_answered: Epoch = Field(default=None, alias="callAnswered")
    answered: LenientInt = None
    caller_name: LenientStr = Field(default="", alias="callername")
    caller_phone: LenientStr = Field(default="", alias="callerphone")
    state: Annotated[CallState | str | None, BeforeValidator(_call_state)] = Field(
        default=None, alias="callstatus"
    )
    custom_data: JsonObject = Field(default_factory=dict, alias="customdata")
    direction: LenientStr = ""
    ivr_id: LenientStr = Field(default="", alias="ivrid")
    recording: Annotated[Recording, BeforeValidator(_lenient_recording)] = Field(
        default_factory=Recording
    )
    did: LenientStr = ""

    @property
    def is_answered(self) -> bool:
        """Answered calls have a non-zero answer time (or, failing that, the flag)."""
        if self.call_answered:
            return True
        return bool(self.answered) and self.call_answered is None

    @property
    def transferred_from(self) -> str | None:
        """The ivrid of the call this one came from, when it was transferred."""
        origin = self.custom_data.get("OriginalIvrUniqueID")
        return str(origin) if origin not in (None, "") else None


class Extension(WireModel):
    """One extension (an agent's phone) with the calls active on it."""

    username: RequiredStr
    name: LenientStr = ""
    representative: LenientStr = ""
    user_id: LenientInt = Field(default=None, alias="userID")
    online_user_id: LenientInt = Field(default=None, alias="onlineUserID")
    extension_id: LenientInt = Field(default=None, alias="extensionID")
    status: LenientInt = Field(default=None, alias="onlineUserStatus")
    calls: tuple[Call, ...] = ()

    @property
    def agent_name(self) -> str:
        """Who to show: the logged-in representative, else the extension's name, else its SIP id."""
        return self.representative or self.name or self.username

    @property
    def status_label(self) -> str:
        """The status as words, unknown codes included."""
        return status_label(self.status)


def _plausible_duration(value: int | None) -> int | None:
    """A wait of more than a week is not a wait: read it as unknown."""
    if value is None or 0 <= value <= 7 * 86400:
        return value
    return None


class QueueCaller(WireModel):
    """One caller waiting in a queue."""

    phone: LenientStr = Field(default="", alias="Phone")
    join_time: RequiredEpoch = Field(alias="JoinTime")
    call_id: LenientStr = Field(default="", alias="CallID")
    duration: Annotated[
        int | None, BeforeValidator(_lenient_int), AfterValidator(_plausible_duration)
    ] = Field(default=None, alias="Duration")


class Queue(WireModel):
    """One queue with the callers waiting in it."""

    queue_id: Annotated[int, BeforeValidator(_lenient_int)] = Field(alias="ID")
    name: LenientStr = Field(default="", alias="Name")
    weight: LenientInt = Field(default=None, alias="Weight")
    callers: tuple[QueueCaller, ...] = Field(default=(), alias="Callers")

    @property
    def display_name(self) -> str:
        """The queue's name, or its id when it has none."""
        return self.name or f"Queue {self.queue_id}"
