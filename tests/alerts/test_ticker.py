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
