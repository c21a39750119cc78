"""Messages from the source to the app. Only the newest of a burst matters."""

from __future__ import annotations

from textual.message import Message

from wallboard.core.snapshot import Snapshot
from wallboard.sources.base import HubState, SourceFailure


class SnapshotArrived(Message):
    """New data arrived."""

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
    """The source could not get new data; the next try comes in `failure.retry_in_s`."""

    def __init__(self, failure: SourceFailure) -> None:
        super().__init__()
        self.failure = failure


class HubStateArrived(Message):
    """A hub said who it is, how often it polls, and the day's figures."""

    def __init__(self, state: HubState) -> None:
        super().__init__()
        self.state = state

    def can_replace(self, message: Message) -> bool:
        """Only the newest state matters."""
        return isinstance(message, HubStateArrived)
