"""The hub's side of the feed: every poll's snapshot and failure, published through Redis.

`FeedPublisher` is a hub listener (`Hub.listeners`): it encodes each event at once (so the
day's figures sent with a snapshot are the ones counted from it) and queues it; `run`
sends the queue to Redis. A snapshot goes twice: as soon as it is read (`live`, through
`Hub.on_read`), its delta over the previous one goes to the stream (XADD) before the hub
counts it; once counted, the day message (XADD) and the whole snapshot with its day under
the latest key (SET, with an expiry), so that a board missing a delta finds a state at
least as new under the key (`wire` says what each message holds).
Redis going away never stalls the hub: messages queue up to `OUTBOX` (the oldest dropped,
a board only needs the newest; the deltas after a gap make boards read the key), the
publisher reconnects with backoff, and says so once on the hub's log, and once again when
it publishes again.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from wallboard.core.backoff import retry_delay
from wallboard.core.clock import Clock
from wallboard.core.events import Event, Ticker
from wallboard.core.snapshot import Snapshot
from wallboard.feed.redis_link import STREAM_LENGTH, RedisLink, raise_if_cancelled
from wallboard.feed.wire import MAX_EVENTS, Header, SnapshotEncoder, encode_failure
from wallboard.sources.base import SourceFailure

OUTBOX = 8
MIN_LATEST_TTL_S = 60
# The hub counts a snapshot once its live message is written to Redis, waiting this long
# at most (and not at all while Redis is unreachable).
LIVE_WAIT_S = 0.5


class FeedPublisher:
    """Publishes a hub's events to the feed at `link` (see the module)."""

    def __init__(
        self,
        link: RedisLink,
        clock: Clock,
        *,
        hub_name: str,
        interval_s: float,
        day_report: Callable[[float], dict[str, Any] | None],
        alerts: Callable[[], Sequence[dict[str, Any]]] = tuple,
        ticker: Ticker | None = None,
        log: Callable[[str], None],
        rng: random.Random | None = None,
    ) -> None:
        self.link = link
        self.clock = clock
        self.hub_name = hub_name
        self.interval_s = interval_s
        self._day_report = day_report
        self._alerts = alerts
        self.log = log
        self.run_id = secrets.token_hex(8)
        self.seq = 0
        self.published = 0
        self.dropped = 0
        self._failures_in_a_row = 0
        # (for the stream, for the latest key or None)
        self._outbox: deque[tuple[bytes, bytes | None]] = deque()
        self._ready = asyncio.Event()
        self._encoder = SnapshotEncoder(interval_s)
        self._ticker = ticker
        self._events_sent = 0  # the ticker's count of events when the last day message went
        self._live_snapshot: Snapshot | None = None
        # Messages numbered in queueing order; those up to `_done` were sent or dropped.
        self._queued = 0
        self._done = 0
        self._progress = asyncio.Event()
        self.failing = False  # the last try to send failed
        self._rng = rng or random.Random()
        self.latest_ttl_s = max(MIN_LATEST_TTL_S, round(12 * interval_s))

    # --- the listeners: called in the hub's poll loop, never raise ------------------------
    async def live(self, snapshot: Snapshot) -> None:
        """A snapshot just read (`Hub.on_read`): queue its message and return once it is
        written to Redis (bounded), so that the hub's counting does not hold it back."""
        number = self._queue(self._live, snapshot)
        if number is None or self.failing:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(LIVE_WAIT_S):
                while self._done < number:
                    self._progress.clear()
                    await self._progress.wait()

    def __call__(self, event: Snapshot | SourceFailure) -> None:
        """A snapshot counted, or a failure (`Hub.listeners`): encode and queue it."""
        if isinstance(event, Snapshot) and self._live_snapshot is not event:
            self._queue(self._live, event)  # not announced when read: it goes first
        self._queue(self._encode, event)

    def _queue(self, encode: Callable[[Any], tuple[bytes, bytes | None]], event: Any) -> int | None:
        """Encode and queue; the message's number (None when it could not be encoded)."""
        try:
            message = encode(event)
        except Exception as error:  # a bug here must not stop the hub's polling
            self.log(f"feed: could not encode a message ({type(error).__name__})")
            return None
        if len(self._outbox) >= OUTBOX:
            self._outbox.popleft()
            self.dropped += 1
            self._finished_one()
        self._outbox.append(message)
        self._queued += 1
        self._ready.set()
        return self._queued

    def _finished_one(self) -> None:
        """The oldest queued message was sent or dropped."""
        self._done += 1
        self._progress.set()

    def _header(self) -> Header:
        self.seq += 1
        return Header(self.hub_name, self.run_id, self.seq, self.interval_s, self.clock.now())

    def _events(self) -> tuple[list[Event], list[Event]]:
        """The ticker's latest events and those new since the last snapshot, oldest first."""
        ticker = self._ticker
        if ticker is None:
            return [], []
        new = min(MAX_EVENTS, ticker.added - self._events_sent)
        self._events_sent = ticker.added
        latest = ticker.latest(MAX_EVENTS)[::-1]
        return latest, latest[len(latest) - new :] if new > 0 else []

    def _live(self, snapshot: Snapshot) -> tuple[bytes, bytes | None]:
        self._live_snapshot = snapshot
        return self._encoder.live(self._header(), snapshot), None

    def _encode(self, event: Snapshot | SourceFailure) -> tuple[bytes, bytes | None]:
        if isinstance(event, Snapshot):
            self._failures_in_a_row = 0
            events, new_events = self._events()
            day, whole = self._encoder.counted(
                self._header(),
                day=self._day_report(self.clock.now()),
                alerts=self._alerts(),
                events=events,
                new_events=new_events,
            )
            return day, whole
        self._failures_in_a_row += 1
        data = encode_failure(
            self._header(),
            kind=event.kind,
            message=event.message,
            retry_in_s=event.retry_in_s,
            failures=self._failures_in_a_row,
        )
        return data, None

    # --- the sender -----------------------------------------------------------------------
    async def run(self) -> None:
        """Send queued messages until cancelled, reconnecting to Redis with backoff."""
        from redis.exceptions import RedisError

        failures = 0
        client: Any = None
        try:
            while True:
                raise_if_cancelled()
                if not self._outbox:
                    self._ready.clear()
                    await self._ready.wait()
                    continue
                if client is None:
                    client = self.link.client(socket_connect_timeout=5, socket_timeout=10)
                data, whole = self._outbox[0]
                try:
                    await self._send(client, data, whole)
                except (RedisError, OSError) as error:
                    failures += 1
                    self.failing = True
                    delay = retry_delay(failures, 1.0, self._rng)
                    if failures == 1:
                        self.log(
                            f"feed: cannot publish to {self.link.redacted} "
                            f"({_reason(error)}); retrying with backoff"
                        )
                    with contextlib.suppress(Exception):
                        await client.aclose()
                    client = None
                    await asyncio.sleep(min(delay, max(1.0, self.interval_s)))
                    continue
                if self._outbox and self._outbox[0][0] is data:
                    self._outbox.popleft()
                    self._finished_one()
                self.published += 1
                self.failing = False
                if failures:
                    self.log(f"feed: publishing to {self.link.redacted} again")
                    failures = 0
        finally:
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()

    async def _send(self, client: Any, data: bytes, whole: bytes | None) -> None:
        async with client.pipeline(transaction=False) as pipe:
            pipe.xadd(self.link.stream, {"m": data}, maxlen=STREAM_LENGTH, approximate=True)
            if whole is not None:
                pipe.set(self.link.latest, whole, ex=self.latest_ttl_s)
            await pipe.execute()


def _reason(error: BaseException) -> str:
    """A short reason for a Redis failure: its class, and its text when it names no secret."""
    text = str(error).splitlines()[0][:120] if str(error) else ""
    # redis-py's messages name the host and port, never the password; keep them short.
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
