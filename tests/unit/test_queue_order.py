"""The queue table's order: alerts, then warnings, then the longest wait; stable."""

from __future__ import annotations

from wallboard.core.board import CallerView, QueueView, WaitThresholds
from wallboard.core.queue_order import order_queues, severity

NOW = 10_000.0
LIMITS = WaitThresholds(warn_s=60, alert_s=180)


def queue(queue_id: int, *waits: float) -> QueueView:
    callers = tuple(
        CallerView(queue_id, f"Q{queue_id}", f"050{i}", f"c{queue_id}-{i}", NOW - w, 0)
        for i, w in enumerate(sorted(waits, reverse=True))
    )
    return QueueView(queue_id, f"Q{queue_id}", None, callers)


def ids(queues: tuple[QueueView, ...]) -> list[int]:
    return [q.queue_id for q in queues]


def test_active_alert_beats_a_longer_wait() -> None:
    quiet_alerted, long_wait = queue(1), queue(2, 500)
    order = order_queues((long_wait, quiet_alerted), {("queue", "1"): "alert"}, LIMITS, NOW)
    assert ids(order) == [1, 2]


def test_alert_then_warning_alert_then_wait_levels() -> None:
    queues = (queue(1, 10), queue(2, 70), queue(3, 200), queue(4), queue(5, 5))
    alerted = {("queue", "4"): "warn", ("queue", "5"): "alert"}
    assert ids(order_queues(queues, alerted, LIMITS, NOW)) == [5, 4, 3, 2, 1]


def test_longest_wait_first_within_a_severity() -> None:
    queues = (queue(1, 10), queue(2, 30), queue(3, 20))
    assert ids(order_queues(queues, {}, LIMITS, NOW)) == [2, 3, 1]


def test_quiet_queues_keep_the_given_order() -> None:
    queues = (queue(7), queue(3), queue(9, 5), queue(1))
    assert ids(order_queues(queues, {}, LIMITS, NOW)) == [9, 7, 3, 1]


def test_equal_waits_keep_the_given_order() -> None:
    queues = (queue(2, 40), queue(1, 40))
    assert ids(order_queues(queues, {}, LIMITS, NOW)) == [2, 1]


def test_other_subjects_do_not_count() -> None:
    queues = (queue(1, 30), queue(2))
    alerted = {("agent", "2"): "alert", ("queue", "99"): "alert"}
    assert ids(order_queues(queues, alerted, LIMITS, NOW)) == [1, 2]


def test_severity_of_a_wait_follows_the_thresholds() -> None:
    assert severity(queue(1, 59), None, LIMITS, NOW) == 4
    assert severity(queue(1, 60), None, LIMITS, NOW) == 3
    assert severity(queue(1, 180), None, LIMITS, NOW) == 2
    assert severity(queue(1), "warn", LIMITS, NOW) == 1


def test_service_level_standing_against_the_target() -> None:
    from wallboard.core.service_level import Standing, standing

    assert standing(None, 80) is None
    assert standing(80.0, 80) is Standing.MET
    assert standing(75.0, 80) is Standing.CLOSE
    assert standing(74.9, 80) is Standing.MISSED
    assert standing(100.0, 100) is Standing.MET
