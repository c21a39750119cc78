"""The order of the queue table: trouble first.

A supervisor reads the top of the table; a queue in trouble must never sit below the fold.
Queues are ranked by severity: an active alert at alert level, then an active alert at
warning level (both from the alert book), then by the longest wait's level (alert, then
warning, by the board's wait thresholds). Within a severity, queues with callers waiting
come first, longest wait first; queues with nobody waiting keep the order the API gives
them. The sort is stable, so equal queues never swap places between polls.
"""

from __future__ import annotations

from collections.abc import Mapping

from wallboard.core.board import QueueView, WaitLevel, WaitThresholds

# Severity ranks, worst first (lower sorts first).
ALERT_ACTIVE = 0
WARN_ACTIVE = 1
WAIT_ALERT = 2
WAIT_WARN = 3
QUIET = 4


def severity(
    queue: QueueView,
    alert_level: str | None,
    thresholds: WaitThresholds,
    now: float,
) -> int:
    """How much trouble `queue` is in: 0 (an active alert) to 4 (nothing to see)."""
    if alert_level == "alert":
        return ALERT_ACTIVE
    if alert_level == "warn":
        return WARN_ACTIVE
    oldest = queue.oldest_join_utc
    if oldest is None:
        return QUIET
    level = thresholds.level(now - oldest)
    if level is WaitLevel.ALERT:
        return WAIT_ALERT
    if level is WaitLevel.WARN:
        return WAIT_WARN
    return QUIET


def order_queues(
    queues: tuple[QueueView, ...],
    alerted: Mapping[tuple[str, str], str],
    thresholds: WaitThresholds,
    now: float,
) -> tuple[QueueView, ...]:
    """`queues` worst first (see the module); `alerted` maps `("queue", id)` to the
    active alert's level ("warn" or "alert")."""

    def key(queue: QueueView) -> tuple[int, int, float]:
        rank = severity(queue, alerted.get(("queue", str(queue.queue_id))), thresholds, now)
        oldest = queue.oldest_join_utc
        # Waiting queues by when their oldest caller joined (earliest = longest wait);
        # quiet ones all tie at 1, so the stable sort keeps their given order.
        return (rank, 0, oldest) if oldest is not None else (rank, 1, 0.0)

    return tuple(sorted(queues, key=key))
