"""A source that records what another source yields (`--record PATH`), passing it on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from wallboard.core.clock import Clock
from wallboard.core.snapshot import Snapshot
from wallboard.sources.base import Source, SourceEvent, SourceFailure
from wallboard.sources.recording import RecordingWriter


class RecordingSource:
    """Yields `inner`'s events unchanged, and queues each snapshot and failure for `writer`
    (which writes on its own thread: the board never waits on the disk)."""

    def __init__(self, inner: Source, writer: RecordingWriter, clock: Clock) -> None:
        self.inner = inner
        self.writer = writer
        self.clock = clock
        self.name = inner.name
        self.relayed = inner.relayed
        # The app reads the poller's fetch timings through `fetcher` (response-to-screen).
        self.fetcher = getattr(inner, "fetcher", inner)

    @property
    def problem(self) -> str | None:
        """What is wrong with the recording (the board's health line says it)."""
        return self.writer.problem

    async def events(self) -> AsyncIterator[SourceEvent]:
        """`inner`'s events, each recorded as it passes."""
        async for event in self.inner.events():
            if isinstance(event, Snapshot):
                self.writer.record_snapshot(event)
            elif isinstance(event, SourceFailure):
                self.writer.record_failure(
                    self.clock.now(), event.kind, event.message, event.retry_in_s
                )
            yield event

    def refresh(self) -> None:
        """Ask `inner` for fresh data."""
        self.inner.refresh()

    async def aclose(self) -> None:
        """Close `inner`, then finish writing the recording."""
        try:
            await self.inner.aclose()
        finally:
            await asyncio.to_thread(self.writer.close)
