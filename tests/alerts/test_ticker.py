"""The ticker's sentences and the masking of caller numbers."""

from __future__ import annotations

import pytest
from metrics.snapshots import T0, agent, call, poll

from wallboard.core.alerts import Alert, Level
from wallboard.core.board import Board
from wallboard.core.day_metrics import ABANDONED, ANSWERED, MISSED, TAKEN, Outcome
from wallboard.core.events import (
    Ticker,
    alert_events,
    outcome_events,
    status_changes,
)
from wallboard.core.phone import mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("0504567890", "••••••7890"),
        ("+972-50-456-7890", "••••••••••••7890"),
        ("Anonymous", "Anonymous"),
        ("123", "•••"),
        ("", ""),
    ],
)
def test_a_masked_number_shows_only_its_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


def test_outcomes_read_as_sentences_with_the_number_masked_when_drawn():
    outcomes = [
        Outcome("a", ANSWERED, T0, 7, "Support", "a1", "Yossi Cohen", "0502223344", 36.0),
        Outcome("b", ABANDONED, T0 + 1, 7, "Support", phone="0504445566", seconds=30.0),
        Outcome("c", MISSED, T0 + 2, agent="a2", agent_name="Omer Dahan", seconds=10.0),
        Outcome("d", TAKEN, T0 + 3, agent="a1", agent_name="Yossi Cohen"),
    ]
    events = outcome_events(outcomes)
    assert [e.sentence(mask_phone) for e in events] == [
        "Yossi Cohen answered ••••••3344 after 0:36",
        "••••••5566 abandoned Support after 0:30",
        "Omer Dahan missed a call (rang 0:10)",
    ]
    assert events[0].sentence(lambda phone: phone) == "Yossi Cohen answered 0502223344 after 0:36"


def test_status_changes_off_a_call_are_news_and_calls_are_not():
    board = Board()
    board.apply(poll(T0, [agent("a1", 1, name="Dana Levi"), agent("a2", 1, name="Avi")], []), T0)
    before = board.agents
    ring = call("Ringing", "iv1", started=T0 + 1)
    board.apply(
        poll(T0 + 2, [agent("a1", 3, name="Dana Levi"), agent("a2", 1, ring, name="Avi")], []),
        T0 + 2,
    )
    events = status_changes(before, board.agents, T0 + 2)
    assert [e.sentence(str) for e in events] == ["Dana Levi → Lunch break"]


def test_the_ticker_is_newest_first_and_bounded():
    ticker = Ticker(limit=3)
    alert = Alert("q", Level.WARN, "queue", "Support", "7", "Support service level 78 % < 80 %",
                  T0 + 5, T0 + 5)  # fmt: skip
    ticker.add(alert_events([alert]))
    ticker.add(
        outcome_events(
            [
                Outcome(f"k{n}", ABANDONED, T0 + n, 7, "Support", phone="05", seconds=9)
                for n in range(3)
            ]
        )
    )
    assert len(ticker.events) == 3
    assert ticker.added == 4
    assert [e.at for e in ticker.latest(2)] == [T0 + 2, T0 + 1]


def test_an_alert_is_news_when_raised_and_again_when_cleared():
    from wallboard.core.alerts import AlertBook, Condition
    from wallboard.core.events import ALERT, cleared_events

    book = AlertBook(clear_after_s=30, renotify_s=300)
    condition = Condition("q:7", Level.WARN, "queue", "Support", "Support: 4 callers", "7")
    raised = book.update([condition], T0).raised
    book.update([], T0 + 10)  # false, but not long enough: still on
    cleared = book.update([], T0 + 31).cleared
    events = alert_events(raised) + cleared_events(cleared)
    assert [(e.at, e.kind, e.level, e.sentence(str)) for e in events] == [
        (T0, ALERT, "warn", "Support: 4 callers"),
        (T0 + 31, ALERT, "", "cleared: Support: 4 callers"),
    ]


def test_events_sent_twice_are_taken_once_and_the_memory_is_bounded():
    from wallboard.core.events import Event, SeenEvents

    seen = SeenEvents(limit=3)
    first = [Event(T0 + n, ABANDONED, phone="05", queue="Support", seconds=n) for n in range(3)]
    assert seen.fresh(first) == first
    assert seen.fresh(first) == []
    later = Event(T0 + 9, ANSWERED, who="Dana")
    assert seen.fresh([first[2], later, later]) == [later]
    # Only the last three are remembered: the oldest would be taken again.
    assert seen.fresh([first[0]]) == [first[0]]


def test_a_new_business_day_starts_an_empty_list_and_late_events_stay_off_it():
    from datetime import UTC
    from datetime import time as day_time

    from wallboard.core.calendar import DayCalendar
    from wallboard.core.events import LATE_GRACE_S

    calendar = DayCalendar(UTC, day_time(6, 0))  # the centre's day starts at 06:00 UTC
    ticker = Ticker(calendar=calendar)
    day_start = calendar.start_of(calendar.day_of(T0))
    late = day_start + 86400 - 60  # 05:59 the next morning: still this business day

    def abandon(key: str, at: float) -> list:
        return outcome_events([Outcome(key, ABANDONED, at, 7, "Support", seconds=9)])

    assert not ticker.roll(late - 30)
    ticker.add(abandon("k1", late - 30))
    assert not ticker.roll(late)
    ticker.add(abandon("k2", late))
    assert [e.at for e in ticker.latest(5)] == [late, late - 30]
    added = ticker.added
    # 06:00 on the board's clock: a new day, its list empty (nothing needs to happen first)
    assert ticker.roll(late + 61)
    assert ticker.latest(5) == [] and ticker.added == added + 1
    assert not ticker.roll(late + 62)
    # an event of yesterday arriving now (a hub's late relay) is not today's news, but one
    # a few seconds before the day's start (a hub's clock a little behind) is
    ticker.add(abandon("k3", late + 60 - LATE_GRACE_S - 1))
    ticker.add(abandon("k4", late + 55))
    ticker.add(abandon("k5", late + 70))
    assert [e.at for e in ticker.latest(5)] == [late + 70, late + 55]


def test_events_times_never_move_the_day_nor_break_the_list():
    """Events come from outside (a hub's feed): a time far in the future, or one no
    calendar can place, is listed as it is and leaves the day to the board's clock."""
    from datetime import UTC

    from wallboard.core.calendar import DayCalendar

    ticker = Ticker(calendar=DayCalendar(UTC))
    ticker.roll(T0)
    events = [
        *outcome_events([Outcome("far", ABANDONED, 1e12, 7, "Support", seconds=9)]),
        *outcome_events([Outcome("ok", ABANDONED, T0 + 1, 7, "Support", seconds=9)]),
    ]
    ticker.add(events)
    assert {e.at for e in ticker.latest(5)} == {1e12, T0 + 1}
    assert not ticker.roll(T0 + 2)  # still today: the far event did not move the day
    ticker.add(outcome_events([Outcome("k", ABANDONED, T0 + 3, 7, "Support", seconds=9)]))
    assert len(ticker.events) == 3


def test_without_a_calendar_the_list_is_never_emptied():
    ticker = Ticker()
    ticker.add(outcome_events([Outcome("k", ABANDONED, T0, 7, "Support", seconds=9)]))
    assert not ticker.roll(T0 + 10 * 86400)
    assert len(ticker.events) == 1
