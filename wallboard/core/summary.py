"""A short human summary of a snapshot, for `wallboard snapshot` without `--json`."""

from __future__ import annotations

from datetime import UTC, datetime

from wallboard.core.board import Board
from wallboard.core.durations import format_duration
from wallboard.core.snapshot import Snapshot
from wallboard.core.text import plain


def format_offset(offset_s: float) -> str:
    """`UTC+2:00`, `UTC-0:30`, `UTC+0:00 (+3s)` for a server clock offset."""
    quarter = round(offset_s / 900) * 900
    sign = "+" if quarter >= 0 else "-"
    text = f"UTC{sign}{abs(quarter) // 3600:.0f}:{abs(quarter) % 3600 // 60:02.0f}"
    drift = offset_s - quarter
    return f"{text} ({drift:+.0f}s)" if abs(drift) >= 1 else text


def summarise(snapshot: Snapshot) -> list[str]:
    """Lines describing the snapshot: agents by state, queues, what was skipped."""
    board = Board()
    board.apply(snapshot, snapshot.fetched_at)
    totals = board.totals
    now = snapshot.fetched_at
    fetched = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        f"Fetched {fetched} in {snapshot.latency_s * 1000:.0f} ms; "
        f"server clock {format_offset(snapshot.clock_offset_s)}",
        f"Agents {totals.agents}: {totals.logged_in} logged in, {totals.available} available, "
        f"{totals.ringing} ringing, {totals.dialing} dialling, {totals.talking} talking, "
        f"{totals.hold} on hold, {totals.away_total} away, {totals.logged_out} logged out",
    ]
    if totals.away:
        lines.append("Away: " + ", ".join(f"{label} {count}" for label, count in totals.away))
    longest = (
        f", longest wait {format_duration(now - totals.oldest_join_utc)}"
        if totals.oldest_join_utc is not None
        else ""
    )
    lines.append(f"Queues {len(board.queues)}: {totals.waiting} callers waiting{longest}")
    for queue in board.queues:
        wait = (
            f"longest {format_duration(now - queue.oldest_join_utc)}"
            if queue.oldest_join_utc is not None
            else "nobody waiting"
        )
        lines.append(
            f"  {plain(queue.name, 40)} [{queue.queue_id}]: {len(queue.callers)} waiting, {wait}"
        )
    if snapshot.skipped:
        lines.append(f"Skipped {len(snapshot.skipped)} malformed item(s):")
        lines.extend(f"  {plain(str(item), 160)}" for item in snapshot.skipped[:20])
        if len(snapshot.skipped) > 20:
            lines.append(f"  ... and {len(snapshot.skipped) - 20} more")
    return lines
