"""The poll loop: one poll at a time, on a steady cadence, backing off on failure.

The next poll starts `interval - elapsed` after the last one began, so a slow answer does
not stretch the cadence and two polls are never in flight. After a failure the delay grows
exponentially with jitter (bounded), and is never shorter than the wait a rate-limiting
server asked for (Retry-After, bounded to 5 minutes); the first success returns to the
normal interval.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Protocol

from wallboard.api.errors import (
    MAX_RETRY_AFTER_S,
    AuthorizationError,
    PollError,
    ProtocolError,
    RateLimitError,
)
from wallboard.core.backoff import retry_delay
from wallboard.core.clock import Clock
from wallboard.core.snapshot import Snapshot


class SnapshotSource(Protocol):
    """Anything that can produce one snapshot per call."""

    name: str

    async def fetch(self) -> Snapshot:
        """One poll; raises `PollError` on failure."""
        ...


class Poller:
    """Runs the poll loop, reporting each snapshot and each failure through callbacks."""

    def __init__(
        self,
        source: SnapshotSource,
        clock: Clock,
        *,
        interval_s: float,
        on_snapshot: Callable[[Snapshot], None],
        on_failure: Callable[[PollError, float], None],
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.source = source
        self.clock = clock
        self.interval_s = interval_s
        self._on_snapshot = on_snapshot
        self._on_failure = on_failure
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._sleep = sleep
        self.failures = 0
        self._auth_failures = 0

    def poll_now(self) -> None:
        """Cut the current wait short (the user asked for a refresh)."""
        self._wake.set()

    async def run(self) -> None:
        """Poll until cancelled."""
        while True:
            delay = await self.poll_once()
            await self._wait(delay)

    async def poll_once(self) -> float:
        """Run one poll, report it, and return how long to wait before the next."""
        began = self.clock.monotonic()
        try:
            snapshot = await self.source.fetch()
        except PollError as error:
            return self._failed(error)
        except Exception as error:  # a bug must not kill the loop; report it plainly
            return self._failed(ProtocolError(f"unexpected {type(error).__name__}"))
        self.failures = 0
        self._auth_failures = 0
        self._on_snapshot(snapshot)
        return max(0.0, self.interval_s - (self.clock.monotonic() - began))

    def _failed(self, error: PollError) -> float:
        self.failures += 1
        auth = isinstance(error, AuthorizationError)
        # The hard auth backoff grows with refusals in a row only: one ERR 1 after a network
        # outage starts at the auth floor, not at an exponent the outage ran up.
        self._auth_failures = self._auth_failures + 1 if auth else 0
        delay = retry_delay(
            self._auth_failures if auth else self.failures,
            self.interval_s,
            self._rng,
            auth=auth,
        )
        if isinstance(error, RateLimitError):
            delay = max(delay, self._asked_wait(error))
        self._on_failure(error, delay)
        return delay

    def _asked_wait(self, error: RateLimitError) -> float:
        """The wait a rate-limiting server asked for (Retry-After), bounded."""
        asked = error.retry_after_s
        if asked is None and error.retry_at_utc is not None:
            asked = error.retry_at_utc - self.clock.now()
        if asked is None:
            return 0.0
        return max(0.0, min(asked, MAX_RETRY_AFTER_S))

    async def _wait(self, delay: float) -> None:
        self._wake.clear()
        if self._sleep is not None:
            await self._sleep(delay)
            return
        try:
            async with asyncio.timeout(delay):
                await self._wake.wait()
        except TimeoutError:
            pass
