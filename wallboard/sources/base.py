"""The one interface every source of snapshots shares: an async stream of events.

A board consumes a `Source` and does not care where the events come from: the API poller
(against Voicenter or the simulator), a follower of a hub's Redis feed, a replay. Each
source yields `Snapshot`s as they are made, `SourceFailure`s when one could not be made
(with when the next try comes), and, from a hub, `HubState`s carrying the figures the hub
counts so that a follower does not count them again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from wallboard.core.events import Event
from wallboard.core.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """No new snapshot: why (`kind` is one word for the health line), and when the next try
    comes. `message` is plain text written for the person at the board."""

    kind: str
    message: str
    retry_in_s: float


@dataclass(frozen=True, slots=True)
class HubState:
    """What a hub says beside its snapshots: who it is, its poll interval, and the day.

    `day` is the day's figures exactly as `wallboard stats --json` prints them (None while
    the hub cannot count); `alerts` are plain dicts, newest last. `events` are the ticker's
    latest events at the hub (at most the last 50, oldest first, strings plain text); an
    event in two states is equal in both (a frozen dataclass), so a view can tell the new.
    """

    hub: str
    interval_s: float
    day: dict[str, Any] | None = None
    alerts: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    events: tuple[Event, ...] = ()


SourceEvent = Snapshot | SourceFailure | HubState


class Source(Protocol):
    """Where a board's data comes from."""

    name: str
    # True when the data was made elsewhere (a hub): it is dated by its maker, and the day
    # is counted there, not by the board.
    relayed: bool

    def events(self) -> AsyncIterator[SourceEvent]:
        """Snapshots, failures and hub states, as they come, until cancelled."""
        ...

    def refresh(self) -> None:
        """Someone asked for fresh data now; a source that cannot oblige ignores it."""
        ...

    async def aclose(self) -> None:
        """Release connections; the source is not used again."""
        ...
