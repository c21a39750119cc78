"""A snapshot source that reads the Active Calls API (the real one or the simulator)."""

from __future__ import annotations

from wallboard.api.client import ActiveCallsClient
from wallboard.config import Settings
from wallboard.core.clock import Clock
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import Snapshot, build_snapshot


class ApiSource:
    """Polls both endpoints once per `fetch` and turns the answers into a `Snapshot`."""

    def __init__(
        self,
        client: ActiveCallsClient,
        clock: Clock,
        *,
        name: str,
        clock_offset_s: float | None = None,
        extension: str | None = None,
        queue: str | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.name = name
        self._estimator = ServerClockEstimator(clock_offset_s)
        self._extension = extension
        self._queue = queue
        # perf_counter() when the last poll's answers arrived, before parsing: read by the
        # app's response-to-screen measurement (not part of the snapshot, which is data).
        self.received_perf = 0.0

    async def fetch(self) -> Snapshot:
        """One poll; raises `wallboard.api.errors.PollError` when it fails."""
        answers = await self.client.fetch(self._extension, self._queue)
        self.received_perf = answers.received_perf
        return build_snapshot(
            answers.extensions,
            answers.queues,
            answers.skipped,
            fetched_at=self.clock.now(),
            latency_s=answers.latency_s,
            estimator=self._estimator,
            source=self.name,
        )

    async def aclose(self) -> None:
        """Release the connection pool."""
        await self.client.aclose()


def api_source_for(
    settings: Settings,
    code: str,
    clock: Clock,
    *,
    extension: str | None = None,
    queue: str | None = None,
) -> ApiSource:
    """The source for the configured account: base URL, timeouts, limits and clock offset."""
    client = ActiveCallsClient(
        base_url=settings.base_url,
        code=code,
        connect_timeout_s=settings.connect_timeout_s,
        read_timeout_s=settings.read_timeout_s,
        max_response_bytes=settings.max_response_bytes,
    )
    return ApiSource(
        client,
        clock,
        name=settings.base_url,
        clock_offset_s=settings.clock_offset_s,
        extension=extension,
        queue=queue,
    )
