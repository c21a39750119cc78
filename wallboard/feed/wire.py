"""The feed's wire format: what a hub publishes and how a board reads it back.

One JSON object per message (UTF-8, via orjson), always carrying `wallboard_feed`: the
format's version (`WIRE_VERSION`). Two types:

- `snapshot`: one poll's data in the API's own JSON shape (`extensions` as GetExtensionsCalls
  gives them, `queues` as GetQueuesCallers does), with the poll's `fetched_at`,
  `clock_offset_s`, `latency_s` and `skipped` items, plus the hub's view of the day (`day`,
  as `wallboard stats --json` prints it, or null) and `alerts` (a list of objects).
- `failure`: a poll failed: `kind`, `message`, `retry_in_s`, `failures` (in a row).

Both carry `hub` (its name), `run` (random per hub start), `seq` (per run, from 1),
`interval_s` and `published_at`. The account code is in none of them: the API's answers
never hold it and the hub publishes nothing else.

A board reads a message with the same lenient parser as the API's answers
(`wallboard.api.parse`), so a malformed item is skipped and named, and anything else odd
(not JSON, a wrong type, a number that is not finite) makes the whole message a
`WireError`: a board never trusts the feed more than it trusts the API. A message from a
newer format is a `NewerFormatError`, which says to upgrade, rather than a crash.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel

from wallboard.api.errors import ProtocolError
from wallboard.api.models import Extension, Queue
from wallboard.api.parse import ParseMemo, SkippedItem, parse_extensions, parse_queues
from wallboard.core.snapshot import Snapshot
from wallboard.core.text import plain

WIRE_VERSION = 1
VERSION_KEY = "wallboard_feed"
# Bigger than any answer the client accepts (32 MB each), for both answers and the day.
MAX_MESSAGE_BYTES = 80 * 1024 * 1024
MAX_SKIPPED = 1000
MAX_ALERTS = 200
MAX_DAY_ROWS = 20_000
MAX_NAME_CHARS = 100
MAX_TEXT_CHARS = 500
# A clock offset beyond a day is not a time zone: the message is damaged.
MAX_CLOCK_OFFSET_S = 86_400.0


class WireError(ProtocolError):
    """A message the board cannot use; the message says why in a few plain words."""

    kind = "feed"


class NewerFormatError(WireError):
    """The hub speaks a newer version of the format than this board reads."""

    kind = "version"


@dataclass(frozen=True, slots=True)
class Header:
    """Who sent a message and when: common to both types."""

    hub: str
    run: str
    seq: int
    interval_s: float
    published_at: float


@dataclass(frozen=True, slots=True)
class SnapshotMessage:
    """A decoded `snapshot` message."""

    header: Header
    snapshot: Snapshot
    day: dict[str, Any] | None
    alerts: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class FailureMessage:
    """A decoded `failure` message."""

    header: Header
    kind: str
    message: str
    retry_in_s: float
    failures: int


Message = SnapshotMessage | FailureMessage


# --- the hub's side -----------------------------------------------------------------------
class ModelDumper:
    """Turns wire models back into the API's JSON shape, reusing last poll's work.

    The parser hands out the very same model object for an item that did not change
    between polls (`ParseMemo`), so a model seen last time is not dumped again.
    """

    def __init__(self) -> None:
        self._last: dict[int, tuple[BaseModel, dict[str, Any]]] = {}

    def dump(self, models: Iterable[BaseModel]) -> list[dict[str, Any]]:
        """Each model as the API's JSON object (aliases, plain JSON values)."""
        last, kept = self._last, {}
        out: list[dict[str, Any]] = []
        for model in models:
            hit = last.get(id(model))
            if hit is None or hit[0] is not model:
                hit = (model, model.model_dump(by_alias=True, mode="json"))
            kept[id(model)] = hit
            out.append(hit[1])
        # Forget models gone from this poll (the ids of dead objects are reused).
        self._last = kept
        return out


def _header(header: Header, kind: str) -> dict[str, Any]:
    return {
        VERSION_KEY: WIRE_VERSION,
        "type": kind,
        "hub": header.hub,
        "run": header.run,
        "seq": header.seq,
        "interval_s": header.interval_s,
        "published_at": header.published_at,
    }


def encode_snapshot(
    header: Header,
    snapshot: Snapshot,
    *,
    day: dict[str, Any] | None,
    alerts: Sequence[dict[str, Any]] = (),
    extensions: ModelDumper | None = None,
    queues: ModelDumper | None = None,
) -> bytes:
    """One `snapshot` message. Give the same dumpers each poll to reuse their work."""
    document = _header(header, "snapshot")
    document.update(
        fetched_at=snapshot.fetched_at,
        clock_offset_s=snapshot.clock_offset_s,
        latency_s=snapshot.latency_s,
        skipped=[{"where": s.where, "reason": s.reason} for s in snapshot.skipped],
        extensions=(extensions or ModelDumper()).dump(snapshot.extensions),
        queues=(queues or ModelDumper()).dump(snapshot.queues),
        day=day,
        alerts=list(alerts),
    )
    return orjson.dumps(document)


def encode_failure(
    header: Header, *, kind: str, message: str, retry_in_s: float, failures: int
) -> bytes:
    """One `failure` message."""
    document = _header(header, "failure")
    document.update(kind=kind, message=message, retry_in_s=retry_in_s, failures=failures)
    return orjson.dumps(document)


# --- the board's side ---------------------------------------------------------------------
class Decoder:
    """Reads messages as a board does: leniently, item by item, trusting nothing.

    Keeps the parser's memo between messages, so extensions unchanged since the last
    snapshot are not validated again (as the API client does between polls).
    """

    def __init__(self, source: str = "") -> None:
        self.source = source
        self._extensions = ParseMemo()
        self._queues = ParseMemo()

    def decode(self, data: bytes | str) -> Message:
        """Decode one message; raises `WireError` (or `NewerFormatError`)."""
        if len(data) > MAX_MESSAGE_BYTES:
            raise WireError(f"a feed message of {len(data)} bytes is over the limit")
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise WireError("a feed message is not JSON") from None
        if not isinstance(document, dict):
            raise WireError("a feed message is not a JSON object")
        version = document.get(VERSION_KEY)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise WireError("a feed message has no readable format version")
        if version > WIRE_VERSION:
            raise NewerFormatError(
                f"the hub speaks feed format {version}; this board reads {WIRE_VERSION}: "
                "upgrade wallboard on this machine"
            )
        header = Header(
            hub=_text(document.get("hub"), MAX_NAME_CHARS) or "?",
            run=_text(document.get("run"), 64),
            seq=_count(document.get("seq"), "seq"),
            interval_s=_number(document.get("interval_s"), "interval_s", low=0.01, high=86_400),
            published_at=_number(document.get("published_at"), "published_at", low=0),
        )
        kind = document.get("type")
        if kind == "snapshot":
            return self._snapshot(header, document)
        if kind == "failure":
            return FailureMessage(
                header,
                kind=_text(document.get("kind"), 24) or "error",
                message=_text(document.get("message"), MAX_TEXT_CHARS) or "the hub's poll failed",
                retry_in_s=_number(document.get("retry_in_s"), "retry_in_s", low=0, high=86_400),
                failures=_count(document.get("failures"), "failures"),
            )
        raise WireError("a feed message has an unknown type")

    def _snapshot(self, header: Header, document: dict[str, Any]) -> SnapshotMessage:
        extensions: list[Extension]
        queues: list[Queue]
        try:
            extensions, skipped = parse_extensions(
                {"ERR": 0, "EXTENSIONS": document.get("extensions")}, self._extensions
            )
            queues, skipped_queues = parse_queues(
                {"ERR": 0, "QUEUES": document.get("queues")}, self._queues
            )
        except ProtocolError as error:
            raise WireError(f"a feed snapshot is damaged: {error.message}") from None
        skipped = _skipped(document.get("skipped")) + skipped + skipped_queues
        snapshot = Snapshot(
            extensions=tuple(extensions),
            queues=tuple(queues),
            fetched_at=_number(document.get("fetched_at"), "fetched_at", low=0),
            clock_offset_s=_number(
                document.get("clock_offset_s"),
                "clock_offset_s",
                low=-MAX_CLOCK_OFFSET_S,
                high=MAX_CLOCK_OFFSET_S,
            ),
            skipped=tuple(skipped[:MAX_SKIPPED]),
            latency_s=_number(document.get("latency_s"), "latency_s", low=0, high=3600),
            source=self.source,
        )
        return SnapshotMessage(
            header,
            snapshot,
            day=clean_day(document.get("day")),
            alerts=tuple(
                item
                for item in (_flat_object(a) for a in _list(document.get("alerts"))[:MAX_ALERTS])
                if item is not None
            ),
        )


def _text(value: Any, limit: int) -> str:
    """A plain, single-line string (empty for anything that is not a string)."""
    return plain(value, limit) if isinstance(value, str) else ""


def _number(value: Any, name: str, *, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WireError(f"a feed message's {name} is not a number")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise WireError(f"a feed message's {name} is out of range")
    return number


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise WireError(f"a feed message's {name} is not a count")
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _skipped(value: Any) -> list[SkippedItem]:
    items = []
    for raw in _list(value)[:MAX_SKIPPED]:
        if isinstance(raw, dict):
            items.append(
                SkippedItem(_text(raw.get("where"), 120) or "?", _text(raw.get("reason"), 120))
            )
    return items


def _scalar(value: Any) -> str | int | float | bool | None:
    """A value of a figure: a plain string, a finite number, a flag or null; else null."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return plain(value, MAX_TEXT_CHARS)
    return None


def _flat_object(value: Any) -> dict[str, Any] | None:
    """An object of scalars (one row of figures, one alert); nested values are dropped."""
    if not isinstance(value, dict):
        return None
    return {plain(str(k), 64): _scalar(v) for k, v in list(value.items())[:100]}


def clean_day(value: Any) -> dict[str, Any] | None:
    """The day's figures as a board may show them: scalars at the top, `queues` and
    `agents` as lists of rows of scalars; anything else dropped. None when not an object."""
    if not isinstance(value, dict):
        return None
    day: dict[str, Any] = {}
    for key, item in list(value.items())[:100]:
        name = plain(str(key), 64)
        if name in ("queues", "agents"):
            rows = (_flat_object(row) for row in _list(item)[:MAX_DAY_ROWS])
            day[name] = [row for row in rows if row is not None]
        else:
            day[name] = _scalar(item)
    day.setdefault("queues", [])
    day.setdefault("agents", [])
    return day
