"""The picture a board rebuilds from the feed: a whole snapshot, then each delta over it.

`FeedState.apply` takes a whole message (which replaces everything) or the delta over the
message it holds (same run, `base` equal to its `seq`), and gives back the poll's whole
`Snapshot`, day and events. A delta that does not fit (one was missed, the hub restarted)
gives None: the board then reads the whole state again from the latest key. An extension
or queue unchanged by a delta keeps its very model object, so the board's views of it are
kept too.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from wallboard.api.models import Extension, Queue
from wallboard.core.events import Event
from wallboard.core.snapshot import Snapshot
from wallboard.feed.wire import MAX_EVENTS, SnapshotMessage

_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class Picture:
    """One poll as the hub saw it, whole."""

    snapshot: Snapshot
    day: dict[str, Any] | None
    alerts: tuple[dict[str, Any], ...]
    events: tuple[Event, ...]


class FeedState:
    """The latest whole picture of one hub run (see the module)."""

    def __init__(self) -> None:
        self.run: str | None = None
        self.seq = 0
        self._extensions: dict[str, Extension] = {}
        self._extension_keys: tuple[str, ...] = ()
        self._queues: dict[int, Queue] = {}
        self._queue_keys: tuple[int, ...] = ()
        self._day_name: object = None
        self._day_agents: dict[object, dict[str, Any]] = {}
        self._events: deque[Event] = deque(maxlen=MAX_EVENTS)

    def fits(self, message: SnapshotMessage) -> bool:
        """Whether `message` is whole, or the delta over the message held."""
        if message.base is None:
            return True
        return message.header.run == self.run and message.base == self.seq

    def apply(self, message: SnapshotMessage) -> Picture | None:
        """The whole picture after `message`; None for a delta that does not fit."""
        if not self.fits(message):
            return None
        delta = message.base is not None
        day = message.day
        if delta and (day.get("day") if day is not None else None) != self._day_name:
            return None  # the hub sends the day's turn whole; this one is damaged
        if not delta:
            self._extensions, self._queues = {}, {}
            self._day_agents = {}
            self._events.clear()
        self._extensions.update((e.username, e) for e in message.snapshot.extensions)
        self._queues.update((q.queue_id, q) for q in message.snapshot.queues)
        if not delta or message.extension_keys is not None:
            self._extension_keys = message.extension_keys or tuple(self._extensions)
        if not delta or message.queue_keys is not None:
            self._queue_keys = message.queue_keys or tuple(self._queues)
        # Keep only what is on the board now (bounded by one poll's keys).
        self._extensions = _only(self._extensions, self._extension_keys)
        self._queues = _only(self._queues, self._queue_keys)
        self._events.extend(message.events)
        self.run, self.seq = message.header.run, message.header.seq
        snapshot = replace(
            message.snapshot,
            extensions=tuple(self._extensions.values()),
            queues=tuple(self._queues.values()),
        )
        return Picture(snapshot, self._day(day, delta), message.alerts, tuple(self._events))

    def _day(self, day: dict[str, Any] | None, delta: bool) -> dict[str, Any] | None:
        """The whole day: a delta's agents' rows over those held."""
        self._day_name = day.get("day") if day is not None else None
        if day is None:
            self._day_agents = {}
            return None
        rows = self._day_agents if delta else {}
        for row in day.get("agents", ()):
            rows[row.get("username")] = row
        self._day_agents = rows
        return {**day, "agents": list(rows.values())}


def _only(items: dict[_K, _V], keys: tuple[_K, ...]) -> dict[_K, _V]:
    """`items` in the order of `keys`, keys without an item left out (a skipped item)."""
    if tuple(items) == keys:
        return items
    return {key: items[key] for key in keys if key in items}
