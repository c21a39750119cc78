"""`wallboard stats`: the day's figures read back from a store, as JSON or as a table.

The figures come from the same code that counts them live (`core.day_engine.day_report`):
the store's outcomes and agents' time are replayed into a `DayMetrics`, agents' open time
is added from the saved tracker state, and who waits now is read from the callers the
writer saw at its last poll.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from wallboard.core.calendar import DayCalendar
from wallboard.core.day_engine import day_report, live_from_tracker, metrics_from_rows
from wallboard.core.day_metrics import ThresholdTable
from wallboard.core.durations import format_duration
from wallboard.core.health import STALE_INTERVALS
from wallboard.core.outcomes import OutcomeTracker
from wallboard.core.text import plain
from wallboard.store.day_store import DayStore, StoreError


class StatsError(Exception):
    """The figures cannot be read: no store, a damaged one, no such day."""


@dataclass(frozen=True, slots=True)
class StatsResult:
    """The `stats --json` document and what the reader should know about it."""

    document: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def read_stats(
    path: Path,
    *,
    calendar: DayCalendar,
    thresholds: ThresholdTable,
    interval_s: float,
    day: date | None,
    now: float,
) -> StatsResult:
    """The figures of `day` (default: the store's latest) as of `now`."""
    try:
        store = DayStore.open_reader(path)
    except StoreError as error:
        raise StatsError(str(error)) from None
    try:
        chosen = day or store.latest_day()
        if chosen is None:
            raise StatsError(f"store {path} holds no day yet")
        stored = store.load_day(chosen)
        alerts = store.load_alerts(chosen)
        last_poll = store.last_poll()
    except StoreError as error:
        raise StatsError(str(error)) from None
    finally:
        store.close()
    warnings: list[str] = []
    try:
        metrics = metrics_from_rows(
            chosen, thresholds, stored.outcomes, stored.agents, stored.first_poll
        )
        tracker = OutcomeTracker.restore(
            interval_s, {key: dict(value) for key, value in stored.tracker.items()}
        )
    except (KeyError, TypeError, ValueError):
        raise StatsError(f"store {path} is damaged (unreadable records)") from None
    current = tracker.last_poll is not None and calendar.day_of(tracker.last_poll) == chosen
    live = live_from_tracker(stored.tracker, now) if current else {}
    if not metrics.queues and not metrics.agents and not live and day is not None:
        raise StatsError(f"store {path} holds nothing for {chosen.isoformat()}")
    if current and last_poll is not None and now - last_poll > STALE_INTERVALS * interval_s:
        stamp = datetime.fromtimestamp(last_poll, calendar.zone).strftime("%Y-%m-%d %H:%M:%S")
        warnings.append(
            f"the store's last poll was at {stamp}, {int(now - last_poll)}s ago: "
            "who waits now is as of then"
        )
    report = day_report(metrics, live, now, tracker if current else None)
    document = {
        "day": report["day"],
        "generated_at": _stamp(now),
        "queues": report["queues"],
        "agents": report["agents"],
        "alerts": [
            {
                **alert,
                "first_seen": _stamp(alert["first_seen"]),
                "cleared_at": _stamp(alert["cleared_at"]) if alert["cleared_at"] else None,
            }
            for alert in alerts
        ],
    }
    return StatsResult(document, warnings)


def _stamp(utc: float) -> str:
    return datetime.fromtimestamp(utc, UTC).isoformat(timespec="seconds")


def _duration(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.ljust(width) if index < left else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def stats_table(document: dict[str, Any]) -> list[str]:
    """The `stats` document as a readable table (names as plain text, cut at 30 columns)."""
    lines = [f"Day {document['day']} (generated {document['generated_at']})", ""]
    queue_rows = [
        [
            plain(str(q["name"]), 30),
            str(q["waiting"]),
            str(q["answered"]),
            str(q["abandoned"]),
            _pct(q["abandon_pct"]),
            str(q["short_abandoned"]),
            str(q["unknown"]),
            _pct(q["service_level_pct"]),
            _duration(q["asa_s"]),
            _duration(q["avg_abandon_wait_s"]),
            _duration(q["longest_wait_s"]),
            _duration(q["ewt_s"]),
        ]
        for q in document["queues"]
    ]
    header = [
        "Queue", "Waiting", "Answered", "Abandoned", "Aband%", "Short", "Unknown",
        "SL", "ASA", "AvgAband", "Longest", "EWT",
    ]  # fmt: skip
    lines += _table(header, queue_rows) if queue_rows else ["No queue figures."]
    lines.append("")
    agent_rows = []
    for a in document["agents"]:
        busiest = sorted(a["status_s"].items(), key=lambda item: -(item[1] or 0))[:3]
        agent_rows.append(
            [
                plain(str(a["name"]), 30),
                plain(str(a["username"]), 16),
                str(a["answered"]),
                str(a["missed"]),
                str(a["outgoing"]),
                str(a["handled"]),
                _duration(a["aht_s"]),
                _duration(a["talk_s"]),
                _duration(a["hold_s"]),
                ", ".join(f"{code}={_duration(s)}" for code, s in busiest),
            ]
        )
    header = [
        "Agent", "SIP", "Answered", "Missed", "Out", "Handled", "AHT", "Talk", "Hold",
        "Status time (code=time)",
    ]  # fmt: skip
    lines += _table(header, agent_rows, left=2) if agent_rows else ["No agent figures."]
    alerts = document.get("alerts") or []
    if alerts:
        lines += ["", f"Alerts ({len(alerts)})"]
        for alert in alerts:
            until = alert["cleared_at"][11:19] if alert["cleared_at"] else "active"
            lines.append(
                f"  {alert['first_seen'][11:19]}-{until:8}  {alert['level']:5}  "
                f"{plain(str(alert['text']), 120)}"
            )
    return lines
