"""The day's outcomes, agents' time and the tracker's state in one SQLite file.

One process writes (a lock file says which; a second writer gets a clear message), any
number read (`wallboard stats`). The file is in WAL mode with `synchronous=NORMAL`: a
poll's transaction is durable against a killed process, and a power cut loses at most the
last few polls. The schema is versioned by `PRAGMA user_version` and migrated forward on
open. The account code is never written here: nothing in a `PollRecord` holds it.

Every failure the file system or SQLite can give (corrupt, locked, read-only, full, not
there) becomes a `StoreError` with one plain sentence; never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from wallboard.core.alerts import Alert
from wallboard.core.day_engine import PollRecord, StoredDay
from wallboard.core.day_metrics import Outcome


class StoreError(Exception):
    """The store cannot be used; the message says why in one sentence."""


class StoreLocked(StoreError):
    """Another process is the store's writer."""


def _v1(db: sqlite3.Connection) -> None:
    """The first schema: outcomes, agents' time per day, and the tracker's state."""
    db.execute(
        """CREATE TABLE outcomes (
            key TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            kind TEXT NOT NULL,
            at REAL NOT NULL,
            queue_id INTEGER,
            queue_name TEXT NOT NULL DEFAULT '',
            agent TEXT NOT NULL DEFAULT '',
            agent_name TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            seconds REAL,
            hold_s REAL
        )"""
    )
    db.execute("CREATE INDEX outcomes_by_day ON outcomes (day)")
    db.execute(
        """CREATE TABLE agent_days (
            day TEXT NOT NULL,
            agent TEXT NOT NULL,
            name TEXT NOT NULL,
            talk_s REAL NOT NULL,
            hold_s REAL NOT NULL,
            status_s TEXT NOT NULL,
            PRIMARY KEY (day, agent)
        )"""
    )
    db.execute("CREATE TABLE tracker_state (key TEXT PRIMARY KEY, record TEXT NOT NULL)")


def _v2(db: sqlite3.Connection) -> None:
    """Version 2 remembers when each day's watching began and ended (the estimated wait
    measures rates over the time watched); days written by version 1 get it from their
    outcomes."""
    db.execute("CREATE TABLE days (day TEXT PRIMARY KEY, first_poll REAL, last_poll REAL)")
    db.execute(
        "INSERT INTO days (day, first_poll, last_poll) "
        "SELECT day, MIN(at), MAX(at) FROM outcomes GROUP BY day"
    )


def _v3(db: sqlite3.Connection) -> None:
    """Version 3 keeps the day's alerts: raised when, cleared when (for `stats`)."""
    db.execute(
        """CREATE TABLE alerts (
            key TEXT NOT NULL,
            first_seen REAL NOT NULL,
            day TEXT NOT NULL,
            level TEXT NOT NULL,
            subject_kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            text TEXT NOT NULL,
            cleared_at REAL,
            PRIMARY KEY (key, first_seen)
        )"""
    )
    db.execute("CREATE INDEX alerts_by_day ON alerts (day)")


# Migration N+1 takes a file from user_version N to N+1, in one transaction (so each runs
# plain `execute`s: `executescript` would commit half-way). Append only; never edit one.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3)
SCHEMA_VERSION = len(MIGRATIONS)
# A writer that cannot write within this long is told the file is locked.
BUSY_TIMEOUT_MS = 3000


_SURROGATES = re.compile("[\ud800-\udfff]")


def _plain(text: str) -> str:
    """Text SQLite can hold: lone surrogates (which UTF-8 cannot encode) become U+FFFD."""
    return text if text.isascii() else _SURROGATES.sub("\ufffd", text)


def describe(error: BaseException, path: Path) -> str:
    """One sentence for what went wrong with the store at `path`."""
    if isinstance(error, OSError):
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"store {path} cannot be written (permission denied or read-only)"
        if error.errno == errno.ENOSPC:
            return f"store {path}: the disk is full"
        return f"store {path}: {error.strerror or 'cannot be opened'}"
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    if name == "SQLITE_FULL" or "disk is full" in text:
        return f"store {path}: the disk is full"
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return f"store {path} is read-only"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return f"store {path} is locked by another program"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "not a database" in text:
        return f"store {path} is damaged or not a wallboard store (move it aside to start anew)"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return f"store {path} cannot be opened"
    if name.startswith("SQLITE_IOERR"):
        return f"store {path}: the disk reported an error"
    return f"store {path}: {type(error).__name__} ({name or 'no code'})"


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """Alerts raised or cleared, to save with the polls (the day they were raised on)."""

    day: date
    alerts: tuple[Alert, ...]


class DayStore:
    """One SQLite store file: opened to write (one process) or to read."""

    def __init__(self, path: Path, db: sqlite3.Connection, lock_fd: int | None) -> None:
        self.path = path
        self._db = db
        self._lock_fd = lock_fd

    # --- opening ------------------------------------------------------------------------
    @classmethod
    def open_writer(cls, path: Path) -> DayStore:
        """Open (or create) the store to write; StoreError if another process writes it."""
        lock_fd: int | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock_fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_pid(lock_fd)
                raise StoreLocked(
                    f"store {path} is being written by another wallboard process"
                    + (f" (pid {holder})" if holder else "")
                ) from None
            os.ftruncate(lock_fd, 0)
            os.write(lock_fd, str(os.getpid()).encode())
            db = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                _migrate(db)
                # Alerts a stopped writer left open ended, as far as anyone knows, then.
                db.execute(
                    "UPDATE alerts SET cleared_at = "
                    "(SELECT MAX(last_poll) FROM days) WHERE cleared_at IS NULL"
                )
            except BaseException:
                db.close()
                raise
        except StoreError:
            _close_fd(lock_fd)
            raise
        except (sqlite3.Error, OSError) as error:
            _close_fd(lock_fd)
            raise StoreError(describe(error, path)) from None
        return cls(path, db, lock_fd)

    @classmethod
    def open_reader(cls, path: Path) -> DayStore:
        """Open an existing store to read; StoreError when it is missing or unreadable."""
        if not path.is_file():
            raise StoreError(f"no store at {path}")
        try:
            db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
            )
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except (sqlite3.Error, OSError) as error:
            raise StoreError(describe(error, path)) from None
        if version > SCHEMA_VERSION:
            db.close()
            raise StoreError(
                f"store {path} was written by a newer wallboard (schema {version}); upgrade"
            )
        if version < SCHEMA_VERSION:
            db.close()
            raise StoreError(
                f"store {path} has an older schema ({version}); run `wallboard hub` once to "
                "upgrade it"
            )
        return cls(path, db, None)

    def close(self) -> None:
        """Close the file and release the writer's lock."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        _close_fd(self._lock_fd)
        self._lock_fd = None

    # --- reading ------------------------------------------------------------------------
    def latest_day(self) -> date | None:
        """The last day anything was written for."""
        try:
            row = self._db.execute("SELECT MAX(day) FROM days").fetchone()
        except sqlite3.Error as error:
            raise StoreError(describe(error, self.path)) from None
        return date.fromisoformat(row[0]) if row and row[0] else None

    def load_day(self, day: date) -> StoredDay:
        """Everything kept for `day`, with the tracker's current state."""
        key = day.isoformat()
        try:
            db = self._db
            db.row_factory = sqlite3.Row
            outcomes = tuple(
                Outcome.from_row(dict(row))
                for row in db.execute("SELECT * FROM outcomes WHERE day = ? ORDER BY at", (key,))
            )
            agents = tuple(
                {
                    "key": row["agent"],
                    "name": row["name"],
                    "talk_s": row["talk_s"],
                    "hold_s": row["hold_s"],
                    "status_s": json.loads(row["status_s"]),
                }
                for row in db.execute("SELECT * FROM agent_days WHERE day = ?", (key,))
            )
            tracker = {
                row["key"]: json.loads(row["record"])
                for row in db.execute("SELECT key, record FROM tracker_state")
            }
            found = db.execute("SELECT first_poll FROM days WHERE day = ?", (key,)).fetchone()
        except (sqlite3.Error, ValueError) as error:
            raise StoreError(describe(error, self.path)) from None
        finally:
            self._db.row_factory = None
        return StoredDay(
            day=day,
            outcomes=outcomes,
            agents=agents,
            tracker=tracker,
            first_poll=found[0] if found else None,
        )

    def load_alerts(self, day: date) -> list[dict[str, Any]]:
        """The alerts raised on `day`, oldest first."""
        try:
            rows = self._db.execute(
                "SELECT key, level, subject_kind, subject, subject_id, text, first_seen, "
                "cleared_at FROM alerts WHERE day = ? ORDER BY first_seen, key",
                (day.isoformat(),),
            ).fetchall()
        except sqlite3.Error as error:
            raise StoreError(describe(error, self.path)) from None
        names = ("key", "level", "subject_kind", "subject", "subject_id", "text")
        return [
            {**dict(zip(names, row[:6], strict=True)), "first_seen": row[6], "cleared_at": row[7]}
            for row in rows
        ]

    def last_poll(self) -> float | None:
        """When the writer last saved a poll."""
        try:
            row = self._db.execute("SELECT MAX(last_poll) FROM days").fetchone()
        except sqlite3.Error as error:
            raise StoreError(describe(error, self.path)) from None
        return float(row[0]) if row and row[0] is not None else None

    # --- writing ------------------------------------------------------------------------
    def write(self, records: Iterable[PollRecord | AlertRecord], keep_days: int) -> None:
        """Write polls and alerts in one transaction; StoreError (and nothing written) on
        failure."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                for record in records:
                    if isinstance(record, AlertRecord):
                        self._write_alerts(record)
                    else:
                        self._write_one(record, keep_days)
                db.execute("COMMIT")
            except BaseException:
                _roll_back(db)
                raise
        except sqlite3.Error as error:
            raise StoreError(describe(error, self.path)) from None

    def _write_one(self, record: PollRecord, keep_days: int) -> None:
        db = self._db
        day = record.day.isoformat()
        if record.closed_day is not None:
            self._write_agents(record.closed_day.isoformat(), record.closed_agents)
            oldest = (record.day - timedelta(days=keep_days)).isoformat()
            for table in ("outcomes", "agent_days", "days"):
                db.execute(f"DELETE FROM {table} WHERE day < ?", (oldest,))
        db.executemany(
            "INSERT OR IGNORE INTO outcomes (key, day, kind, at, queue_id, queue_name, agent, "
            "agent_name, phone, seconds, hold_s) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    _plain(o.key),
                    day,
                    o.kind,
                    o.at_utc,
                    o.queue_id,
                    _plain(o.queue_name),
                    _plain(o.agent),
                    _plain(o.agent_name),
                    _plain(o.phone),
                    o.seconds,
                    o.hold_s,
                )
                for o in record.outcomes
            ],
        )
        self._write_agents(day, record.agents)
        gone = [(_plain(key),) for key, value in record.tracker.items() if value is None]
        kept = [
            (_plain(key), json.dumps(value, ensure_ascii=True))
            for key, value in record.tracker.items()
            if value is not None
        ]
        if gone:
            db.executemany("DELETE FROM tracker_state WHERE key = ?", gone)
        if kept:
            db.executemany("INSERT OR REPLACE INTO tracker_state (key, record) VALUES (?, ?)", kept)
        db.execute(
            "INSERT INTO days (day, first_poll, last_poll) VALUES (?, ?, ?) "
            "ON CONFLICT(day) DO UPDATE SET last_poll = excluded.last_poll, "
            "first_poll = COALESCE(days.first_poll, excluded.first_poll)",
            (day, record.first_poll, record.at),
        )

    def _write_alerts(self, record: AlertRecord) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO alerts (key, first_seen, day, level, subject_kind, "
            "subject, subject_id, text, cleared_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    _plain(a.key),
                    a.first_seen,
                    record.day.isoformat(),
                    a.level.value,
                    a.subject_kind,
                    _plain(a.subject),
                    _plain(a.subject_id),
                    _plain(a.text),
                    a.cleared_at,
                )
                for a in record.alerts
            ],
        )

    def _write_agents(self, day: str, rows: Iterable[dict[str, Any]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO agent_days (day, agent, name, talk_s, hold_s, status_s) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    day,
                    _plain(row["key"]),
                    _plain(row["name"]),
                    row["talk_s"],
                    row["hold_s"],
                    json.dumps(row["status_s"]),
                )
                for row in rows
            ],
        )


def _migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the store was written by a newer wallboard (schema {version}); upgrade wallboard"
        )
    for number in range(version, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number](db)
            db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute("COMMIT")
        except BaseException:
            _roll_back(db)
            raise


def _roll_back(db: sqlite3.Connection) -> None:
    """Undo an open transaction; SQLite may have rolled it back itself (a full disk), and
    an error here must not hide the one that caused it."""
    if db.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


def _close_fd(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
