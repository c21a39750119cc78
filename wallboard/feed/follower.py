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
from wallboard.feed.redis_link import RedisLink
from wallboard.feed.state import FeedState, Picture
from wallboard.feed.wire import Decoder, FailureMessage, SnapshotMessage, WireError
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
        """Events from a burst of messages, in order: the newest picture and the failures
        after it. Every delta is applied (each holds only its own changes)."""
        events: list[SourceEvent] = []
        for data in raw:
            if not isinstance(data, bytes | str):
                events.append(SourceFailure("feed", "a feed entry without a message", 0.0))
                continue
            try:
                message = self._decoder.decode(data)
            except WireError as error:
                events.append(SourceFailure(error.kind, error.message, self.interval_s))
                continue
            self._heard_at = self.clock.monotonic()
            self.hub = message.header.hub
            self.interval_s = message.header.interval_s
            if isinstance(message, FailureMessage):
                events.extend(self._failure(message))
                continue
            picture = await self._picture(client, message)
            if picture is not None and self._is_new(picture):
                header = message.header
                state = HubState(
                    header.hub, header.interval_s, picture.day, picture.alerts, picture.events
                )
                # a newer picture supersedes everything before it in the burst
                events = [state, picture.snapshot]
        return events

    async def _picture(self, client: Any, message: SnapshotMessage) -> Picture | None:
        """The whole picture after `message`; a delta that does not fit reads the latest
        key again (None when that is no newer: a delta already applied, re-read)."""
        state = self._state
        same_run = message.header.run == state.run
        if message.base is not None and same_run and message.header.seq <= state.seq:
            self.dropped += 1
            return None  # already applied (the stream's newest entry after the key)
        picture = state.apply(message)
        if picture is not None:
            return picture
        self.resyncs += 1
        latest = await client.get(self.link.latest)
        if latest is None:
            return None
        try:
            whole = self._decoder.decode(latest)
        except WireError:
            return None
        if not isinstance(whole, SnapshotMessage) or whole.base is not None:
            return None
        return state.apply(whole)

    def _is_new(self, picture: Picture) -> bool:
        """Whether the picture is newer than the last one taken (never take one twice)."""
        if picture.snapshot.fetched_at <= self._last_fetched_at:
            self.dropped += 1
            return False
        self._last_fetched_at = picture.snapshot.fetched_at
        self.taken += 1
        return True

    def _failure(self, message: FailureMessage) -> list[SourceEvent]:
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
