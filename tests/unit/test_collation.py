"""Sorting by name: Hebrew in alphabet order, whatever points, finals or locale."""

from __future__ import annotations

from wallboard.api.parse import parse_extensions
from wallboard.core.agent_order import SortOrder, arrange
from wallboard.core.board import Board
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import build_snapshot
from wallboard.core.text import collation_key

# The Hebrew alphabet's order: אבי, בתיה, גדעון, ..., תמר.
ALPHABETICAL = [
    "אבי כהן",
    "בתיה",
    "גדעון",
    "דנה",
    "הדס",
    "ורד",
    "זיו",
    "חנה",
    "טל",
    "יוסי",
    "כנרת",
    "לאה",
    "מיכל",
    "נועה",
    "סיון",
    "עמית",
    "פנינה",
    "צביה",
    "קרן",
    "רונית",
    "שלמה",
    "שָׁרוֹן",  # pointed: by code points its points would sort it before שלמה
    "תמר",
]


def test_hebrew_names_sort_in_alphabet_order() -> None:
    shuffled = ALPHABETICAL[::2] + ALPHABETICAL[1::2][::-1]
    assert sorted(shuffled, key=collation_key) == ALPHABETICAL


def test_points_finals_case_and_accents_do_not_move_a_name() -> None:
    assert collation_key("שָׁלוֹם") == collation_key("שלומ")
    assert collation_key("כהן") < collation_key("כהנא")
    assert sorted(["ים", "יל", "ימה"], key=collation_key) == ["יל", "ים", "ימה"]
    assert sorted(["zoe", "Zoë", "Adam", "émile"], key=collation_key) == [
        "Adam",
        "émile",
        "zoe",
        "Zoë",
    ]
    # Latin before Hebrew, as the code points have it.
    assert collation_key("Zvi") < collation_key("אבי")


def test_the_board_sorts_by_name_with_it() -> None:
    wire = {
        "ERR": 0,
        "EXTENSIONS": [
            {"username": f"sip{i}", "name": name, "onlineUserStatus": 1, "calls": []}
            for i, name in enumerate(reversed(ALPHABETICAL))
        ],
    }
    extensions, _ = parse_extensions(wire)
    snapshot = build_snapshot(
        extensions, [], [], fetched_at=0.0, latency_s=0.0, estimator=ServerClockEstimator(0)
    )
    board = Board()
    board.apply(snapshot, 0.0)
    by_name = arrange(board.agents, sort=SortOrder.NAME, hide_logged_out=False, filter_text="")
    assert [agent.name for agent in by_name] == ALPHABETICAL
