"""A board's side of the feed: a `Source` that follows a hub through Redis.

On connecting it takes the latest snapshot (the `latest` key) and the stream's newest
entry, so a board started late has the picture at once, then blocks on the stream. Of a
burst of messages only the newest snapshot is decoded (and any failure after it). Nothing
is taken twice: a snapshot no newer than the last one taken (a reconnect re-reading the
latest key, a restarted hub re-sending) is dropped. When the hub says nothing for longer
than `SILENT_INTERVALS` of its intervals the follower says so (the board turns STALE on
its own, the data being dated by the hub). When Redis goes away it reconnects with backoff,
saying so on each try.
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
from wallboard.feed.wire import Decoder, FailureMessage, Message, SnapshotMessage, WireError
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
        self._last_fetched_at = 0.0
        self._last_failure: tuple[str, int] | None = None
        self._heard_at: float | None = None  # monotonic time of the last message
        self.taken = 0  # snapshots taken
        self.dropped = 0  # snapshots not newer than the last one taken

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
        newest = await client.xrevrange(self.link.stream, count=1)
        last_id = newest[0][0] if newest else b"0-0"
        latest = await client.get(self.link.latest)
        start = [latest] if latest is not None else []
        start += [entry[1].get(b"m") for entry in newest]
        for event in self._take(start):
            yield event
        while True:
            answer = await client.xread(
                {self.link.stream: last_id}, count=BURST, block=int(self._block_s * 1000)
            )
            entries = answer[0][1] if answer else []
            if entries:
                last_id = entries[-1][0]
                for event in self._take([fields.get(b"m") for _, fields in entries]):
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

    def _take(self, raw: list[Any]) -> list[SourceEvent]:
        """Events from a burst of messages: the newest snapshot and the failures after it."""
        decoded: list[Message | SourceFailure] = []
        for data in reversed(raw):
            if not isinstance(data, bytes | str):
                decoded.append(SourceFailure("feed", "a feed entry without a message", 0.0))
                continue
            try:
                message = self._decoder.decode(data)
            except WireError as error:
                decoded.append(SourceFailure(error.kind, error.message, self.interval_s))
                continue
            decoded.append(message)
            if isinstance(message, SnapshotMessage):
                break  # older messages are superseded by this snapshot
        events: list[SourceEvent] = []
        for item in reversed(decoded):
            if isinstance(item, SourceFailure):
                events.append(item)
                continue
            self._heard_at = self.clock.monotonic()
            self.hub = item.header.hub
            self.interval_s = item.header.interval_s
            if isinstance(item, SnapshotMessage):
                events.extend(self._snapshot(item))
            else:
                events.extend(self._failure(item))
        return events

    def _snapshot(self, message: SnapshotMessage) -> list[SourceEvent]:
        if message.snapshot.fetched_at <= self._last_fetched_at:
            self.dropped += 1
            return []
        self._last_fetched_at = message.snapshot.fetched_at
        self.taken += 1
        state = HubState(message.header.hub, message.header.interval_s, message.day, message.alerts)
        return [state, message.snapshot]

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
