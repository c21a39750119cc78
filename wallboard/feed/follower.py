"""A board's side of the feed: a `Source` that follows a hub through Redis.

On connecting it takes the latest whole snapshot (the `latest` key) and the stream's newest
entry, so a board started late has the picture at once, then blocks on the stream, applying
each delta to the picture it holds (`feed.state`). A delta that does not fit (one missed,
the hub restarted) makes it read the latest key again. Of a burst of messages only the
newest picture is yielded (and any failure after it). Nothing is taken twice: a snapshot no
newer than the last one taken (a reconnect re-reading the latest key) is dropped. When the
hub says nothing for longer than `SILENT_INTERVALS` of its intervals the follower says so
(the board turns STALE on its own, the data being dated by the hub). When Redis goes away
it reconnects with backoff, saying so on each try.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator
from typing import Any

from wallboard.core.backoff import retry_delay
from wallboard.core.clock import Clock
from wallboard.core.snapshot import Snapshot
from wallboard.feed.redis_link import RedisLink, raise_if_cancelled
from wallboard.feed.state import FeedState, HubDay
from wallboard.feed.wire import (
    DayMessage,
    Decoder,
    FailureMessage,
    Header,
    SnapshotMessage,
    WireError,
)
from wallboard.sources.base import HubState, SourceEvent, SourceFailure

BLOCK_S = 1.0
SILENT_INTERVALS = 1.5
MAX_RECONNECT_S = 15.0
BURST = 64


class RedisFollower:
    """Follows the hub publishing at `link` (see the module)."""

    relayed = True

    def __init__(
        self,
        link: RedisLink,
        clock: Clock,
        *,
        interval_s: float = 5.0,
        rng: random.Random | None = None,
        block_s: float = BLOCK_S,
    ) -> None:
        self.link = link
        self.clock = clock
        self.name = link.redacted
        self.interval_s = interval_s  # the hub's, once it has said it
        self.hub: str | None = None
        self._rng = rng or random.Random()
        self._block_s = block_s
        self._decoder = Decoder(link.redacted)
        self._state = FeedState()
        self._last_fetched_at = 0.0
        self._last_failure: tuple[str, int] | None = None
        self._heard_at: float | None = None  # monotonic time of the last message
        self.taken = 0  # snapshots taken
        self.dropped = 0  # snapshots not newer than the last one taken
        self.resyncs = 0  # deltas that did not fit: the latest key read again

    def refresh(self) -> None:
        """A follower cannot make the hub poll sooner."""

    async def aclose(self) -> None:
        """Nothing to release: each connection closes with `events`."""

    async def events(self) -> AsyncIterator[SourceEvent]:
        """Follow the feed until cancelled."""
        from redis.exceptions import RedisError

        failures = 0
        while True:
            client: Any = self.link.client(
                socket_connect_timeout=5, socket_timeout=self._block_s + 10
            )
            try:
                async for event in self._follow(client):
                    failures = 0
                    yield event
            except (RedisError, OSError) as error:
                failures += 1
                delay = min(MAX_RECONNECT_S, retry_delay(failures, 1.0, self._rng))
                yield SourceFailure(
                    "redis",
                    f"Redis at {self.link.redacted} unreachable ({type(error).__name__}); "
                    "reconnecting",
                    delay,
                )
                await asyncio.sleep(delay)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()

    async def _follow(self, client: Any) -> AsyncIterator[SourceEvent]:
        self._state = FeedState()  # a new connection starts from the latest key
        newest = await client.xrevrange(self.link.stream, count=1)
        last_id = newest[0][0] if newest else b"0-0"
        latest = await client.get(self.link.latest)
        start = [latest] if latest is not None else []
        start += [entry[1].get(b"m") for entry in newest]
        for event in await self._take(client, start):
            yield event
        while True:
            raise_if_cancelled()
            answer = await client.xread(
                {self.link.stream: last_id}, count=BURST, block=int(self._block_s * 1000)
            )
            entries = answer[0][1] if answer else []
            if entries:
                last_id = entries[-1][0]
                for event in await self._take(client, [fields.get(b"m") for _, fields in entries]):
                    yield event
                continue
            silence = self._silence()
            if silence is not None:
                yield silence

    def _silence(self) -> SourceFailure | None:
        """A failure when the hub has been silent too long (once a block, while it lasts)."""
        if self._heard_at is None:
            return None
        quiet = self.clock.monotonic() - self._heard_at
        if quiet <= SILENT_INTERVALS * self.interval_s:
            return None
        return SourceFailure(
            "hub",
            f"the hub {self.hub or ''} has said nothing for {int(quiet)}s".replace("  ", " "),
            self._block_s,
        )

    async def _take(self, client: Any, raw: list[Any]) -> list[SourceEvent]:
        """Events from a burst of messages: the newest hub state and snapshot, and the
        failures after the snapshot. Every delta is applied (each holds only its changes)."""
        state: HubState | None = None
        snapshot: Snapshot | None = None
        failures: list[SourceFailure] = []
        for data in raw:
            if not isinstance(data, bytes | str):
                failures.append(SourceFailure("feed", "a feed entry without a message", 0.0))
                continue
            try:
                message = self._decoder.decode(data)
            except WireError as error:
                failures.append(SourceFailure(error.kind, error.message, self.interval_s))
                continue
            self._heard_at = self.clock.monotonic()
            self.hub = message.header.hub
            self.interval_s = message.header.interval_s
            if isinstance(message, FailureMessage):
                failures.extend(self._failure(message))
                continue
            if self._state.is_old(message):
                self.dropped += 1
                continue
            taken = self._apply(message)
            if taken is None:  # a delta that does not fit: the whole state again
                self.resyncs += 1
                taken = await self._resync(client)
            new_state, new_snapshot = taken
            if new_state is not None:
                state = new_state
            if new_snapshot is not None and self._is_new(new_snapshot):
                snapshot, failures = new_snapshot, []  # older news is superseded
        events: list[SourceEvent] = [state] if state is not None else []
        if snapshot is not None:
            events.append(snapshot)
        return [*events, *failures]

    def _apply(
        self, message: SnapshotMessage | DayMessage
    ) -> tuple[HubState | None, Snapshot | None] | None:
        """What `message` gives (a hub state, a snapshot); None when it does not fit."""
        header = message.header
        if isinstance(message, DayMessage):
            day = self._state.apply_day(message)
            return None if day is None else (self._hub_state(header, day), None)
        snapshot = self._state.apply(message)
        if snapshot is None:
            return None
        if not message.has_day:
            return None, snapshot
        return self._hub_state(header, self._state.whole_day(message)), snapshot

    async def _resync(self, client: Any) -> tuple[HubState | None, Snapshot | None]:
        """The whole state from the latest key (nothing when it is missing or damaged)."""
        latest = await client.get(self.link.latest)
        if latest is None:
            return None, None
        try:
            whole = self._decoder.decode(latest)
        except WireError:
            return None, None
        if not isinstance(whole, SnapshotMessage) or whole.base is not None:
            return None, None
        if self._state.is_old(whole):
            return None, None
        return self._apply(whole) or (None, None)

    @staticmethod
    def _hub_state(header: Header, day: HubDay) -> HubState:
        return HubState(header.hub, header.interval_s, day.day, day.alerts, day.events)

    def _is_new(self, snapshot: Snapshot) -> bool:
        """Whether the snapshot is newer than the last one taken (never take one twice)."""
        if snapshot.fetched_at <= self._last_fetched_at:
            self.dropped += 1
            return False
        self._last_fetched_at = snapshot.fetched_at
        self.taken += 1
        return True

    def _failure(self, message: FailureMessage) -> list[SourceFailure]:
        key = (message.header.run, message.header.seq)
        if key == self._last_failure or message.header.published_at <= self._last_fetched_at:
            return []
        self._last_failure = key
        return [
            SourceFailure(
                message.kind,
                f"the hub's poll failed: {message.message}",
                max(0.0, message.retry_in_s - (self.clock.now() - message.header.published_at)),
            )
        ]
