"""Alerts kept in one place for whoever watches the centre: the hub, or a board on its own.

`AlertWatch.check` finds the conditions that hold (from the board, the day's figures and
the feed's health), updates the alert book, saves what was raised or cleared with the
day's counters, and hands the alerts due a notification to the user's command. What the
terminal does (bell, desktop notification) is the board's business: it gets them back in
`AlertChanges.notify`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wallboard.core.alerts import (
    AlertBook,
    AlertChanges,
    AlertRules,
    Condition,
    data_conditions,
    feed_facts,
    find_conditions,
    relayed_conditions,
)
from wallboard.core.board import Board
from wallboard.core.health import Health
from wallboard.hub.notify_command import CommandNotifier
from wallboard.hub.recorder import DayRecorder


class AlertWatch:
    """Rules, the book of alerts, and where they go (see the module)."""

    def __init__(
        self,
        rules: AlertRules,
        book: AlertBook,
        *,
        recorder: DayRecorder | None = None,
        command: CommandNotifier | None = None,
        relayed: bool = False,
    ) -> None:
        self.rules = rules
        self.book = book
        self.recorder = recorder
        self.command = command
        # Following a hub: the hub's alerts (as last sent) replace the board's own rules,
        # except the data's own health, which only this board can know.
        self.relayed = relayed
        self._from_hub: list[Condition] = []

    def relay(self, alerts: Iterable[Mapping[str, Any]]) -> None:
        """Take the active alerts a hub sent (used by `check` when relaying)."""
        self._from_hub = relayed_conditions(alerts)

    def check(self, board: Board, health: Health, now: float) -> AlertChanges:
        """Raise, keep and clear alerts for the state at `now`."""
        recorder = self.recorder
        if self.relayed:
            conditions = [*self._from_hub, *data_conditions(feed_facts(health, now), self.rules)]
        else:
            day = recorder.queue_report(now) if recorder is not None else None
            missed = recorder.missed_in_a_row() if recorder is not None else {}
            conditions = find_conditions(
                board, day, feed_facts(health, now), self.rules, now, missed
            )
        changes = self.book.update(conditions, now)
        if recorder is not None:
            recorder.save_alerts(changes.raised + changes.cleared, now)
        if self.command is not None:
            for alert in changes.notify:
                self.command.notify(alert)
        return changes

    def acknowledge(self, key: str) -> bool:
        """No more notifications for this alert until it clears and comes back."""
        return self.book.acknowledge(key)

    async def aclose(self) -> None:
        """Stop the user's commands still running."""
        if self.command is not None:
            await self.command.aclose()
