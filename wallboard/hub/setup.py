"""The day's recorder and the alert watch, built from settings (for the hub and the boards)."""

from __future__ import annotations

from pathlib import Path

from wallboard.config import Settings
from wallboard.core.alerts import AlertBook
from wallboard.hub.alert_watch import AlertWatch
from wallboard.hub.notify_command import CommandNotifier
from wallboard.hub.recorder import DayRecorder


def open_recorder(settings: Settings, store: Path | None = None) -> DayRecorder:
    """The day's counters in the configured store (or `store`), ready to record."""
    return DayRecorder.open(
        store or settings.store_path(),
        calendar=settings.calendar(),
        thresholds=settings.thresholds(),
        interval_s=settings.interval_s,
        keep_days=settings.keep_days,
    )


def alert_watch(settings: Settings, recorder: DayRecorder | None) -> AlertWatch:
    """Alerts as configured, saved with the day's counters. What goes wrong with the
    user's command is dropped until the caller sets `watch.command.log`."""
    command = None
    if settings.alerts.command:
        command = CommandNotifier(
            settings.alerts.command,
            timeout_s=settings.alerts.command_timeout_s,
            log=lambda line: None,
            show_phone=settings.phone_off_screen(),
        )
    book = AlertBook(
        clear_after_s=settings.alerts.clear_after_s, renotify_s=settings.alerts.renotify_s
    )
    return AlertWatch(settings.alert_rules(), book, recorder=recorder, command=command)
