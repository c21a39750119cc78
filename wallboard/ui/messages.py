"""Messages from the poller to the app. Only the newest of a burst matters."""

from __future__ import annotations

from textual.message import Message

from wallboard.api.errors import PollError
from wallboard.core.snapshot import Snapshot


class SnapshotArrived(Message):
    """A poll succeeded."""

    def __init__(self, snapshot: Snapshot, received_perf: float = 0.0) -> None:
        super().__init__()
        self.snapshot = snapshot
        # perf_counter() when its answers arrived (0: unknown), for the response-to-screen
        # measurement only.
        self.received_perf = received_perf

    def can_replace(self, message: Message) -> bool:
        """An older snapshot still waiting in the queue is superseded by this one."""
        return isinstance(message, SnapshotArrived)


class PollFailed(Message):
    """A poll failed; the next try comes in `retry_in_s` seconds."""

    def __init__(self, error: PollError, retry_in_s: float) -> None:
        super().__init__()
        self.error = error
        self.retry_in_s = retry_in_s
