"""Recordings: every snapshot and every failed poll of a run, in a compact append-only file.

The file is a series of gzip members, one per record, each holding one JSON line (so
`zcat FILE` prints it). The first is the header, `{"wallboard_recording": VERSION, ...}`.
Then one record per poll:

- `snapshot`: the poll's `fetched_at`, `clock_offset_s`, `latency_s` and `skipped` items,
  with `extensions` and `queues` in the API's own JSON shape. An item unchanged since the
  previous snapshot of the file is written as its index in that snapshot's list (an
  integer), so a quiet centre costs a few bytes a poll; the first snapshot of each file
  (and of each writer) is written whole.
- `failure`: when (`at`), `kind`, `message` and `retry_in_s`.

Read back through the API's own lenient parser, a recorded snapshot gives the board, the
day's counters and the alerts exactly what the live run had. Nothing else is kept: no
request, no URL, no account code (the answers never hold it).

A crash can tear only the member being written: a reader stops there and says where (byte
offset, record number, the last good time), and a writer finding a damaged file moves it
aside and starts a new one. Writing happens on a thread of its own with a bounded queue, so
a slow disk never holds up the board; past the bound, polls are left out and counted.
Files are rotated by size (`max_bytes`) and age (a day), named `STEM-YYYYmmddTHHMMSSZ.SUFFIX`
by when they were closed, and rotated files older than `keep_days` are deleted.
"""

from __future__ import annotations

import contextlib
import gzip
import math
import queue
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson
from pydantic import BaseModel

from wallboard.api.errors import ProtocolError
from wallboard.api.parse import ParseMemo, SkippedItem, parse_extensions, parse_queues
from wallboard.core.snapshot import Snapshot
from wallboard.core.text import plain

FORMAT_VERSION = 1
VERSION_KEY = "wallboard_recording"
# One record decompressed may not exceed this (the API client's limit is 16 MB an answer).
MAX_RECORD_BYTES = 64 * 1024 * 1024
READ_CHUNK = 64 * 1024
# Polls waiting for the writer; past this they are left out (and counted), never queued
# without bound. At a 5 s interval: over five minutes of a stalled disk.
MAX_PENDING = 64
ROTATE_AGE_S = 86_400.0
MAX_SKIPPED = 1000
MAX_TEXT = 500
# A clock offset beyond a day is not a time zone: the record is damaged.
MAX_CLOCK_OFFSET_S = 86_400.0
_STAMP = "%Y%m%dT%H%M%SZ"
_STOP = object()


class RecordingError(Exception):
    """A file that cannot be replayed at all; the message says why in one sentence."""


# --- records --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RecordedFailure:
    """A poll that failed, as recorded."""

    at: float
    kind: str
    message: str
    retry_in_s: float


@dataclass(frozen=True, slots=True)
class Damage:
    """Where a reader stopped: the byte offset of the bad record, its number (the header
    is record 0), the time of the last good one, and why."""

    offset: int
    record: int
    last_good_utc: float | None
    reason: str

    def describe(self, local: Callable[[float], str] | None = None) -> str:
        """One sentence for the person replaying."""
        when = ""
        if self.last_good_utc is not None:
            stamp = local(self.last_good_utc) if local is not None else _utc(self.last_good_utc)
            when = f", after {stamp}"
        return f"the recording is {self.reason} at byte {self.offset} (record {self.record}{when})"


Record = Snapshot | RecordedFailure


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# --- encoding -------------------------------------------------------------------------------
class _ListDelta:
    """Turns a list of models into the API's JSON shape, items unchanged since the last
    call written as their index in the last list (the parser hands out the very same
    model object for an item that did not change between polls)."""

    def __init__(self) -> None:
        self._last: dict[int, tuple[BaseModel, int, dict[str, Any]]] = {}

    def reset(self) -> None:
        """Write the next list whole (the start of a file)."""
        self._last = {}

    def encode(self, models: tuple[BaseModel, ...]) -> list[Any]:
        last, kept = self._last, {}
        out: list[Any] = []
        for index, model in enumerate(models):
            hit = last.get(id(model))
            if hit is not None and hit[0] is model:
                out.append(hit[1])
                dumped = hit[2]
            else:
                dumped = model.model_dump(by_alias=True, mode="json")
                out.append(dumped)
            kept[id(model)] = (model, index, dumped)
        self._last = kept  # ids of models gone from this poll may be reused: forget them
        return out


class RecordEncoder:
    """Encodes records as the file's gzip members; keeps the last snapshot for deltas."""

    def __init__(self) -> None:
        self._extensions = _ListDelta()
        self._queues = _ListDelta()

    def reset(self) -> None:
        """The next snapshot is written whole."""
        self._extensions.reset()
        self._queues.reset()

    @staticmethod
    def header(created_at: float, interval_s: float) -> bytes:
        """The first member of a file."""
        return _member(
            {
                VERSION_KEY: FORMAT_VERSION,
                "type": "header",
                "created_at": created_at,
                "interval_s": interval_s,
            }
        )

    def snapshot(self, snapshot: Snapshot) -> bytes:
        """A snapshot's member."""
        return _member(
            {
                "type": "snapshot",
                "fetched_at": snapshot.fetched_at,
                "clock_offset_s": snapshot.clock_offset_s,
                "latency_s": snapshot.latency_s,
                "skipped": [{"where": s.where, "reason": s.reason} for s in snapshot.skipped],
                "extensions": self._extensions.encode(snapshot.extensions),
                "queues": self._queues.encode(snapshot.queues),
            }
        )

    @staticmethod
    def failure(failure: RecordedFailure) -> bytes:
        """A failed poll's member."""
        return _member(
            {
                "type": "failure",
                "at": failure.at,
                "kind": failure.kind,
                "message": failure.message,
                "retry_in_s": failure.retry_in_s,
            }
        )


def _member(document: dict[str, Any]) -> bytes:
    # mtime=0: the same record gives the same bytes (the time is inside the record).
    return gzip.compress(orjson.dumps(document) + b"\n", compresslevel=6, mtime=0)


# --- reading --------------------------------------------------------------------------------
class _Damaged(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _members(stream: IO[bytes], start: int = 0) -> Iterator[tuple[int, bytes]]:
    """Each gzip member's offset and content; raises `_Damaged` (with `.offset`) at the
    first one that is cut short, corrupt or too large."""
    buffer = b""
    position = start
    while True:
        if not buffer:
            buffer = stream.read(READ_CHUNK)
            if not buffer:
                return
        offset = position
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pieces: list[bytes] = []
        size = 0
        while not inflate.eof:
            if not buffer:
                buffer = stream.read(READ_CHUNK)
                if not buffer:
                    raise _at(offset, "cut short")
            try:
                piece = inflate.decompress(buffer, MAX_RECORD_BYTES + 1 - size)
            except zlib.error:
                raise _at(offset, "damaged") from None
            if inflate.unconsumed_tail:
                raise _at(offset, "damaged (a record too large)")
            consumed = len(buffer) - len(inflate.unused_data)
            position += consumed
            buffer = inflate.unused_data
            size += len(piece)
            pieces.append(piece)
        yield offset, b"".join(pieces)


def _at(offset: int, reason: str) -> _Damaged:
    error = _Damaged(reason)
    error.offset = offset  # type: ignore[attr-defined]
    return error


@dataclass(frozen=True, slots=True)
class Header:
    """What the first record says."""

    version: int
    created_at: float
    interval_s: float


def read_header(path: Path) -> Header:
    """The header of the recording at `path`; `RecordingError` when there is none to read."""
    try:
        with path.open("rb") as stream:
            magic = stream.read(2)
            if magic != b"\x1f\x8b":
                raise RecordingError(f"{path} is not a wallboard recording")
            stream.seek(0)
            try:
                _, payload = next(_members(stream))
            except (StopIteration, _Damaged):
                raise RecordingError(f"{path} is not a wallboard recording") from None
    except FileNotFoundError:
        raise RecordingError(f"no recording at {path}") from None
    except IsADirectoryError:
        raise RecordingError(f"{path} is a directory, not a recording") from None
    except OSError as error:
        raise RecordingError(f"cannot read {path}: {error.strerror}") from None
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise RecordingError(f"{path} is not a wallboard recording") from None
    version = document.get(VERSION_KEY) if isinstance(document, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordingError(f"{path} is not a wallboard recording")
    if version > FORMAT_VERSION:
        raise RecordingError(
            f"{path} is a recording in format {version}; this wallboard reads format "
            f"{FORMAT_VERSION}: upgrade wallboard to replay it"
        )
    try:
        created = _number(document.get("created_at"), low=0)
        interval = _number(document.get("interval_s"), low=0.01, high=86_400)
    except _Damaged:
        raise RecordingError(f"{path} is not a wallboard recording (a damaged header)") from None
    return Header(version, created, interval)


class RecordingReader:
    """Reads a recording from the start, record by record, stopping at any damage.

    `records()` yields snapshots (dated as recorded, with the recorded clock offset) and
    failures; afterwards `damage` says where it stopped early (None: it read to the end)
    and `count` how many records it read.
    """

    def __init__(self, path: Path, source: str = "") -> None:
        self.path = path
        self.header = read_header(path)
        self.source = source or f"recording {path.name}"
        self.damage: Damage | None = None
        self.count = 0
        self.last_utc: float | None = None

    def records(self) -> Iterator[Record]:
        """Every good record in order, until the end or the first damage."""
        self.damage, self.count, self.last_utc = None, 0, None
        decoder = _Decoder(self.source)
        current = 1  # the record being read (the header is record 0)
        try:
            with self.path.open("rb") as stream:
                members = _members(stream)
                next(members)  # the header, read already
                for number, (offset, payload) in enumerate(members, start=1):
                    current = number
                    try:
                        record = decoder.decode(payload)
                    except _Damaged as error:
                        raise _at(offset, error.reason) from None
                    if record is None:
                        continue  # a record type from a later minor version: skip it
                    at = record.fetched_at if isinstance(record, Snapshot) else record.at
                    self.count = number
                    self.last_utc = at
                    yield record
                    current = number + 1
        except _Damaged as error:
            offset = getattr(error, "offset", 0)
            self.damage = Damage(offset, current, self.last_utc, error.reason)
        except OSError as error:
            self.damage = Damage(0, current, self.last_utc, f"unreadable ({error.strerror})")


@dataclass(frozen=True, slots=True)
class Span:
    """What a quick reading of a recording found: its first and last times, how many
    records, and where it is damaged (None: it reads to the end)."""

    first_utc: float | None
    last_utc: float | None
    count: int
    damage: Damage | None


def scan(path: Path) -> Span:
    """Read a recording's records only as far as their times (no validation of the items,
    so a whole day reads in a moment); `RecordingError` when it is not a recording."""
    read_header(path)
    first: float | None = None
    last: float | None = None
    count = 0
    try:
        with path.open("rb") as stream:
            members = _members(stream)
            next(members)
            for number, (offset, payload) in enumerate(members, start=1):
                try:
                    document = orjson.loads(payload)
                    kind = document.get("type") if isinstance(document, dict) else None
                    key = {"snapshot": "fetched_at", "failure": "at"}.get(str(kind))
                    at = _number(document.get(key), low=0) if key else None
                except (orjson.JSONDecodeError, _Damaged):
                    raise _at(offset, "damaged (a record is not readable)") from None
                count = number
                if at is not None:
                    first = at if first is None else first
                    last = at
    except _Damaged as error:
        damage = Damage(getattr(error, "offset", 0), count + 1, last, error.reason)
        return Span(first, last, count, damage)
    except OSError as error:
        return Span(first, last, count, Damage(0, count + 1, last, f"unreadable ({error})"))
    return Span(first, last, count, None)


class _Decoder:
    """Reads records leniently, like the API's answers: a malformed item is skipped and
    named, anything else odd makes the record (and so the rest of the file) damaged."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._extensions = ParseMemo()
        self._queues = ParseMemo()
        self._last_extensions: list[Any] = []
        self._last_queues: list[Any] = []

    def decode(self, payload: bytes) -> Record | None:
        try:
            document = orjson.loads(payload)
        except orjson.JSONDecodeError:
            raise _Damaged("damaged (a record is not JSON)") from None
        if not isinstance(document, dict):
            raise _Damaged("damaged (a record is not an object)")
        kind = document.get("type")
        if kind == "snapshot":
            return self._snapshot(document)
        if kind == "failure":
            return RecordedFailure(
                at=_number(document.get("at"), low=0),
                kind=_text(document.get("kind"), 24) or "error",
                message=_text(document.get("message"), MAX_TEXT) or "the poll failed",
                retry_in_s=_number(document.get("retry_in_s"), low=0, high=86_400),
            )
        if isinstance(kind, str):
            return None
        raise _Damaged("damaged (a record of no type)")

    def _snapshot(self, document: dict[str, Any]) -> Snapshot:
        extensions_json = self._expand(document.get("extensions"), self._last_extensions)
        queues_json = self._expand(document.get("queues"), self._last_queues)
        try:
            extensions, skipped = parse_extensions(
                {"ERR": 0, "EXTENSIONS": extensions_json}, self._extensions
            )
            queues, skipped_queues = parse_queues({"ERR": 0, "QUEUES": queues_json}, self._queues)
        except ProtocolError as error:
            raise _Damaged(f"damaged ({error.message})") from None
        self._last_extensions, self._last_queues = extensions_json, queues_json
        recorded_skips = [
            SkippedItem(_text(item.get("where"), 120) or "?", _text(item.get("reason"), 120))
            for item in _list(document.get("skipped"))[:MAX_SKIPPED]
            if isinstance(item, dict)
        ]
        return Snapshot(
            extensions=tuple(extensions),
            queues=tuple(queues),
            fetched_at=_number(document.get("fetched_at"), low=0),
            clock_offset_s=_number(
                document.get("clock_offset_s"), low=-MAX_CLOCK_OFFSET_S, high=MAX_CLOCK_OFFSET_S
            ),
            skipped=tuple((recorded_skips + skipped + skipped_queues)[:MAX_SKIPPED]),
            latency_s=_number(document.get("latency_s"), low=0, high=3600),
            source=self.source,
        )

    @staticmethod
    def _expand(value: Any, last: list[Any]) -> list[Any]:
        if not isinstance(value, list):
            raise _Damaged("damaged (a snapshot without its lists)")
        out: list[Any] = []
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                if not 0 <= item < len(last):
                    raise _Damaged("damaged (a reference to a missing item)")
                out.append(last[item])
            else:
                out.append(item)
        return out


def _number(value: Any, *, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Damaged("damaged (a number that is not one)")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise _Damaged("damaged (a number out of range)")
    return number


def _text(value: Any, limit: int) -> str:
    return plain(value, limit) if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --- writing --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Item:
    record: Snapshot | RecordedFailure


class RecordingWriter:
    """Appends records to `path` on a thread of its own (see the module).

    `record_snapshot`/`record_failure` return at once. `problem` says what went wrong (a
    full disk, polls left out), None while all is well.
    """

    def __init__(
        self,
        path: Path,
        *,
        interval_s: float,
        max_bytes: int,
        keep_days: int,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.path = path
        self.interval_s = interval_s
        self.max_bytes = max_bytes
        self.keep_days = keep_days
        self.dropped = 0
        self.written = 0
        self._problem: str | None = None
        self._encoder = RecordEncoder()
        self._file: IO[bytes] | None = None
        self._size = 0
        self._started_at: float | None = None
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max_pending)
        self._thread = threading.Thread(target=self._run, name="recording-writer", daemon=True)
        self._thread.start()

    @property
    def problem(self) -> str | None:
        """What is wrong with the recording, in one sentence; None when all is well."""
        if self._problem is not None:
            return self._problem
        if self.dropped:
            return f"recording: {self.dropped} poll(s) left out (the disk is too slow)"
        return None

    def record_snapshot(self, snapshot: Snapshot) -> None:
        """Queue a snapshot; returns at once."""
        self._put(_Item(snapshot))

    def record_failure(self, at: float, kind: str, message: str, retry_in_s: float) -> None:
        """Queue a failed poll; returns at once."""
        self._put(_Item(RecordedFailure(at, kind, message, retry_in_s)))

    def _put(self, item: _Item) -> None:
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.dropped += 1

    def close(self, timeout_s: float = 5.0) -> bool:
        """Write what is queued and close the file; False if that took too long."""
        try:
            self._queue.put(_STOP, timeout=timeout_s)
        except queue.Full:
            return False
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    # --- the writer thread ----------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                if isinstance(item, _Item):
                    self._write(item.record)
        finally:
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.close()
                self._file = None

    def _write(self, record: Snapshot | RecordedFailure) -> None:
        at = record.fetched_at if isinstance(record, Snapshot) else record.at
        try:
            self._ensure_file(at)
            if self._started_at is not None and (
                self._size >= self.max_bytes or at - self._started_at >= ROTATE_AGE_S
            ):
                self._rotate(at)
                self._ensure_file(at)
            assert self._file is not None
            if isinstance(record, Snapshot):
                data = self._encoder.snapshot(record)
            else:
                data = self._encoder.failure(record)
            self._append(data)
            self.written += 1
            self._problem = None
        except OSError as error:
            self._problem = f"recording to {self.path} failed: {error.strerror or error}"
            self._encoder.reset()  # what the file last holds is no longer known
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.close()
            self._file = None

    def _append(self, data: bytes) -> None:
        assert self._file is not None
        try:
            self._file.write(data)
            self._file.flush()
        except OSError:
            # A member written in part would hide every later one: cut it off.
            with contextlib.suppress(OSError):
                self._file.truncate(self._size)
            raise
        self._size += len(data)

    def _ensure_file(self, at: float) -> None:
        """Open the file to append to: continue a good recording, move a damaged (or
        foreign) one aside, or start a new one with its header."""
        if self._file is not None:
            return
        self._encoder.reset()
        if self.path.exists() and self.path.stat().st_size > 0:
            started = self._check_existing()
            if started is not None:
                self._file = self.path.open("ab")
                self._size = self.path.stat().st_size
                self._started_at = started
                return
            self._move_aside(at, "damaged")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("ab")
        self._size = 0
        self._started_at = at
        self._append(RecordEncoder.header(at, self.interval_s))

    def _check_existing(self) -> float | None:
        """When the file at `path` is a whole recording this wallboard reads: its start."""
        try:
            span = scan(self.path)
            header = read_header(self.path)
        except RecordingError:
            return None
        return None if span.damage is not None else header.created_at

    def _rotate(self, at: float) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._move_aside(at, None)
        self._purge(at)

    def _move_aside(self, at: float, note: str | None) -> None:
        stamp = datetime.fromtimestamp(at, UTC).strftime(_STAMP)
        name = f"{self.path.stem}-{stamp}{'-' + note if note else ''}{self.path.suffix}"
        target = self.path.with_name(name)
        for extra in range(1, 1000):  # bounded: two rotations in one second are rare
            if not target.exists():
                break
            target = self.path.with_name(f"{Path(name).stem}.{extra}{self.path.suffix}")
        self.path.rename(target)

    def _purge(self, at: float) -> None:
        """Delete rotated files closed more than `keep_days` before `at`."""
        for path in rotated_files(self.path):
            closed = _closed_at(path, self.path)
            if closed is not None and at - closed > self.keep_days * 86_400:
                with contextlib.suppress(OSError):
                    path.unlink()


def rotated_files(path: Path) -> list[Path]:
    """The files rotated out of the recording at `path`, oldest first."""
    found = [
        candidate
        for candidate in path.parent.glob(f"{path.stem}-*{path.suffix}")
        if _closed_at(candidate, path) is not None
    ]
    return sorted(found, key=lambda p: (_closed_at(p, path) or 0.0, p.name))


def _closed_at(candidate: Path, path: Path) -> float | None:
    rest = candidate.name[len(path.stem) + 1 :]
    stamp = rest[: len("YYYYmmddTHHMMSSZ")]
    try:
        return datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None
