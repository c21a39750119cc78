"""Each inference rule on hand-made pairs of snapshots: what a poll-to-poll change means."""

from __future__ import annotations

from datetime import UTC

import pytest

from wallboard.core.calendar import DayCalendar
from wallboard.core.day_engine import DayEngine
from wallboard.core.day_metrics import (
    ABANDONED,
    ANSWERED,
    DayMetrics,
    Outcome,
    QueueThresholds,
    ThresholdTable,
)
from wallboard.core.phone import phone_key

from .snapshots import T0, agent, call, caller, poll, queue

INTERVAL = 2.0


def engine(thresholds: ThresholdTable | None = None, interval: float = INTERVAL) -> DayEngine:
    return DayEngine(DayCalendar(UTC), thresholds or ThresholdTable(), interval)


def run(polls: list, interval: float = INTERVAL) -> DayEngine:
    eng = engine(interval=interval)
    for snap in polls:
        eng.apply(snap)
    return eng


def queue_row(eng: DayEngine, queue_id: int = 7) -> dict:
    report = eng.report(eng.tracker.last_poll or T0)
    return next(q for q in report["queues"] if q["id"] == queue_id)


def agent_row(eng: DayEngine, username: str) -> dict:
    report = eng.report(eng.tracker.last_poll or T0)
    return next(a for a in report["agents"] if a["username"] == username)


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("972501234567", "0501234567"),
        ("+972-50-123-4567", "0501234567"),
        ("00972501234567", "0501234567"),
        ("0044 20 7946 0000", "442079460000"),
    ],
)
def test_israeli_numbers_match_however_they_are_written(written, same_as):
    assert phone_key(written) == phone_key(same_as)


def test_a_number_without_digits_matches_nothing():
    assert phone_key("Anonymous") is None
    assert phone_key("12") is None


def test_a_caller_answered_by_ivrid_waits_from_join_to_answer():
    joined = T0 - 30
    eng = run(
        [
            poll(T0, [agent("a1", 1)], [queue(7, caller("C1", joined, phone="Anonymous"))]),
            poll(
                T0 + 2,
                [agent("a1", 1, call("Talking", "C1", started=T0, answered=T0 + 1, phone="x"))],
                [queue(7)],
            ),
        ]
    )
    row = queue_row(eng)
    assert (row["answered"], row["abandoned"]) == (1, 0)
    assert row["asa_s"] == 31.0  # callAnswered - JoinTime, not the last seen wait
    assert agent_row(eng, "a1")["answered"] == 1


def test_a_caller_answered_by_phone_in_the_next_poll_is_answered_not_abandoned():
    """The two endpoints are read separately: the answer may show up one poll late."""
    joined = T0 - 10
    eng = run(
        [
            poll(T0, [agent("a1", 1)], [queue(7, caller("Q1", joined, "0501112222"))]),
            poll(T0 + 2, [agent("a1", 1)], [queue(7)]),  # gone, no call yet
            poll(
                T0 + 4,
                [agent("a1", 1, call("Talking", "iv9", phone="972501112222", started=T0 + 1))],
                [queue(7)],
            ),
        ]
    )
    row = queue_row(eng)
    assert (row["answered"], row["abandoned"]) == (1, 0)
    # No callAnswered: the wait when it left, half-way between T0 and T0+2, from the middle
    # of its JoinTime's second.
    assert row["asa_s"] == 10.5


def test_a_call_that_started_before_the_caller_joined_is_not_its_answer():
    joined = T0 - 10
    eng = run(
        [
            poll(T0, [agent("a1", 1)], [queue(7, caller("Q1", joined))]),
            poll(
                T0 + 2,
                [
                    agent(
                        "a1", 1, call("Talking", "old", started=joined - 600, answered=joined - 590)
                    )
                ],
                [queue(7)],
            ),
            poll(T0 + 4, [agent("a1", 1)], [queue(7)]),
        ]
    )
    assert (queue_row(eng)["answered"], queue_row(eng)["abandoned"]) == (0, 1)


def test_an_unanswered_caller_is_abandoned_with_its_wait_when_it_left_and_short_ones_apart():
    eng = run(
        [
            poll(T0, [], [queue(7, caller("L", T0 - 40, "0502"), caller("S", T0 - 3, "0503"))]),
            poll(T0 + 2, [], [queue(7)]),
            poll(T0 + 4, [], [queue(7)]),
        ]
    )
    row = queue_row(eng)
    assert (row["abandoned"], row["short_abandoned"], row["answered"]) == (1, 1, 0)
    assert row["avg_abandon_wait_s"] == 40.5  # left at ~T0+1, joined at T0-40 (+0.5)
    assert row["abandon_pct"] == 100.0
    assert row["service_level_pct"] == 0.0


def test_service_level_counts_answers_within_the_queues_own_threshold():
    table = ThresholdTable(QueueThresholds(), {"Support": QueueThresholds(service_level_s=60)})
    eng = engine(table)
    polls = [
        poll(T0, [agent("a1", 1)], [queue(7, caller("C1", T0 - 50))]),
        poll(
            T0 + 2,
            [agent("a1", 1, call("Talking", "C1", started=T0, answered=T0 + 1))],
            [queue(7)],
        ),
    ]
    for snap in polls:
        eng.apply(snap)
    assert queue_row(eng)["service_level_pct"] == 100.0  # 51 s, within Support's 60 s
    assert queue_row(eng)["asa_s"] == 51.0


def test_thresholds_by_id_then_name_then_star_then_defaults():
    fast, slow, star = QueueThresholds(10), QueueThresholds(90), QueueThresholds(30)
    table = ThresholdTable(QueueThresholds(20), {"5001": fast, "Sales": slow, "*": star})
    assert table.for_queue(5001, "Sales") is fast
    assert table.for_queue(5002, "Sales") is slow
    assert table.for_queue(5003, "VIP") is star
    assert ThresholdTable(QueueThresholds(20)).for_queue(1, "x").service_level_s == 20


def test_a_ring_that_stops_without_an_answer_is_a_missed_call():
    ring = call("Ringing", "iv1", started=T0)
    eng = run(
        [
            poll(T0, [agent("a1", 1)], [queue(7, caller("Q1", T0 - 5))]),
            poll(T0 + 2, [agent("a1", 1, ring)], [queue(7, caller("Q1", T0 - 5))]),
            poll(T0 + 18, [agent("a1", 1, ring)], [queue(7, caller("Q1", T0 - 5))]),
            poll(T0 + 20, [agent("a1", 1)], [queue(7, caller("Q1", T0 - 5))]),  # rang out
            poll(T0 + 22, [agent("a1", 1)], [queue(7, caller("Q1", T0 - 5))]),
        ]
    )
    assert agent_row(eng, "a1")["missed"] == 1


def test_ring_all_answered_by_a_colleague_is_nobodys_miss():
    ring = call("Ringing", "iv1", started=T0)
    both_ring = [agent("a1", 1, ring), agent("a2", 1, ring)]
    eng = run(
        [
            poll(T0 + 2, both_ring, [queue(7, caller("Q1", T0 - 5))]),
            poll(
                T0 + 4,
                [
                    agent("a1", 1),
                    agent("a2", 1, call("Talking", "iv1", started=T0, answered=T0 + 3)),
                ],
                [queue(7)],
            ),
            poll(T0 + 6, [agent("a1", 1), agent("a2", 1)], [queue(7)]),
        ]
    )
    assert agent_row(eng, "a1")["missed"] == 0
    assert agent_row(eng, "a2")["answered"] == 1
    assert queue_row(eng)["answered"] == 1


def test_a_caller_hanging_up_while_it_rings_is_an_abandon_not_a_miss():
    ring = call("Ringing", "iv1", started=T0)
    eng = run(
        [
            poll(T0 + 2, [agent("a1", 1, ring)], [queue(7, caller("Q1", T0 - 30))]),
            poll(T0 + 4, [agent("a1", 1)], [queue(7)]),
            poll(T0 + 6, [agent("a1", 1)], [queue(7)]),
        ]
    )
    assert agent_row(eng, "a1")["missed"] == 0
    assert queue_row(eng)["abandoned"] == 1


def test_a_handled_call_ends_half_way_between_polls_and_keeps_its_hold_time():
    talk = call("Talking", "iv1", started=T0, answered=T0 + 2)
    hold = call("Hold", "iv1", started=T0, answered=T0 + 2)
    eng = run(
        [
            poll(T0 + 10, [agent("a1", 1, talk)], []),
            poll(T0 + 20, [agent("a1", 1, hold)], []),  # on hold from ~T0+15
            poll(T0 + 30, [agent("a1", 1, talk)], []),  # back at ~T0+25
            poll(T0 + 40, [agent("a1", 1)], []),  # ended at ~T0+35
        ],
        interval=10,
    )
    row = agent_row(eng, "a1")
    assert row["handled"] == 1
    assert row["aht_s"] == 32.5  # ended ~T0+35; answered in the second T0+2, at T0+2.5
    assert row["hold_s"] == 10.0
    assert row["answered"] == 1


def test_outgoing_calls_are_counted_and_handled_when_answered():
    dial = call("Dialing", "o1", started=T0, direction="Outgoing")
    talk = call("Talking", "o1", started=T0, answered=T0 + 5, direction="Outgoing")
    eng = run(
        [
            poll(T0 + 2, [agent("a1", 1, dial)], []),
            poll(T0 + 6, [agent("a1", 1, talk)], []),
            poll(T0 + 10, [agent("a1", 1)], []),
        ]
    )
    row = agent_row(eng, "a1")
    assert (row["outgoing"], row["handled"], row["answered"], row["missed"]) == (1, 1, 0, 0)


def test_time_in_status_changes_half_way_between_the_polls_around_it():
    eng = run(
        [
            poll(T0, [agent("a1", 1)], []),
            poll(T0 + 10, [agent("a1", 1)], []),
            poll(T0 + 20, [agent("a1", 3)], []),  # lunch from ~T0+15
            poll(T0 + 30, [agent("a1", 3)], []),
        ],
        interval=10,
    )
    assert agent_row(eng, "a1")["status_s"] == {"1": 15.0, "3": 15.0}


def test_a_gap_makes_fates_unknown_and_credits_no_time_over_it():
    eng = run(
        [
            poll(T0, [agent("a1", 1)], [queue(7, caller("Q1", T0 - 5))]),
            poll(T0 + 2, [agent("a1", 1)], [queue(7, caller("Q1", T0 - 5))]),
            # the process was down for a minute: the caller left meanwhile
            poll(T0 + 62, [agent("a1", 3)], [queue(7)]),
            poll(T0 + 64, [agent("a1", 3)], [queue(7)]),
        ]
    )
    row = queue_row(eng)
    assert (row["unknown"], row["answered"], row["abandoned"]) == (1, 0, 0)
    assert agent_row(eng, "a1")["status_s"] == {"1": 2.0, "3": 2.0}


def test_two_extensions_with_one_sip_id_keep_their_own_counters():
    eng = run(
        [
            poll(T0, [agent("dup", 1), agent("dup", 3)], []),
            poll(T0 + 10, [agent("dup", 1), agent("dup", 3)], []),
        ],
        interval=10,
    )
    assert agent_row(eng, "dup")["status_s"] == {"1": 10.0}
    assert agent_row(eng, "dup#2")["status_s"] == {"3": 10.0}


def test_an_outcome_counted_twice_counts_once():
    metrics = DayMetrics(__import__("datetime").date(2027, 1, 15))
    outcome = Outcome("caller:7\x1fC1", ANSWERED, T0, queue_id=7, seconds=12.0)
    assert metrics.add(outcome) is True
    assert metrics.add(outcome) is False
    assert metrics.queues[7].answered == 1
    metrics.add(Outcome("caller:7\x1fC2", ABANDONED, T0, queue_id=7, seconds=30.0))
    assert metrics.queues[7].abandoned == 1


def test_the_estimated_wait_waits_for_three_answers_then_follows_the_answer_rate():
    metrics = DayMetrics(__import__("datetime").date(2027, 1, 15))
    metrics.observed_since = T0
    q = metrics.queue(7, "Support")
    for n in range(2):
        metrics.add(Outcome(f"k{n}", ANSWERED, T0 + 100 * (n + 1), queue_id=7, seconds=10.0))
    assert q.estimated_wait(4, T0 + 900, T0) is None
    metrics.add(Outcome("k2", ANSWERED, T0 + 300, queue_id=7, seconds=10.0))
    # 3 answers in 900 s: one each 300 s; 4 ahead, all answered first, then half an
    # interval to the newcomer's own answer: (4 + 0.5) * 300
    assert q.estimated_wait(4, T0 + 900, T0) == pytest.approx(1350.0)
    metrics.add(Outcome("k3", ABANDONED, T0 + 400, queue_id=7, seconds=60.0))
    # a quarter of departures abandon: 3 of the 4 ahead are answered first
    assert q.estimated_wait(4, T0 + 900, T0) == pytest.approx((3 + 0.5) * 300)


def test_an_answer_older_than_the_last_is_ignored():
    eng = engine()
    assert eng.apply(poll(T0 + 10, [agent("a1", 1)], [])) is not None
    assert eng.apply(poll(T0 + 5, [agent("a1", 3)], [])) is None
