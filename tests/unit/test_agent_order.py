"""The sort by state groups by category and keeps name order inside: tiles stop jumping."""

from __future__ import annotations

import itertools

import pytest
from test_board import T0, call, snapshot
from test_board import ext as sip_ext

from wallboard.core.agent_order import AgentCategory, SortOrder, arrange, category_of
from wallboard.core.agent_state import STYLE_KEYS
from wallboard.core.board import Board


def ext(username: str, status: int, calls: list | None = None, *, name: str):
    """An extension whose agent is shown (and sorted) as `name`."""
    return sip_ext(username, status, calls, name=name, representative=name)


def order_after(*polls: list) -> list[list[str]]:
    """The state order's SIP ids after each poll of the same agents."""
    board = Board()
    orders = []
    for number, extensions in enumerate(polls):
        at = T0 + 5 * number
        board.apply(snapshot(extensions, at=at), at)
        orders.append([agent.username for agent in arrange(board.agents, sort=SortOrder.STATE)])
    return orders


def test_categories_of_every_state():
    assert {key for key in STYLE_KEYS if category_of(key) is AgentCategory.ON_A_CALL} == {
        "call-ringing",
        "call-dialing",
        "call-talking",
        "call-hold",
        "call-unknown",
    }
    assert category_of("status-available") is AgentCategory.AVAILABLE
    assert category_of("status-logged-out") is AgentCategory.LOGGED_OUT
    for key in ("status-lunch", "status-break", "status-unknown", "status-code-14"):
        assert category_of(key) is AgentCategory.AWAY


def test_groups_come_in_order_and_names_inside_them():
    agents = [
        ext("1", 2, name="Aaron"),  # logged out
        ext("2", 3, name="Bea"),  # lunch
        ext("3", 1, name="Cid"),  # available
        ext("4", 1, [call("Hold", answered=T0 - 9)], name="Dov"),
        ext("5", 7, name="Avi"),  # break
        ext("6", 1, [call("Ringing")], name="Eli"),
        ext("7", 1, [call("Talking", answered=T0 - 9)], name="Ada"),
    ]
    (order,) = order_after(agents)
    assert order == ["7", "4", "6", "3", "5", "2", "1"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([call("Talking", answered=T0 - 60)], [call("Hold", answered=T0 - 60)]),
        ([call("Hold", answered=T0 - 60)], [call("Talking", answered=T0 - 60)]),
        ([call("Ringing")], [call("Talking", answered=T0 + 2)]),
    ],
)
def test_a_tile_stays_put_while_its_agent_stays_on_a_call(before, after):
    others = [
        ext("A", 1, [call("Talking", answered=T0 - 5)], name="Ann"),
        ext("C", 1, [call("Dialing")], name="Cat"),
    ]
    polls = [[*others, ext("B", 1, before, name="Ben")], [*others, ext("B", 1, after, name="Ben")]]
    first, second = order_after(*polls)
    assert first == second == ["A", "B", "C"]


def test_a_tile_stays_put_between_away_reasons_and_moves_when_its_category_does():
    def poll(status: int, calls: list | None = None) -> list:
        return [
            ext("A", 3, name="Ann"),
            ext("B", status, calls, name="Ben"),
            ext("C", 7, name="Cat"),
            ext("D", 1, name="Dan"),
        ]

    lunch, brk, available = order_after(poll(3), poll(7), poll(1))
    assert lunch == brk == ["D", "A", "B", "C"]
    assert available == ["B", "D", "A", "C"]


def test_every_agent_keeps_its_place_among_its_category_through_any_state_changes():
    states = [[call("Talking", answered=T0 - 30)], [call("Hold", answered=T0 - 30)]]
    names = ["Gal", "Ido", "Noa", "Tal"]
    polls = [
        [ext(n, 1, choice, name=n) for n, choice in zip(names, combo, strict=True)]
        for combo in itertools.product(states, repeat=len(names))
    ]
    assert all(order == names for order in order_after(*polls))
