"""The board: what each tile says, how long each state has lasted, and the headline totals."""

from __future__ import annotations

import dataclasses
import itertools
import random
import time
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wallboard.api.models import Extension, Queue
from wallboard.core.agent_order import SortOrder, arrange, category_of
from wallboard.core.agent_state import STYLE_KEYS
from wallboard.core.backoff import AUTH_MAX_BACKOFF_S, MAX_BACKOFF_S, retry_delay
from wallboard.core.board import Board, WaitLevel, WaitThresholds
from wallboard.core.health import STALE_INTERVALS, Health
from wallboard.core.snapshot import Snapshot
from wallboard.core.text import plain

T0 = 1_800_000_000.0  # UTC; the server's clock reads UTC + OFFSET
OFFSET = 7200.0


def call(state: Any, *, started: float | None = None, answered: float = 0, **more: Any) -> dict:
    """A call whose times are given in UTC and sent as server epochs."""
    started = T0 - 100 if started is None else started
    return {
        "callstatus": state,
        "callStarted": int(started + OFFSET),
        "callAnswered": int(answered + OFFSET) if answered else 0,
        "ivrid": f"ivr-{state}-{started}",
        **more,
    }


def ext(
    username: str,
    status: Any = 1,
    calls: list[dict] | None = None,
    *,
    online_user_id: int = 100,
    name: str | None = None,
    representative: str | None = None,
) -> Extension:
    return Extension.model_validate(
        {
            "username": username,
            "name": name if name is not None else f"Ext {username}",
            "representative": representative if representative is not None else f"Rep {username}",
            "onlineUserID": online_user_id,
            "onlineUserStatus": status,
            "calls": calls or [],
        }
    )


def queue(queue_id: int, *joined_utc: float, name: str = "") -> Queue:
    return Queue.model_validate(
        {
            "ID": queue_id,
            "Name": name,
            "Callers": [
                {
                    "CallID": f"{queue_id}-{index}",
                    "Phone": f"05{index}",
                    "JoinTime": int(t + OFFSET),
                }
                for index, t in enumerate(joined_utc)
            ],
        }
    )


def snapshot(
    extensions: list[Extension],
    queues: list[Queue] | None = None,
    *,
    at: float = T0,
    offset: float = OFFSET,
) -> Snapshot:
    return Snapshot(
        extensions=tuple(extensions),
        queues=tuple(queues or ()),
        fetched_at=at,
        clock_offset_s=offset,
    )


def board_with(*extensions: Extension, at: float = T0) -> Board:
    board = Board()
    board.apply(snapshot(list(extensions), at=at), at)
    return board


def agent(board: Board, username: str):
    (view,) = [a for a in board.agents if a.username == username]
    return view


# --- what a tile says --------------------------------------------------------------------------


def test_call_state_wins_over_the_agents_status():
    board = board_with(
        ext("LUNCH_TALKING", 3, [call("Talking", answered=T0 - 30)]),
        ext("OUT_RINGING", 2, [call("Ringing")]),
        ext("LUNCH", 3),
    )
    talking = agent(board, "LUNCH_TALKING")
    assert (talking.style, talking.word, talking.label) == ("call-talking", "TALK", "Talking")
    ringing = agent(board, "OUT_RINGING")
    assert ringing.style == "call-ringing"
    assert not ringing.logged_out
    assert agent(board, "LUNCH").style == "status-lunch"


@pytest.mark.parametrize(
    ("status", "style", "word"),
    [
        (1, "status-available", "AVAIL"),
        (2, "status-logged-out", "OUT"),
        (3, "status-lunch", "LUNCH"),
        (5, "status-admin", "ADMIN"),
        (7, "status-break", "BREAK"),
        (9, "status-other", "OTHER"),
        (11, "status-training", "TRAIN"),
        (12, "status-meeting", "MEET"),
        (13, "status-briefing", "BRIEF"),
        (42, "status-unknown", "?42"),
        (None, "status-unknown", "?"),
    ],
)
def test_each_status_has_a_colour_and_a_word_that_reads_without_colour(status, style, word):
    view = agent(board_with(ext("A", status)), "A")
    assert view.style == style
    assert view.word.startswith(word)
    assert view.style in STYLE_KEYS


def test_unknown_status_is_shown_as_unknown_with_its_number():
    view = agent(board_with(ext("A", 42)), "A")
    assert view.label == "Unknown (42)"


def test_an_unknown_call_state_still_shows_the_agent_on_a_call():
    view = agent(board_with(ext("A", 1, [call("Parked")])), "A")
    assert view.style == "call-unknown"
    assert view.word == "PARKE"
    assert "Parked" in view.label
    assert view.call_count == 1


@pytest.mark.parametrize("order", [0, 1])
def test_several_calls_are_counted_and_talking_beats_hold(order):
    calls = [call("Hold", answered=T0 - 300), call("Talking", answered=T0 - 20)]
    if order:
        calls.reverse()
    view = agent(board_with(ext("A", 1, calls)), "A")
    assert view.call_count == 2
    assert view.style == "call-talking"
    assert view.since_utc == T0 - 20


def test_a_live_call_beats_a_ringing_one_and_ringing_beats_hold():
    view = agent(board_with(ext("A", 1, [call("Ringing"), call("Dialing")])), "A")
    assert view.style == "call-dialing"
    view = agent(board_with(ext("A", 1, [call("Hold", answered=T0 - 9), call("Ringing")])), "A")
    assert view.style == "call-ringing"


def test_hostile_agent_names_are_drawn_as_plain_text():
    view = agent(board_with(ext("A", 1, representative="\x1b[2J\x1b]0;x\x07[bold]Eve")), "A")
    assert "\x1b" not in view.name
    assert "\x07" not in view.name
    assert view.name.endswith("[bold]Eve")


# --- how long each state has lasted ------------------------------------------------------------


def test_first_sighting_is_only_a_lower_bound_and_a_seen_change_is_exact():
    board = Board()
    board.apply(snapshot([ext("A", 1)], at=T0), T0)
    first = agent(board, "A")
    assert (first.since_utc, first.since_exact) == (T0, False)

    board.apply(snapshot([ext("A", 1)], at=T0 + 5), T0 + 5)
    unchanged = agent(board, "A")
    assert (unchanged.since_utc, unchanged.since_exact) == (T0, False)

    board.apply(snapshot([ext("A", 3)], at=T0 + 10), T0 + 10)
    changed = agent(board, "A")
    assert (changed.since_utc, changed.since_exact) == (T0 + 10, True)

    board.apply(snapshot([ext("A", 3)], at=T0 + 15), T0 + 15)
    assert (agent(board, "A").since_utc, agent(board, "A").since_exact) == (T0 + 10, True)


def test_another_user_logging_in_to_the_extension_restarts_the_timer():
    board = Board()
    board.apply(snapshot([ext("A", 1, online_user_id=100)]), T0)
    board.apply(snapshot([ext("A", 1, online_user_id=200)], at=T0 + 5), T0 + 5)
    view = agent(board, "A")
    assert (view.since_utc, view.since_exact) == (T0 + 5, True)


def test_talk_time_counts_from_the_answer_and_ring_time_from_the_start():
    board = board_with(
        ext("TALK", 1, [call("Talking", started=T0 - 95, answered=T0 - 80)]),
        ext("HOLD", 1, [call("Hold", started=T0 - 400, answered=T0 - 390)]),
        ext("RING", 1, [call("Ringing", started=T0 - 12)]),
        ext("DIAL", 1, [call("Dialing", started=T0 - 7)]),
        ext("TALK_NO_ANSWER_TIME", 1, [call("Talking", started=T0 - 33)]),
    )
    assert agent(board, "TALK").since_utc == T0 - 80
    assert agent(board, "RING").since_utc == T0 - 12
    assert agent(board, "DIAL").since_utc == T0 - 7
    assert agent(board, "TALK_NO_ANSWER_TIME").since_utc == T0 - 33
    assert all(view.since_exact for view in board.agents if view.username != "HOLD")
    # The API dates no hold: first seen on hold, it counts from then, as a lower bound.
    assert (agent(board, "HOLD").since_utc, agent(board, "HOLD").since_exact) == (T0, False)


def test_the_hold_timer_counts_from_the_poll_that_first_showed_the_hold():
    board = Board()
    talking = [call("Talking", started=T0 - 400, answered=T0 - 390)]
    board.apply(snapshot([ext("A", 1, talking)]), T0)
    assert agent(board, "A").since_utc == T0 - 390
    held = [call("Hold", started=T0 - 400, answered=T0 - 390)]
    board.apply(snapshot([ext("A", 1, held)], at=T0 + 5), T0 + 5)
    view = agent(board, "A")
    assert (view.since_utc, view.since_exact) == (T0 + 5, True)  # not the answer's T0 - 390
    board.apply(snapshot([ext("A", 1, held)], at=T0 + 10), T0 + 10)
    assert agent(board, "A").since_utc == T0 + 5  # still on the same hold
    board.apply(snapshot([ext("A", 1, talking)], at=T0 + 15), T0 + 15)
    assert agent(board, "A").since_utc == T0 - 390  # back to talking: the talk time again


def test_call_timers_are_corrected_by_the_server_clock_offset():
    # Server epochs in Israel time; a board that ignored the offset would be 2 h off.
    board = Board()
    board.apply(snapshot([ext("A", 1, [call("Talking", answered=T0 - 61)])]), T0)
    assert T0 - agent(board, "A").since_utc == 61
    shifted = Board()
    shifted.apply(
        snapshot([ext("A", 1, [call("Talking", answered=T0 - 61)])], offset=OFFSET - 20), T0
    )
    assert T0 - agent(shifted, "A").since_utc == 41


def test_a_call_ending_starts_an_exact_time_in_status():
    board = Board()
    board.apply(snapshot([ext("A", 1, [call("Talking", answered=T0 - 50)])]), T0)
    board.apply(snapshot([ext("A", 1)], at=T0 + 5), T0 + 5)
    view = agent(board, "A")
    assert (view.style, view.since_utc, view.since_exact) == ("status-available", T0 + 5, True)


def test_an_unchanged_agent_keeps_its_view_between_polls():
    same = ext("A", 1)
    board = Board()
    board.apply(snapshot([same]), T0)
    before = agent(board, "A")
    board.apply(snapshot([same], at=T0 + 5), T0 + 5)
    assert agent(board, "A") is before
    board.apply(snapshot([same], at=T0 + 10, offset=OFFSET + 3), T0 + 10)
    assert agent(board, "A").since_utc == before.since_utc


def test_reading_only_the_changed_positions_builds_what_reading_all_would(monkeypatch):
    """Board.apply compares each snapshot's extensions position by position with the last
    one's when few changed; whatever the polls do, the result is that of the full pass."""
    import wallboard.core.board as board_module

    rng = random.Random(7)
    pool = {f"S{n}": ext(f"S{n}", 1) for n in range(40)}
    looks = [1, 3, 7, 2, 99, [call("Talking")], [call("Ringing"), call("Hold")]]
    order = list(pool)
    compared = 0
    counting = 1
    real_is_not = board_module.is_not

    def counting_is_not(a: object, b: object) -> bool:
        nonlocal compared
        compared += counting
        return real_is_not(a, b)

    monkeypatch.setattr(board_module, "is_not", counting_is_not)
    fast, full = Board(), Board()
    for poll in range(300):
        now = T0 + 2 * poll
        event = rng.random()
        if event < 0.05:
            rng.shuffle(order)  # agents reordered: positions mean nothing
        elif event < 0.10:
            order.append(order.pop(rng.randrange(len(order))))  # one moved to the end
        elif event < 0.15 and len(order) > 20:
            order.remove(rng.choice(order))  # one left
        elif event < 0.20:
            name = f"S{rng.randrange(40, 60)}"
            if name not in order:
                pool[name] = ext(name, 1)
                order.insert(rng.randrange(len(order) + 1), name)  # one came
        for _ in range(rng.choice([0, 1, 2, 3, 20])):
            name = rng.choice(order)
            look = rng.choice(looks)
            calls = look if isinstance(look, list) else None
            pool[name] = ext(name, 1 if calls else look, calls)  # a new model: changed
        offset = OFFSET + (3 if poll % 50 == 49 else 0)
        extensions = [] if poll % 97 == 96 else [pool[name] for name in order]
        shot = snapshot(extensions, at=now, offset=offset)
        counting = 1
        fast.apply(shot, now)
        counting = 0
        monkeypatch.setattr(board_module, "POSITIONAL_MAX_CHANGED", -1.0)  # never
        full.apply(shot, now)
        monkeypatch.setattr(board_module, "POSITIONAL_MAX_CHANGED", 0.25)
        assert fast.agents == full.agents, poll
        assert fast._tracked == full._tracked, poll
        assert fast.totals == full.totals
        assert fast.suspicious == full.suspicious
    # The positional path really ran, on most polls (identity checks of every position).
    assert compared > 150 * 40


# --- totals ------------------------------------------------------------------------------------


def test_totals_count_every_state_of_the_centre():
    extensions = [
        ext("AV1", 1),
        ext("AV2", 1),
        ext("RING", 1, [call("Ringing")]),
        ext("DIAL", 1, [call("Dialing")]),
        ext("TALK", 3, [call("Talking", answered=T0 - 5)]),
        ext("HOLD", 1, [call("Hold", answered=T0 - 5)]),
        ext("L1", 3),
        ext("L2", 3),
        ext("TRAIN", 11),
        ext("WEIRD", 42),
        ext("OUT1", 2),
        ext("OUT2", 2),
        ext("OUT_BUT_RINGING", 2, [call("ringing")]),
    ]
    queues = [queue(1, T0 - 30, T0 - 200, name="Sales"), queue(2), queue(3, T0 - 90)]
    board = Board()
    board.apply(snapshot(extensions, queues), T0)
    totals = board.totals

    assert totals.agents == 13
    assert totals.logged_out == 2
    assert totals.logged_in == 11
    assert totals.available == 2
    assert totals.ringing == 2
    assert totals.dialing == 1
    assert totals.talking == 1
    assert totals.hold == 1
    assert dict(totals.away) == {"Lunch break": 2, "Training": 1, "Unknown (42)": 1}
    assert totals.away[0] == ("Lunch break", 2)
    assert totals.away_total == 4
    assert totals.waiting == 3
    assert totals.oldest_join_utc == T0 - 200


def test_an_empty_centre_has_zero_totals_and_no_oldest_wait():
    board = Board()
    board.apply(snapshot([], [queue(1)]), T0)
    assert board.totals.agents == 0
    assert board.totals.waiting == 0
    assert board.totals.oldest_join_utc is None
    assert board.suspicious is None


def test_queue_callers_are_listed_longest_waiting_first_with_utc_join_times():
    board = Board()
    board.apply(snapshot([], [queue(7, T0 - 10, T0 - 300, T0 - 60)]), T0)
    (view,) = board.queues
    assert view.name == "Queue 7"
    assert [c.joined_utc for c in view.callers] == [T0 - 300, T0 - 60, T0 - 10]
    assert view.oldest_join_utc == T0 - 300


def test_a_waiting_caller_keeps_one_view_across_polls_while_nothing_it_shows_changes():
    def queues(duration: int, *, name: str = "Sales", queue_id: int = 7) -> list[Queue]:
        raw = {"CallID": "c1", "Phone": "0501", "JoinTime": int(T0 - 60 + OFFSET)}
        return [
            Queue.model_validate(
                {"ID": queue_id, "Name": name, "Callers": [{**raw, "Duration": duration}]}
            )
        ]

    board = Board()
    board.apply(snapshot([], queues(60)), T0)
    (first,) = board.queues[0].callers
    board.apply(snapshot([], queues(62), at=T0 + 2), T0 + 2)  # only Duration moved
    assert board.queues[0].callers[0] is first
    assert first.join_time == int(T0 - 60 + OFFSET)  # the server's own, for the details

    board.apply(snapshot([], queues(64), at=T0 + 4, offset=OFFSET + 5), T0 + 4)
    moved = board.queues[0].callers[0]
    assert moved is not first and moved.joined_utc == first.joined_utc - 5  # new offset

    transferred_to = queues(66, name="Support", queue_id=8)
    board.apply(snapshot([], transferred_to, at=T0 + 6, offset=OFFSET + 5), T0 + 6)
    transferred = board.queues[0].callers[0]
    assert (transferred.queue_id, transferred.queue_name) == (8, "Support")
    board.apply(snapshot([], [], at=T0 + 8), T0 + 8)
    assert board._callers == {}  # only the latest snapshot's callers are remembered


@pytest.mark.parametrize(
    ("wait", "level"),
    [
        (0, WaitLevel.OK),
        (59.9, WaitLevel.OK),
        (60, WaitLevel.WARN),
        (179, WaitLevel.WARN),
        (180, WaitLevel.ALERT),
        (10_000, WaitLevel.ALERT),
    ],
)
def test_waits_turn_to_warning_then_alert_at_the_thresholds(wait, level):
    board = Board()
    assert board.wait_level(T0 - wait, T0) is level


def test_wait_thresholds_are_configurable_and_nobody_waiting_is_ok():
    board = Board(WaitThresholds(warn_s=10, alert_s=20))
    assert board.wait_level(T0 - 15, T0) is WaitLevel.WARN
    assert board.wait_level(T0 - 25, T0) is WaitLevel.ALERT
    assert board.wait_level(None, T0) is WaitLevel.OK


# --- outages and long runs ---------------------------------------------------------------------


def test_an_empty_answer_after_a_full_one_keeps_the_agents_and_says_so():
    board = Board()
    board.apply(snapshot([ext("A", 1), ext("B", 3)], [queue(1, T0 - 5)]), T0)
    board.apply(snapshot([], [queue(1, T0 - 5, T0 - 1)], at=T0 + 5), T0 + 5)

    assert [a.username for a in board.agents] == ["A", "B"]
    assert board.suspicious is not None
    assert "no extensions" in board.suspicious
    assert board.totals.agents == 2
    assert board.totals.waiting == 2  # queues still update

    board.apply(snapshot([ext("A", 1)], at=T0 + 10), T0 + 10)
    assert board.suspicious is None
    assert [a.username for a in board.agents] == ["A"]
    assert agent(board, "A").since_utc == T0  # the time in status survived the gap


def test_a_day_of_polls_keeps_memory_bounded_to_the_current_agents():
    pool = [ext(f"S{index}", status) for index in range(60) for status in (1, 3)]
    board = Board()
    polls = 17_280  # a day at one poll every 5 s
    started = time.perf_counter()
    for poll in range(polls):
        now = T0 + 5 * poll
        window = (poll // 10) % 50
        current = [pool[2 * (window + i) + (poll // 40 + i) % 2] for i in range(10)]
        board.apply(snapshot(current, at=now), now)
        assert len(board._tracked) == 10
    assert time.perf_counter() - started < 10
    assert board.generation == polls
    assert set(board._tracked) == {a.username for a in board.agents}


def test_time_comes_only_from_the_caller():
    board = Board()
    board.apply(snapshot([ext("A", 1)], at=5.0), 5.0)
    assert agent(board, "A").since_utc == 5.0


# --- sorting and filtering the grid ------------------------------------------------------------


def _grid_board() -> Board:
    board = Board()
    board.apply(
        snapshot(
            [
                ext("300", 1, name="Zed", representative="zoe"),
                ext("100", 2, name="Alpha", representative="Anna"),
                ext(
                    "200",
                    1,
                    [call("Talking", answered=T0 - 500)],
                    name="beta",
                    representative="Bob",
                ),
                ext("400", 3, name="Gamma", representative="Gil"),
                ext(
                    "500", 1, [call("Ringing", started=T0 - 3)], name="Delta", representative="dan"
                ),
            ]
        ),
        T0,
    )
    board.apply(snapshot(list(board.snapshot.extensions), at=T0 + 5), T0 + 5)
    return board


def names(agents) -> list[str]:
    return [a.extension.representative for a in agents]


def test_sort_by_state_puts_calls_first_and_logged_out_last():
    # Calls (ringing or talking alike) by name, then available, away, logged out.
    assert names(arrange(_grid_board().agents, sort=SortOrder.STATE)) == [
        "Bob",
        "dan",
        "zoe",
        "Gil",
        "Anna",
    ]


# The key joins its parts with NUL; names are cleaned of control characters, and a NUL
# in a SIP id could at worst swap two agents of the same name.
NO_NUL = st.characters(blacklist_characters="\x00")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(STYLE_KEYS),
            st.integers(0, 9),
            st.text(NO_NUL, max_size=6),  # names, prefixes of each other included
            st.text(NO_NUL, min_size=1, max_size=4),
        ),
        max_size=30,
    )
)
def test_the_state_sort_key_orders_as_category_name_then_sip_id(rows):
    """The one-string sort key is only a faster spelling of the tuple order."""
    template = _grid_board().agents[0]
    views = [
        dataclasses.replace(template, style=style, rank=rank, sort_name=name, username=sip)
        for style, rank, name, sip in rows
    ]
    ordered = arrange(views, sort=SortOrder.STATE)
    assert [(category_of(v.style), v.sort_name, v.username) for v in ordered] == sorted(
        (category_of(v.style), v.sort_name, v.username) for v in views
    )


def test_sort_by_name_ignores_case():
    assert names(arrange(_grid_board().agents, sort=SortOrder.NAME)) == [
        "Anna",
        "Bob",
        "dan",
        "Gil",
        "zoe",
    ]


def test_sort_by_time_in_state_puts_the_longest_first():
    ordered = arrange(_grid_board().agents, sort=SortOrder.TIME)
    # Bob has talked 500 s, dan has rung 3 s; the rest were first seen at T0.
    assert names(ordered)[:2] == ["Bob", "dan"]
    assert [a.since_utc for a in ordered] == sorted(a.since_utc for a in ordered)


def test_logged_out_agents_can_be_hidden():
    assert "Anna" not in names(arrange(_grid_board().agents, hide_logged_out=True))
    assert len(arrange(_grid_board().agents, hide_logged_out=True)) == 4


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("ZOE", ["zoe"]),  # representative, any case
        ("gamma", ["Gil"]),  # extension name
        ("500", ["dan"]),  # SIP username
        ("  bo ", ["Bob"]),
        ("", ["Bob", "dan", "zoe", "Gil", "Anna"]),
        ("nobody", []),
    ],
)
def test_the_filter_matches_name_representative_or_username_in_any_case(needle, expected):
    assert names(arrange(_grid_board().agents, filter_text=needle)) == expected


def test_sort_orders_cycle():
    assert SortOrder.STATE.next() is SortOrder.NAME
    assert SortOrder.NAME.next() is SortOrder.TIME
    assert SortOrder.TIME.next() is SortOrder.STATE


# --- health --------------------------------------------------------------------------------------


def test_data_goes_stale_after_three_missed_intervals():
    health = Health(source="api", interval_s=5, started_utc=T0).succeeded(T0, 0.1)
    assert STALE_INTERVALS == 3
    assert not health.is_stale(T0 + 15)
    assert health.is_stale(T0 + 15.1)


def test_before_any_data_the_board_goes_stale_from_its_start():
    health = Health(source="api", interval_s=5, started_utc=T0)
    assert not health.is_stale(T0 + 10)
    assert health.is_stale(T0 + 16)
    assert health.age(T0 + 16) is None
    assert health.stale_reason(T0 + 16) == "no data yet"


def test_the_stale_reason_says_how_old_and_why():
    health = Health(source="api", interval_s=5, started_utc=T0).succeeded(T0, 0.2, skipped=1)
    failed = health.failed("network", "GetQueuesCallers: timed out", T0 + 30)
    assert failed.failures == 1
    assert failed.error_kind == "network"
    assert failed.next_retry_utc == T0 + 30
    assert failed.stale_reason(T0 + 21.7) == "no update for 21s: GetQueuesCallers: timed out"
    assert failed.age(T0 + 21.7) == pytest.approx(21.7)
    assert failed.failed("network", "again", T0 + 90).failures == 2


def test_a_good_poll_clears_the_error_and_the_failure_count():
    fresh = Health(source="api", interval_s=5, started_utc=T0)
    failing = fresh.failed("auth", "refused", T0 + 30)
    recovered = failing.succeeded(T0 + 31, 0.05, skipped=2)
    assert (recovered.error, recovered.error_kind, recovered.failures) == (None, None, 0)
    assert recovered.next_retry_utc is None
    assert recovered.skipped == 2
    assert recovered.stale_reason(T0 + 40) == "no update for 9s"


# --- backoff ---------------------------------------------------------------------------------


class Extreme(random.Random):
    """A random source that always picks the top (or bottom) of the range."""

    def __init__(self, top: bool) -> None:
        super().__init__(0)
        self.top = top

    def uniform(self, a: float, b: float) -> float:
        return b if self.top else a


def test_backoff_grows_from_the_interval_and_is_capped_at_a_minute():
    nominal = [retry_delay(n, 5, Extreme(top=True)) for n in range(1, 12)]
    assert nominal[:5] == [5, 10, 20, 40, 60]
    assert all(later >= earlier for earlier, later in itertools.pairwise(nominal))
    assert max(nominal) == MAX_BACKOFF_S
    assert retry_delay(10_000, 5, Extreme(top=True)) == MAX_BACKOFF_S


def test_jitter_never_retries_faster_than_half_the_nominal_delay():
    rng = random.Random(1234)
    for failures in range(1, 20):
        nominal = retry_delay(failures, 5, Extreme(top=True))
        for _ in range(50):
            delay = retry_delay(failures, 5, rng)
            assert nominal / 2 <= delay <= nominal
    assert retry_delay(3, 5, Extreme(top=False)) == 10.0


def test_jitter_spreads_boards_that_failed_together():
    delays = {retry_delay(4, 5, random.Random(seed)) for seed in range(20)}
    assert len(delays) > 10


def test_a_refused_code_backs_off_harder_up_to_five_minutes():
    nominal = [retry_delay(n, 5, Extreme(top=True), auth=True) for n in range(1, 10)]
    assert nominal[0] >= 30
    assert all(later >= earlier for earlier, later in itertools.pairwise(nominal))
    assert max(nominal) == AUTH_MAX_BACKOFF_S == 300
    assert all(
        auth >= plain_delay
        for auth, plain_delay in zip(
            nominal, [retry_delay(n, 5, Extreme(top=True)) for n in range(1, 10)], strict=True
        )
    )


def test_a_tiny_interval_still_waits_at_least_a_second_after_a_failure():
    assert retry_delay(1, 0.2, Extreme(top=True)) == 1.0
    assert retry_delay(0, 5, Extreme(top=True)) == 5.0


# --- plain text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b[31mred\x1b[0m",  # CSI colour
        "\x1b]0;new title\x07",  # OSC set title
        "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
        "\x9b2J",  # C1 CSI
        "\x9d0;x\x9c",  # C1 OSC .. ST
        "a\nb\rc\td\x00e\x7f",
        "\x1bc",  # full reset
    ],
)
def test_escape_and_control_sequences_cannot_reach_the_terminal(hostile):
    clean = plain(hostile)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in clean)


@pytest.mark.parametrize(
    "invisible",
    [
        "\u202e",
        "\u202a",
        "\u202d",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u061c",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
    ],
)
def test_bidi_controls_and_zero_width_characters_are_removed(invisible):
    assert plain(f"abc{invisible}def") == "abcdef"


def test_hebrew_and_wide_characters_are_kept():
    for text in ("שלום עולם", "דני 050-1234567", "電話番号", "😀 emoji", "Ünïcödé", "[bold red]x"):
        assert plain(text) == text


def test_long_text_is_cut_with_an_ellipsis():
    assert plain("x" * 500) == "x" * 200 + "…"
    assert plain("x" * 50, limit=10) == "x" * 10 + "…"
    assert plain("x" * 10, limit=10) == "x" * 10
    assert plain(12345) == "12345"


def test_private_and_unassigned_code_points_are_replaced():
    assert plain("a\ue000b") == "a\ufffdb"
    assert plain("a\U0010ffffb") == "a\ufffdb"


@pytest.mark.parametrize(
    "sneaky", ["\u2028", "\u2029", "\u00ad", "\U000e0041\U000e0042", "\u180e", "\ufff9"]
)
def test_line_separators_and_invisible_format_characters_are_removed(sneaky):
    clean = plain(f"abc{sneaky}def")
    assert clean in ("abcdef", "abc def", "abc\ufffddef")
    assert not any(unicodedata.category(ch) in ("Cf", "Zl", "Zp") for ch in clean)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=1, max_value=250))
def test_whatever_the_text_plain_gives_one_line_of_visible_characters(text, limit):
    clean = plain(text, limit)
    assert len(clean) <= limit + 1
    for ch in clean:
        assert ch == "\ufffd" or unicodedata.category(ch) not in (
            "Cc",
            "Cf",
            "Cs",
            "Co",
            "Cn",
            "Zl",
            "Zp",
        )


# --- answers that are not what they seem ---------------------------------------------------


def test_two_extensions_with_one_username_keep_their_own_time_in_state():
    board = Board()
    board.apply(snapshot([ext("DUP", 1), ext("DUP", 3), ext("X")]), T0)
    later = T0 + 30
    # Fresh models each poll (as a changed answer gives): both go through the full path.
    board.apply(snapshot([ext("DUP", 1), ext("DUP", 3), ext("X")], at=later), later)
    first, second, _ = board.agents
    assert (first.key, second.key) == ("DUP", "DUP#2")
    assert first.since_utc == T0 and second.since_utc == T0  # neither restarted
    assert (first.word, second.word) == ("AVAIL", "LUNCH")
    # One changes, the other keeps its time: the positional path too.
    extensions = [ext("DUP", 1), ext("DUP", 7), *board.snapshot.extensions[2:]]
    board.apply(snapshot(extensions, at=later + 10), later + 10)
    assert board.agents[0].since_utc == T0
    assert board.agents[1].since_utc == later + 10


def test_agent_keys_are_unique_even_when_a_username_looks_like_a_repeat():
    from wallboard.core.board import agent_keys

    keys = agent_keys(tuple(ext(name) for name in ["A", "A", "A#2", "B", "A"]))
    assert len(set(keys)) == 5
    assert keys[:2] == ["A", "A#2"]


def _board_from_queue_answer(callers: list[dict]) -> Board:
    from wallboard.api.parse import parse_queues
    from wallboard.core.server_clock import ServerClockEstimator
    from wallboard.core.snapshot import build_snapshot

    queues, skipped = parse_queues({"ERR": 0, "QUEUES": [{"ID": 1, "Callers": callers}]})
    shot = build_snapshot(
        [ext("A")],
        queues,
        skipped,
        fetched_at=T0,
        latency_s=0.0,
        estimator=ServerClockEstimator(OFFSET),
    )
    board = Board()
    board.apply(shot, T0)
    return board


def test_impossible_join_times_are_skipped_and_the_board_says_the_data_is_suspect():
    joined = int(T0 + OFFSET - 30)
    board = _board_from_queue_answer(
        [
            {"CallID": "zero", "JoinTime": 0},
            {"CallID": "negative", "JoinTime": -5},
            {"CallID": "ok", "JoinTime": joined},
        ]
    )
    assert board.totals.waiting == 1
    assert board.totals.oldest_join_utc == joined - OFFSET  # not 1970: no 20792d wait
    assert board.suspicious is not None and "data suspect" in board.suspicious
    assert "2 item(s) with impossible times" in board.suspicious


def test_millisecond_join_times_keep_every_waiting_caller():
    joined_ms = int(T0 + OFFSET - 42) * 1000
    board = _board_from_queue_answer([{"CallID": f"c{n}", "JoinTime": joined_ms} for n in range(3)])
    assert board.totals.waiting == 3
    assert board.wait_level(board.totals.oldest_join_utc, T0) is WaitLevel.OK
    assert T0 - board.totals.oldest_join_utc == 42
    assert board.suspicious is None


def test_two_answers_that_disagree_wildly_are_flagged_poll_after_poll():
    """16 agents logged in, then 9 all logged out, then the 16 again: two servers."""
    sixteen = [ext(f"S{n}", 1) for n in range(16)]
    nine_out = [ext(f"S{n}", 2, online_user_id=0) for n in range(9)]
    board = Board()
    board.apply(snapshot(sixteen), T0)
    assert board.inconsistent is None
    for poll, answer in enumerate([nine_out, sixteen, nine_out], start=1):
        board.apply(snapshot(answer, at=T0 + 5 * poll), T0 + 5 * poll)
        assert board.inconsistent is not None, poll
        assert "inconsistent" in board.inconsistent
    assert "16 agents (16 logged in), then 9 (0 logged in), 9 in both" in board.inconsistent
    board.apply(snapshot(nine_out, at=T0 + 20), T0 + 20)
    assert board.inconsistent is None  # the same answer twice: consistent again


def test_ordinary_changes_are_not_flagged_as_inconsistent():
    board = Board()
    centre = [ext(f"S{n}", 1) for n in range(20)]
    board.apply(snapshot(centre), T0)
    # Three log out, two come, one goes to lunch: a busy minute, not two servers.
    changed = [ext(f"S{n}", 2 if n < 3 else 1) for n in range(19)] + [ext("N1"), ext("N2")]
    board.apply(snapshot(changed, at=T0 + 5), T0 + 5)
    assert board.inconsistent is None and board.suspicious is None
