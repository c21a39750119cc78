"""How durations read on the board: short, fixed-width friendly, never negative."""

from __future__ import annotations


def format_duration(seconds: float) -> str:
    """`0:07`, `12:34`, `1:02:03`, `3d04h`: minutes and seconds first, as wallboards show."""
    total = max(0, int(seconds))
    if total < 3600:
        return f"{total // 60}:{total % 60:02d}"
    if total < 86400:
        return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return f"{total // 86400}d{total % 86400 // 3600:02d}h"


def format_day_total(seconds: float) -> str:
    """`0m`, `47m`, `1h05`, `9h32`: a total over the day (talk time on a compact row) in
    whole minutes. Its seconds are noise to a supervisor, and a figure that changes on
    every poll for every agent on a call costs a redraw of each of their rows."""
    minutes = max(0, int(seconds)) // 60
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h{minutes % 60:02d}"
