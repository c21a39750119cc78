"""The API poller as a `Source`: polls on its own cadence and yields what each poll gave."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator

from wallboard.api.errors import PollError
from wallboard.core.clock import Clock
from wallboard.core.snapshot import Snapshot
from wallboard.sources.base import SourceEvent, SourceFailure
from wallboard.sources.poller import Poller, SnapshotSource


class PollingSource:
    """Polls `fetcher` (an `ApiSource`, the real API or the simulator) every `interval_s`."""

    relayed = False

    def __init__(
        self,
        fetcher: SnapshotSource,
        clock: Clock,
        *,
        interval_s: float,
        rng: random.Random | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.name = fetcher.name
        self.clock = clock
        self.interval_s = interval_s
        self._rng = rng
        self.poller: Poller | None = None

    @property
    def failures(self) -> int:
        """Failed polls in a row."""
        return self.poller.failures if self.poller is not None else 0

    async def events(self) -> AsyncIterator[SourceEvent]:
        """Poll until cancelled, yielding each snapshot and each failure."""
        queue: asyncio.Queue[SourceEvent] = asyncio.Queue()

        def failed(error: PollError, retry_in_s: float) -> None:
            queue.put_nowait(SourceFailure(error.kind, error.message, retry_in_s))

        def arrived(snapshot: Snapshot) -> None:
            queue.put_nowait(snapshot)

        self.poller = Poller(
            self.fetcher,
            self.clock,
            interval_s=self.interval_s,
            on_snapshot=arrived,
            on_failure=failed,
            rng=self._rng or random.Random(),
        )
        polling = asyncio.create_task(self.poller.run(), name="poller")
        try:
            while True:
                yield await queue.get()
        finally:
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling

    def refresh(self) -> None:
        """Poll now instead of at the end of the interval."""
        if self.poller is not None:
            self.poller.poll_now()

    async def aclose(self) -> None:
        """Release the fetcher's connection pool."""
        close = getattr(self.fetcher, "aclose", None)
        if close is not None:
            await close()
