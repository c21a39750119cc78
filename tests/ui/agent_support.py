"""A day report for the fixed centre's agents, as `wallboard stats --json` gives it."""

from __future__ import annotations

from typing import Any

from wallboard.core.day_figures import DayFigures


def agent_row(username: str, answered: int, missed: int, talk_s: float, aht_s: float) -> dict:
    return {
        "username": username,
        "answered": answered,
        "missed": missed,
        "handled": answered,
        "talk_s": talk_s,
        "hold_s": 30.0,
        "aht_s": aht_s,
        "status_s": {},
    }


def fixed_day(leave_out: tuple[str, ...] = ()) -> DayFigures:
    """Today's figures for the fixed centre's agents (SIP1001..SIP1016), all different."""
    rows: list[dict[str, Any]] = [
        agent_row(f"SIP{1000 + n}", 10 + n, n % 4, 600.0 * n + 7, 120.0 + 11 * n)
        for n in range(1, 17)
        if f"SIP{1000 + n}" not in leave_out
    ]
    return DayFigures.from_report({"day": "2027-01-15", "queues": [], "agents": rows})
