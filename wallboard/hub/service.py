"""`wallboard hub`: poll, infer and save with no screen, saying what it does on stderr.

The hub is the one process that polls for many boards: snapshots and the day's figures
are made here, and listeners (`Hub.listeners`) receive each snapshot and each failure as
they happen, so that publishing to other boards plugs in without changing the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from wallboard.api.errors import PollError
from wallboard.core.agent_state import StatusVocabulary
from wallboard.core.alerts import AlertChanges
from wallboard.core.board import Board
from wallboard.core.clock import Clock
from wallboard.core.events import Ticker, alert_events, outcome_events, status_changes
from wallboard.core.health import Health
from wallboard.core.snapshot import Snapshot
from wallboard.hub.alert_watch import AlertWatch
from wallboard.hub.recorder import DayRecorder
from wallboard.sources.base import SourceFailure
from wallboard.sources.poller import Poller, SnapshotSource

STATUS_EVERY_S = 60.0
# The ticker's latest events the hub keeps (and publishes) for boards that follow it.
HUB_EVENTS = 50
# Between polls, alerts are checked this often: a wait crossing its threshold, data going
# stale while the API fails.
ALERT_CHECK_S = 5.0


class Hub:
    """Polls one source, counts the day, tells listeners; one status line a minute."""

    def __init__(
        self,
        source: SnapshotSource,
        clock: Clock,
        recorder: DayRecorder,
        *,
        interval_s: float,
        log: Callable[[str], None],
        status_every_s: float = STATUS_EVERY_S,
        alerts: AlertWatch | None = None,
        statuses: StatusVocabulary | None = None,
        show_phone: Callable[[str], str] | None = None,
    ) -> None:
        self.source = source
        # How a caller's number in an alert is logged (masked per `mask_callers`).
        self.show_phone = show_phone or str
        self.clock = clock
        self.recorder = recorder
        self.alerts = alerts
        # The live picture the alert rules read (agents' states and waits).
        self.board = Board(statuses=statuses)
        # What just happened (answers, abandons, misses, status changes, alerts raised).
        self.ticker = Ticker(HUB_EVENTS)
        self.health = Health(source=source.name, interval_s=interval_s, started_utc=clock.now())
        self.interval_s = interval_s
        self.log = log
        self.status_every_s = status_every_s
        # Each snapshot as soon as it is read, before it is counted (the feed sends it at
        # once: boards see the live picture without waiting for the day's figures).
        self.on_read: list[Callable[[Snapshot], Awaitable[None]]] = []
        self._counting: set[asyncio.Task[None]] = set()
        # Each snapshot, after the recorder counted it, and each failure with its retry time.
        self.listeners: list[Callable[[Snapshot | SourceFailure], None]] = []
        self.polls_ok = 0
        self.polls_failed = 0
        self._last: Snapshot | None = None
        self._last_problem: str | None = None
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Finish the current poll's write and return from `run`."""
        self._stop.set()

    async def run(self) -> int:
        """Poll until stopped; returns the exit code (0)."""
        self._say_store()
        poller = Poller(
            self.source,
            self.clock,
            interval_s=self.interval_s,
            on_snapshot=self._on_snapshot,
            on_failure=self._on_failure,
        )
        polling = asyncio.create_task(poller.run(), name="hub-poller")
        status = asyncio.create_task(self._status_lines(), name="hub-status")
        checks = asyncio.create_task(self._alert_checks(), name="hub-alerts")
        try:
            await self._stop.wait()
        finally:
            tasks = (polling, status, checks, *self._counting)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if self.alerts is not None:
                await self.alerts.aclose()
            finished = await asyncio.to_thread(self.recorder.close)
            if not finished:
                self.log("the store did not finish writing in time; the last poll may be lost")
        return 0

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        self.polls_ok += 1
        self._last = snapshot
        if not self.on_read:
            self._count(snapshot)
            return
        # Counting takes tens of ms at 2,000 agents: the feed sends the snapshot first.
        task = asyncio.get_running_loop().create_task(self._read_then_count(snapshot))
        self._counting.add(task)
        task.add_done_callback(self._counting.discard)

    async def _read_then_count(self, snapshot: Snapshot) -> None:
        for listener in self.on_read:
            await listener(snapshot)
        self._count(snapshot)

    def _count(self, snapshot: Snapshot) -> None:
        """Count the snapshot, find its events and alerts, and tell the listeners."""
        if self._stop.is_set():
            return  # stopping: the store is closing
        now = self.clock.now()
        outcomes = self.recorder.record(snapshot)
        self.health = self.health.succeeded(now, snapshot.latency_s, len(snapshot.skipped))
        before = self.board.agents
        self.board.apply(snapshot, now)
        self.ticker.add(outcome_events(outcomes) + status_changes(before, self.board.agents, now))
        self.check_alerts(now)
        self._say_store()
        for listener in self.listeners:
            listener(snapshot)

    def _on_failure(self, error: PollError, retry_in_s: float) -> None:
        self.polls_failed += 1
        now = self.clock.now()
        self.health = self.health.failed(error.kind, error.message, now + retry_in_s)
        self.log(f"poll failed: {error.message}; next try in {retry_in_s:.0f}s")
        self.check_alerts(now)
        failure = SourceFailure(error.kind, error.message, retry_in_s)
        for listener in self.listeners:
            listener(failure)

    def check_alerts(self, now: float) -> AlertChanges | None:
        """Raise and clear alerts; say each on stderr."""
        if self.alerts is None:
            return None
        changes = self.alerts.check(self.board, self.health, now)
        self.ticker.add(alert_events(changes.raised))
        for alert in changes.raised:
            self.log(f"alert ({alert.level.value}): {alert.text_for(self.show_phone)}")
        for alert in changes.cleared:
            self.log(f"cleared: {alert.text_for(self.show_phone)}")
        return changes

    async def _alert_checks(self) -> None:
        while True:
            await asyncio.sleep(ALERT_CHECK_S)
            self.check_alerts(self.clock.now())

    def _say_store(self) -> None:
        """Say each new store problem once, and when it clears."""
        problem = self.recorder.problem
        if problem != self._last_problem:
            self.log(problem if problem is not None else "store: writing again")
            self._last_problem = problem

    async def _status_lines(self) -> None:
        while True:
            await asyncio.sleep(self.status_every_s)
            self.log(self.status_line())
            self.polls_ok = self.polls_failed = 0

    def status_line(self) -> str:
        """What the hub did in the last minute and what the day looks like."""
        now = self.clock.now()
        stamp = datetime.fromtimestamp(now).strftime("%H:%M:%S")
        parts = [f"{stamp} polls: {self.polls_ok} ok, {self.polls_failed} failed"]
        if self._last is not None:
            waiting = sum(len(q.callers) for q in self._last.queues)
            parts.append(f"{len(self._last.extensions)} agents, {waiting} waiting")
        report = self.recorder.report(now)
        if report is not None:
            parts.append(_day_summary(report))
        if self.alerts is not None:
            parts.append(f"{len(self.alerts.book.active)} alerts active")
        parts.append(f"store: {self.recorder.problem or 'ok'}")
        return "; ".join(parts)


def _day_summary(report: dict[str, Any]) -> str:
    answered = sum(q["answered"] for q in report["queues"])
    abandoned = sum(q["abandoned"] for q in report["queues"])
    within = sum(q["answered_within_sl"] for q in report["queues"])
    finished = answered + abandoned
    level = f"{100 * within / finished:.0f}%" if finished else "-"
    return f"today: {answered} answered, {abandoned} abandoned, service level {level}"


async def run_hub(hub: Hub) -> int:
    """Run `hub` until SIGTERM or SIGINT; each ends it cleanly with exit code 0."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, hub.stop)
    try:
        return await hub.run()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
