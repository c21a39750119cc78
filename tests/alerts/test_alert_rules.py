"""Which conditions hold: each rule on a hand-made board, the day's figures and the feed."""

from __future__ import annotations

import json

import pytest
from metrics.snapshots import T0, agent, call, caller, poll, queue

from wallboard.core.alerts import (
    AlertRules,
    FeedFacts,
    Level,
    QueueAlertRules,
    find_conditions,
)
from wallboard.core.board import Board

LIVE = FeedFacts(stale_for_s=None, refused=False)


def board_at(now: float, agents: list, queues: list) -> Board:
    board = Board()
    board.apply(poll(now, agents, queues), now)
    return board


def keys(conditions) -> set[str]:
    return {c.key for c in conditions}


def day(queue_id: int, **figures) -> dict:
    row = {"id": queue_id, "answered": 0, "abandoned": 0, "service_level_pct": None}
    row.update(figures)
    return {"queues": [row]}


def test_a_long_wait_raises_an_alert_for_its_queue():
    board = board_at(T0, [agent("a1", 3)], [queue(7, caller("C1", T0 - 200))])
    found = find_conditions(board, None, LIVE, AlertRules(), T0 + 0.5)
    wait = next(c for c in found if c.key == "queue:7:wait")
    assert wait.level is Level.ALERT
    assert wait.text == "Support: a caller has waited 3:20"
    short = board_at(T0, [agent("a1", 3)], [queue(7, caller("C1", T0 - 100))])
    assert "queue:7:wait" not in keys(find_conditions(short, None, LIVE, AlertRules(), T0))


def test_per_queue_thresholds_by_id_name_or_star():
    board = board_at(T0, [agent("a1", 1)], [queue(7, caller("C1", T0 - 100))])
    rules = AlertRules(queues={"7": QueueAlertRules(wait_alert_s=60)})
    assert "queue:7:wait" in keys(find_conditions(board, None, LIVE, rules, T0))
    rules = AlertRules(queues={"Support": QueueAlertRules(wait_alert_s=None)})
    late = board_at(T0, [agent("a1", 1)], [queue(7, caller("C1", T0 - 900))])
    assert "queue:7:wait" not in keys(find_conditions(late, None, LIVE, rules, T0))


def test_too_many_callers_waiting_is_off_by_default_and_on_when_set():
    callers = [caller(f"C{n}", T0 - 10, f"050000000{n}") for n in range(5)]
    board = board_at(T0, [agent("a1", 1)], [queue(7, *callers)])
    assert "queue:7:waiting" not in keys(find_conditions(board, None, LIVE, AlertRules(), T0))
    rules = AlertRules(queue_default=QueueAlertRules(waiting_alert=4))
    found = find_conditions(board, None, LIVE, rules, T0)
    assert "Support: 5 callers waiting (more than 4)" in {c.text for c in found}


def test_service_level_below_target_waits_for_min_calls():
    board = board_at(T0, [agent("a1", 1)], [queue(7)])
    few = day(7, answered=5, abandoned=3, service_level_pct=50.0)
    assert "queue:7:service-level" not in keys(find_conditions(board, few, LIVE, AlertRules(), T0))
    many = day(7, answered=9, abandoned=3, service_level_pct=78.0)
    found = find_conditions(board, many, LIVE, AlertRules(), T0)
    assert "Support: service level 78 % < 80 %" in {c.text for c in found}
    fine = day(7, answered=9, abandoned=3, service_level_pct=85.0)
    assert "queue:7:service-level" not in keys(find_conditions(board, fine, LIVE, AlertRules(), T0))


def test_abandon_rate_over_its_limit():
    board = board_at(T0, [agent("a1", 1)], [queue(7)])
    figures = day(7, answered=8, abandoned=4, service_level_pct=90.0, abandon_pct=33.3)
    rules = AlertRules(queue_default=QueueAlertRules(abandon_alert_pct=20))
    found = find_conditions(board, figures, LIVE, rules, T0)
    assert "Support: 33 % abandoned > 20 %" in {c.text for c in found}


def test_an_agent_too_long_in_a_status_by_its_code():
    first = Board()
    first.apply(poll(T0, [agent("a1", 1, name="Dana Levi")], []), T0)
    first.apply(poll(T0 + 5, [agent("a1", 3, name="Dana Levi")], []), T0 + 5)
    rules = AlertRules(status_after_s={3: 2700})
    assert "agent:a1:status" not in keys(find_conditions(first, None, LIVE, rules, T0 + 2700))
    found = find_conditions(first, None, LIVE, rules, T0 + 2705)
    assert "Dana Levi: Lunch break for 45:00" in {c.text for c in found}


def test_a_long_call_a_run_of_missed_calls_and_an_unrecorded_call():
    talk = call("Talking", "iv1", started=T0 - 4000, answered=T0 - 3700)
    talk["recording"] = {"IsMuted": 1}
    board = board_at(T0, [agent("a1", 1, talk, name="Omer")], [])
    rules = AlertRules(recording_required=True, missed_alert=3)
    found = find_conditions(board, None, LIVE, rules, T0, {"a1": 3})
    texts = {c.text for c in found}
    assert "Omer: on one call for 1:01:40" in texts
    assert "Omer: 3 calls rang out in a row" in texts
    assert "Omer: talking to 0501234567 and not recorded" in texts
    quiet = find_conditions(board, None, LIVE, AlertRules(), T0, {"a1": 2})
    assert keys(quiet) == {"agent:a1:long-call"}


def test_nobody_available_while_callers_wait():
    busy = call("Talking", "iv1", started=T0 - 60, answered=T0 - 50)
    board = board_at(T0, [agent("a1", 1, busy), agent("a2", 3)], [queue(7, caller("C", T0 - 72))])
    found = find_conditions(board, None, LIVE, AlertRules(), T0)
    assert "Support: 1 caller, longest 1:12 - nobody available" in {c.text for c in found}
    free = board_at(T0, [agent("a1", 1), agent("a2", 3)], [queue(7, caller("C", T0 - 72))])
    assert "centre:nobody-available" not in keys(
        find_conditions(free, None, LIVE, AlertRules(), T0)
    )


def test_stale_data_and_a_refused_code_are_alerts_too():
    board = Board()
    stale = FeedFacts(stale_for_s=75, refused=True)
    found = find_conditions(board, None, stale, AlertRules(stale_alert_s=60), T0)
    assert keys(found) == {"centre:stale", "centre:code-refused"}
    assert "No fresh data for 1:15: the board is stale" in {c.text for c in found}
    short = FeedFacts(stale_for_s=30, refused=False)
    assert find_conditions(board, None, short, AlertRules(stale_alert_s=60), T0) == []


@pytest.mark.parametrize(
    "hostile",
    ["\x1b]9;pwned\x07", "[bold red]x[/]", "\x1b[2J\x1b[H", "a\u202eb", "x\ud800y", "<script>"],
)
def test_hostile_names_stay_inert_in_every_sentence(hostile):
    talk = call("Talking", "iv1", started=T0 - 4000, answered=T0 - 3700, phone=hostile)
    talk["recording"] = {"IsMuted": 1}
    board = board_at(
        T0,
        [agent("a1", 1, talk, name=hostile)],
        [queue(7, caller("C1", T0 - 500), name=hostile)],
    )
    rules = AlertRules(recording_required=True)
    found = find_conditions(board, None, LIVE, rules, T0, {"a1": 5})
    assert len(found) >= 4
    for condition in found:
        for text in (condition.text, condition.subject):
            assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
            assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
        json.dumps(condition.text, ensure_ascii=False).encode("utf-8")  # strict UTF-8
