"""Fixed day figures and a counted day for the queue table's tests and pictures."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from ui_support import _call, fixed_extensions, fixed_queues, make_snapshot, settle

from wallboard.core.calendar import DayCalendar
from wallboard.core.day_metrics import ThresholdTable
from wallboard.hub.recorder import DayRecorder
from wallboard.sources.base import HubState
from wallboard.ui.app import WallboardApp


def queue_row(queue_id: int, name: str, answered: int, abandoned: int, within: int) -> dict:
    finished = answered + abandoned
    return {
        "id": queue_id,
        "name": name,
        "answered": answered,
        "abandoned": abandoned,
        "short_abandoned": 1,
        "answered_within_sl": within,
        "service_level_pct": 100.0 * within / finished,
        "abandon_pct": 100.0 * abandoned / finished,
        "asa_s": 14.2,
        "avg_abandon_wait_s": 41.0,
        "longest_wait_s": 250.0,
        "ewt_s": 35.0,
    }


def day_report() -> dict[str, Any]:
    """Sales meets its 80 % target, Support is close (77 %), Billing misses it (50 %)."""
    return {
        "day": "2027-01-15",
        "queues": [
            queue_row(101, "Sales", 45, 5, 45),  # 90 %
            queue_row(102, "Support", 90, 10, 77),  # 77 %
            queue_row(103, "Billing", 8, 2, 5),  # 50 %
        ],
        "agents": [],
    }


def follow_hub(app: WallboardApp) -> None:
    """Today's figures as a hub sends them (a follower board)."""
    app.show_hub_state(HubState("hub-1", 5.0, day_report()))


def open_recorder(path: Path) -> DayRecorder:
    return DayRecorder.open(
        path,
        calendar=DayCalendar(UTC),
        thresholds=ThresholdTable(),
        interval_s=5.0,
        keep_days=35,
    )


async def answer_a_sales_caller(app: WallboardApp, pilot: Pilot) -> None:
    """Five seconds on: Frank Avail answers Sales' longest-waiting caller (call-s2)."""
    app.clock.advance(5)  # type: ignore[attr-defined]
    exts = fixed_extensions()
    exts[5]["calls"] = [_call("Talking", -3, -4, callerphone="0501000002")]
    ques = fixed_queues()
    ques[0]["Callers"] = ques[0]["Callers"][:1]
    app.show_snapshot(make_snapshot(app.clock, exts, ques))  # type: ignore[arg-type]
    await settle(pilot)
