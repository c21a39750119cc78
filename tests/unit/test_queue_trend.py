"""The per-queue trend: a sample a minute (the minute's peak), gaps, bounds, sparkline."""

from __future__ import annotations

from wallboard.core.board import CallerView, QueueView
from wallboard.core.queue_trend import WaitingTrend, sparkline

T0 = 6_000.0  # a whole minute (100)


def queue(queue_id: int, waiting: int) -> QueueView:
    callers = tuple(CallerView(queue_id, "Q", "050", f"c{i}", T0, 0) for i in range(waiting))
    return QueueView(queue_id, "Q", None, callers)


def test_a_minute_keeps_its_peak() -> None:
    trend = WaitingTrend()
    trend.record([queue(1, 2)], T0)
    trend.record([queue(1, 5)], T0 + 20)
    trend.record([queue(1, 1)], T0 + 40)
    assert trend.series(1, T0 + 59, 1) == (5,)


def test_minutes_without_data_are_gaps() -> None:
    trend = WaitingTrend()
    trend.record([queue(1, 2)], T0)
    trend.record([queue(1, 4)], T0 + 180)
    assert trend.series(1, T0 + 180, 5) == (None, 2, None, None, 4)


def test_unknown_queue_is_all_gaps() -> None:
    assert WaitingTrend().series(42, T0, 3) == (None, None, None)


def test_history_is_bounded_to_the_window() -> None:
    trend = WaitingTrend(minutes=60)
    for minute in range(200):
        trend.record([queue(1, minute % 7)], T0 + 60 * minute)
    series = trend.series(1, T0 + 60 * 199, 100)
    assert len(series) == 60
    assert series[-1] == 199 % 7 and series[0] == 140 % 7
    assert len(trend._samples[1]) == 60


def test_queues_are_bounded_and_forgotten_after_the_window() -> None:
    trend = WaitingTrend(minutes=10, max_queues=3)
    trend.record([queue(i, 1) for i in range(5)], T0)
    assert sorted(trend._samples) == [0, 1, 2]
    trend.record([queue(0, 1)], T0 + 60 * 11)
    assert sorted(trend._samples) == [0]


def test_clock_stepping_back_leaves_the_history_alone() -> None:
    trend = WaitingTrend()
    trend.record([queue(1, 3)], T0 + 120)
    trend.record([queue(1, 9)], T0)
    assert trend.series(1, T0 + 120, 3) == (None, None, 3)


def test_sparkline_scales_to_its_peak() -> None:
    assert sparkline([0, 1, 4, 8, None]) == "▁▂▅█ "
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([None, None]) == "  "
    assert sparkline([]) == ""
