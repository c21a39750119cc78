"""The feed's wire format: what a hub publishes and how a board reads it back.

One JSON object per message (UTF-8, via orjson), always carrying `wallboard_feed`: the
format's version (`WIRE_VERSION`). Three types:

- `snapshot`: one poll's data in the API's own JSON shape (`extensions` as GetExtensionsCalls
  gives them, `queues` as GetQueuesCallers does), with the poll's `fetched_at`,
  `clock_offset_s`, `latency_s` and `skipped` items. Sent as soon as the hub has read the
  poll, before it counts it: the live picture does not wait for the day's figures.
- `day`: what the hub counted from the snapshot numbered `of`: the day's figures (`day`, as
  `wallboard stats --json` prints them, or null), the active `alerts` and the ticker's
  `events`.
- `failure`: a poll failed: `kind`, `message`, `retry_in_s`, `failures` (in a row).

All carry `hub` (its name), `run` (random per hub start), `seq` (per run, from 1),
`interval_s` and `published_at`. The account code is in none of them: the API's answers
never hold it and the hub publishes nothing else.

Deltas (version 2). On the stream a snapshot is whole (`base` null) or the changes since
the snapshot numbered `base`: only the extensions and queues that changed (the same JSON
objects), and the order of every key (`extension_keys`, `queue_keys`) only when it changed.
A day message is whole (`base` null) or has only the agents' rows whose counts changed (or
whose turn it is to refresh their durations, each at least every `DAY_ROW_REFRESH_S`) since
the day message of the snapshot `base`, and only the events new since then. Under the
latest key the hub keeps the last snapshot whole, with its day's part (`day`, `alerts`,
`events`), for a board that starts late or misses a delta (see `feed.state`). Why: a whole
snapshot at 2,000 agents is ~1.2 MB and ~30 ms for a board to read, the changes of a 5 s
poll ~150 kB and ~5 ms (docs/PERFORMANCE.md).

A board reads a message with the same lenient parser as the API's answers
(`wallboard.api.parse`), so a malformed item is skipped and named, and anything else odd
(not JSON, a wrong type, a number that is not finite) makes the whole message a
`WireError`: a board never trusts the feed more than it trusts the API. A malformed event
is dropped alone. A message from a newer format is a `NewerFormatError`, which says to
upgrade, rather than a crash.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel

from wallboard.api.errors import ProtocolError
from wallboard.api.models import MAX_EPOCH, MIN_EPOCH, Extension, Queue
from wallboard.api.parse import ParseMemo, SkippedItem, parse_extensions, parse_queues
from wallboard.core.day_metrics import ABANDONED, ANSWERED, MISSED
from wallboard.core.events import ALERT, STATUS, Event
from wallboard.core.snapshot import Snapshot
from wallboard.core.text import plain

# 1: whole snapshots only. 2: deltas (`base`) and the ticker's events.
WIRE_VERSION = 2
VERSION_KEY = "wallboard_feed"
# Bigger than any answer the client accepts (32 MB each), for both answers and the day.
MAX_MESSAGE_BYTES = 80 * 1024 * 1024
MAX_SKIPPED = 1000
MAX_ALERTS = 200
MAX_EVENTS = 50
MAX_DAY_ROWS = 20_000
MAX_KEYS = 100_000
MAX_NAME_CHARS = 100
MAX_TEXT_CHARS = 500
# A clock offset beyond a day is not a time zone: the message is damaged.
MAX_CLOCK_OFFSET_S = 86_400.0
# Every agent's day row is sent at least this often, even when only its durations moved.
DAY_ROW_REFRESH_S = 60.0
EVENT_KINDS = frozenset({ANSWERED, ABANDONED, MISSED, STATUS, ALERT})


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
    """A decoded `snapshot` message: whole (`base` None) or a delta over `base`.

    In a whole message `snapshot` holds every extension and queue; in a delta it holds the
    changed ones only, and `extension_keys`/`queue_keys` give the order of all of them when
    that changed (None: as before). The latest key's whole message also has the day's part
    (`has_day`: `day`, `alerts` and the latest `events`, oldest first).
    """

    header: Header
    snapshot: Snapshot
    day: dict[str, Any] | None = None
    alerts: tuple[dict[str, Any], ...] = ()
    events: tuple[Event, ...] = ()
    base: int | None = None
    extension_keys: tuple[str, ...] | None = None
    queue_keys: tuple[int, ...] | None = None
    has_day: bool = False


@dataclass(frozen=True, slots=True)
class DayMessage:
    """A decoded `day` message: what the hub counted from the snapshot numbered `of`.

    `day` is whole (`base` None) or has only the agents' rows that changed since the day
    message of the snapshot numbered `base`; `events` are the latest (whole) or the new
    ones, oldest first; `alerts` are all those active.
    """

    header: Header
    of: int
    base: int | None
    day: dict[str, Any] | None
    alerts: tuple[dict[str, Any], ...]
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class FailureMessage:
    """A decoded `failure` message."""

    header: Header
    kind: str
    message: str
    retry_in_s: float
    failures: int


Message = SnapshotMessage | DayMessage | FailureMessage


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


def event_json(event: Event) -> dict[str, Any]:
    """An event as the wire carries it."""
    return {
        "at": event.at,
        "kind": event.kind,
        "who": event.who,
        "phone": event.phone,
        "queue": event.queue,
        "seconds": event.seconds,
        "detail": event.detail,
        "level": event.level,
    }


def _snapshot_document(
    header: Header,
    snapshot: Snapshot,
    *,
    extensions: list[dict[str, Any]],
    queues: list[dict[str, Any]],
) -> dict[str, Any]:
    """A whole snapshot message (without the day's part: see `encode_snapshot`)."""
    document = _header(header, "snapshot")
    document.update(
        base=None,
        fetched_at=snapshot.fetched_at,
        clock_offset_s=snapshot.clock_offset_s,
        latency_s=snapshot.latency_s,
        skipped=[{"where": s.where, "reason": s.reason} for s in snapshot.skipped],
        extensions=extensions,
        queues=queues,
    )
    return document


def encode_snapshot(
    header: Header,
    snapshot: Snapshot,
    *,
    day: dict[str, Any] | None,
    alerts: Sequence[dict[str, Any]] = (),
    events: Sequence[Event] = (),
    extensions: ModelDumper | None = None,
    queues: ModelDumper | None = None,
) -> bytes:
    """One whole `snapshot` message with the day's part (as under the latest key)."""
    document = _snapshot_document(
        header,
        snapshot,
        extensions=(extensions or ModelDumper()).dump(snapshot.extensions),
        queues=(queues or ModelDumper()).dump(snapshot.queues),
    )
    document.update(day=day, alerts=list(alerts), events=[event_json(e) for e in events])
    return orjson.dumps(document)


class SnapshotEncoder:
    """Encodes each poll for the feed (see the module): `live` as soon as it is read,
    `counted` once the hub has counted it.

    A snapshot delta is made over the previous snapshot when every key is unique (else the
    snapshot goes whole: two extensions with one username cannot be told apart); a day
    delta over the previous day message of the same day (else the day goes whole).
    """

    def __init__(self, interval_s: float) -> None:
        self._extensions = ModelDumper()
        self._queues = ModelDumper()
        self._base: int | None = None  # the seq of the last snapshot message
        self._extension_models: dict[str, BaseModel] = {}
        self._extension_keys: tuple[str, ...] = ()
        self._queue_models: dict[int, BaseModel] = {}
        self._queue_keys: tuple[int, ...] = ()
        self._last: tuple[Header, Snapshot, list[Any], list[Any]] | None = None
        self._day_base: int | None = None  # the snapshot whose day went last
        self._day_name: object = None
        self._day_counts: dict[object, tuple[Any, ...]] = {}
        # each agent's day row goes out at least every DAY_ROW_REFRESH_S, a share a poll
        self._refresh_turns = max(1, round(DAY_ROW_REFRESH_S / max(interval_s, 0.01)))
        self._turn = 0

    def live(self, header: Header, snapshot: Snapshot) -> bytes:
        """The snapshot message for the stream: a delta over the previous one, or whole."""
        extensions = self._extensions.dump(snapshot.extensions)
        queues = self._queues.dump(snapshot.queues)
        extension_keys = tuple(e.username for e in snapshot.extensions)
        queue_keys = tuple(q.queue_id for q in snapshot.queues)
        deltable = (
            self._base is not None
            and len(set(extension_keys)) == len(extension_keys)
            and len(set(queue_keys)) == len(queue_keys)
        )
        if deltable:
            document = _snapshot_document(
                header,
                snapshot,
                extensions=_changed(
                    snapshot.extensions, extensions, extension_keys, self._extension_models
                ),
                queues=_changed(snapshot.queues, queues, queue_keys, self._queue_models),
            )
            document["base"] = self._base
            if extension_keys != self._extension_keys:
                document["extension_keys"] = list(extension_keys)
            if queue_keys != self._queue_keys:
                document["queue_keys"] = list(queue_keys)
        else:
            document = _snapshot_document(header, snapshot, extensions=extensions, queues=queues)
        self._base = header.seq
        self._extension_models = dict(zip(extension_keys, snapshot.extensions, strict=True))
        self._queue_models = dict(zip(queue_keys, snapshot.queues, strict=True))
        self._extension_keys, self._queue_keys = extension_keys, queue_keys
        self._last = (header, snapshot, extensions, queues)
        return orjson.dumps(document)

    def counted(
        self,
        header: Header,
        *,
        day: dict[str, Any] | None,
        alerts: Sequence[dict[str, Any]] = (),
        events: Sequence[Event] = (),
        new_events: Sequence[Event] = (),
    ) -> tuple[bytes, bytes]:
        """After the hub counted the last `live` snapshot: the day message for the stream
        (`new_events` are those since the last one) and the whole snapshot for the key."""
        if self._last is None:
            raise ValueError("counted() before live()")
        live_header, snapshot, extensions, queues = self._last
        whole = _snapshot_document(live_header, snapshot, extensions=extensions, queues=queues)
        whole.update(day=day, alerts=list(alerts), events=[event_json(e) for e in events])
        day_name = day.get("day") if day is not None else None
        day_rows = day.get("agents") if day is not None else None
        rows = day_rows if isinstance(day_rows, list) else []
        document = _header(header, "day")
        document.update(of=live_header.seq, alerts=list(alerts))
        if self._day_base is not None and day_name == self._day_name:
            document.update(
                base=self._day_base,
                day=self._day_delta(day, rows),
                events=[event_json(e) for e in new_events],
            )
        else:
            self._day_counts = {_row_key(row): _counts(row) for row in rows}
            document.update(base=None, day=day, events=[event_json(e) for e in events])
        self._day_base, self._day_name = live_header.seq, day_name
        return orjson.dumps(document), orjson.dumps(whole)

    def _day_delta(self, day: dict[str, Any] | None, rows: list[Any]) -> dict[str, Any] | None:
        """The day with only the agents' rows whose counts changed, or whose turn it is."""
        if day is None:
            return None
        self._turn = turn = (self._turn + 1) % self._refresh_turns
        turns = self._refresh_turns
        counts = self._day_counts
        changed = []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            key, now = _row_key(row), _counts(row)
            if index % turns == turn or counts.get(key) != now:
                changed.append(row)
            counts[key] = now
        return {**day, "agents": changed}


def _changed(
    models: Sequence[BaseModel],
    dumped: list[dict[str, Any]],
    keys: tuple[Any, ...],
    previous: dict[Any, BaseModel],
) -> list[dict[str, Any]]:
    """The dumped items whose model is not the very one sent last time under its key (the
    parser's memo hands out the same object for an item that did not change)."""
    return [
        item
        for model, item, key in zip(models, dumped, keys, strict=True)
        if previous.get(key) is not model
    ]


def _row_key(row: dict[str, Any]) -> object:
    return row.get("username")


def _counts(row: dict[str, Any]) -> tuple[Any, ...]:
    """A day row without its durations (`..._s`): what changes only when something happens."""
    return tuple(item for item in row.items() if item[0][-2:] != "_s")


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

    Keeps the parser's memo between whole messages, so extensions unchanged since the last
    one are not validated again (as the API client does between polls).
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
        if kind == "day":
            raw_base = document.get("base")
            return DayMessage(
                header,
                of=_count(document.get("of"), "of"),
                base=None if raw_base is None else _count(raw_base, "base"),
                day=clean_day(document.get("day")),
                alerts=_alerts(document.get("alerts")),
                events=clean_events(document.get("events")),
            )
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
        raw_base = document.get("base")
        base = None if raw_base is None else _count(raw_base, "base")
        # A delta's items are read afresh: they are the ones that changed.
        memos = (self._extensions, self._queues) if base is None else (None, None)
        extensions: list[Extension]
        queues: list[Queue]
        try:
            extensions, skipped = parse_extensions(
                {"ERR": 0, "EXTENSIONS": document.get("extensions")}, memos[0]
            )
            queues, skipped_queues = parse_queues(
                {"ERR": 0, "QUEUES": document.get("queues")}, memos[1]
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
            alerts=_alerts(document.get("alerts")),
            events=clean_events(document.get("events")),
            has_day="day" in document,
            base=base,
            extension_keys=_keys(document.get("extension_keys"), str, "extension_keys"),
            queue_keys=_keys(document.get("queue_keys"), int, "queue_keys"),
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


def _flat_object(value: Any, depth: int = 1) -> dict[str, Any] | None:
    """An object of scalars (one row of figures, one alert), with objects of scalars one
    level down (an agent's seconds per status); anything deeper is dropped."""
    if not isinstance(value, dict):
        return None
    clean: dict[str, Any] = {}
    for key, item in list(value.items())[:100]:
        if depth and isinstance(item, dict):
            clean[plain(str(key), 64)] = _flat_object(item, depth - 1)
        else:
            clean[plain(str(key), 64)] = _scalar(item)
    return clean


def _alerts(value: Any) -> tuple[dict[str, Any], ...]:
    objects = (_flat_object(item) for item in _list(value)[:MAX_ALERTS])
    return tuple(item for item in objects if item is not None)


def _keys(value: Any, kind: type, name: str) -> tuple[Any, ...] | None:
    """A delta's order of keys: None when absent; every key of `kind`, else a `WireError`."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_KEYS:
        raise WireError(f"a feed message's {name} is not a list")
    for key in value:
        if isinstance(key, bool) or not isinstance(key, kind):
            raise WireError(f"a feed message's {name} holds a bad key")
    return tuple(value)


def clean_events(value: Any) -> tuple[Event, ...]:
    """The ticker's events as a board may show them, oldest first: each malformed event is
    dropped alone; strings are plain text."""
    events = []
    for raw in _list(value)[-MAX_EVENTS:]:
        event = _event(raw)
        if event is not None:
            events.append(event)
    return tuple(events)


def _finite_non_negative(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value >= 0


def _event(raw: Any) -> Event | None:
    if not isinstance(raw, dict):
        return None
    at: Any = raw.get("at")
    kind, seconds = raw.get("kind"), raw.get("seconds")
    # A time no clock can show (the far future, 1970) is not an event's: dropped alone.
    if not _finite_non_negative(at) or not MIN_EPOCH <= at <= MAX_EPOCH or kind not in EVENT_KINDS:
        return None
    if not _finite_non_negative(seconds):
        seconds = None
    level = raw.get("level")
    return Event(
        float(at),
        str(kind),
        who=_text(raw.get("who"), MAX_NAME_CHARS),
        phone=_text(raw.get("phone"), 40),
        queue=_text(raw.get("queue"), MAX_NAME_CHARS),
        seconds=None if seconds is None else float(seconds),
        detail=_text(raw.get("detail"), MAX_TEXT_CHARS),
        level=level if level in ("warn", "alert") else "",
    )


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
