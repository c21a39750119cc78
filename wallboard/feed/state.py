"""The picture a board rebuilds from the feed: whole messages, then each delta over them.

`FeedState` takes a whole snapshot (which replaces the live picture; under the latest key
it carries the day's part too) or the delta over the snapshot it holds (same run, `base`
equal to its `seq`), and gives back the poll's whole `Snapshot`; it takes a day message
for the snapshot it holds, whole or over the day it holds, and gives back the whole day,
alerts and events (`HubDay`). A delta that does not fit (one was missed, the hub restarted)
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
from wallboard.feed.wire import MAX_EVENTS, DayMessage, SnapshotMessage

_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class HubDay:
    """What the hub counted from one snapshot, whole."""

    day: dict[str, Any] | None
    alerts: tuple[dict[str, Any], ...]
    events: tuple[Event, ...]


class FeedState:
    """The latest whole picture of one hub run (see the module)."""

    def __init__(self) -> None:
        self.run: str | None = None
        self.seq = 0  # the snapshot held
        self.day_of: int | None = None  # the snapshot whose day is held
        self._extensions: dict[str, Extension] = {}
        self._extension_keys: tuple[str, ...] = ()
        self._queues: dict[int, Queue] = {}
        self._queue_keys: tuple[int, ...] = ()
        self._day_name: object = None
        self._day_agents: dict[object, dict[str, Any]] = {}
        self._events: deque[Event] = deque(maxlen=MAX_EVENTS)

    def is_old(self, message: SnapshotMessage | DayMessage) -> bool:
        """A message of this run about a snapshot already held or passed (the stream's
        newest entry after the latest key, an entry read again)."""
        if message.header.run != self.run:
            return False
        if isinstance(message, SnapshotMessage):
            return message.header.seq <= self.seq
        return message.of < self.seq or message.of == self.day_of

    def apply(self, message: SnapshotMessage) -> Snapshot | None:
        """The whole snapshot after `message`; None for a delta that does not fit."""
        delta = message.base is not None
        if delta and (message.header.run != self.run or message.base != self.seq):
            return None
        if not delta:
            self._extensions, self._queues = {}, {}
            if message.header.run != self.run:
                self._forget_day()
        self._extensions.update((e.username, e) for e in message.snapshot.extensions)
        self._queues.update((q.queue_id, q) for q in message.snapshot.queues)
        if not delta or message.extension_keys is not None:
            self._extension_keys = message.extension_keys or tuple(self._extensions)
        if not delta or message.queue_keys is not None:
            self._queue_keys = message.queue_keys or tuple(self._queues)
        # Keep only what is on the board now (bounded by one poll's keys).
        self._extensions = _only(self._extensions, self._extension_keys)
        self._queues = _only(self._queues, self._queue_keys)
        self.run, self.seq = message.header.run, message.header.seq
        return replace(
            message.snapshot,
            extensions=tuple(self._extensions.values()),
            queues=tuple(self._queues.values()),
        )

    def whole_day(self, message: SnapshotMessage) -> HubDay:
        """The day's part of a whole snapshot (the latest key's), after `apply`."""
        self._events.clear()
        return self._take_day(message.header.seq, None, message.day, message.alerts, message.events)

    def apply_day(self, message: DayMessage) -> HubDay | None:
        """The whole day after `message`; None when it does not fit the snapshot held."""
        if message.header.run != self.run or message.of != self.seq:
            return None
        if message.base is not None:
            if message.base != self.day_of:
                return None
            name = message.day.get("day") if message.day is not None else None
            if name != self._day_name:
                return None  # the hub sends the day's turn whole: this one is damaged
        else:
            self._events.clear()
        return self._take_day(message.of, message.base, message.day, message.alerts, message.events)

    def _take_day(
        self,
        of: int,
        base: int | None,
        day: dict[str, Any] | None,
        alerts: tuple[dict[str, Any], ...],
        events: tuple[Event, ...],
    ) -> HubDay:
        self.day_of = of
        self._events.extend(events)
        self._day_name = day.get("day") if day is not None else None
        if day is None:
            self._day_agents = {}
            return HubDay(None, alerts, tuple(self._events))
        rows = self._day_agents if base is not None else {}
        for row in day.get("agents", ()):
            rows[row.get("username")] = row
        self._day_agents = rows
        return HubDay({**day, "agents": list(rows.values())}, alerts, tuple(self._events))

    def _forget_day(self) -> None:
        self.day_of, self._day_name, self._day_agents = None, None, {}
        self._events.clear()


def _only(items: dict[_K, _V], keys: tuple[_K, ...]) -> dict[_K, _V]:
    """`items` in the order of `keys`, keys without an item left out (a skipped item)."""
    if tuple(items) == keys:
        return items
    return {key: items[key] for key in keys if key in items}
