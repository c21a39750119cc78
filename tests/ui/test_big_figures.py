"""The wall's big figures: never touching at any width from 80 to 300 columns, growing
with the screen, and each queue's service level in big digits when there are few queues."""

from __future__ import annotations

import itertools

import pytest
from ui_support import T0, fixed_queues, make_app, make_snapshot, running, settle

from wallboard.core.clock import FakeClock
from wallboard.ui.widgets.big_figures import CARD_GAP, draw_figure, figure_rows, figure_width
from wallboard.ui.widgets.totals import BigFigures


def busy_queues() -> list[dict]:
    """25 callers waiting 12 minutes in one queue, and one caller for over an hour."""
    queues = fixed_queues()
    queues[1]["Callers"] = [
        {"Phone": f"05020000{i:02d}", "JoinTime": T0 - 720 + i, "CallID": f"c{i}", "Duration": 1}
        for i in range(25)
    ]
    queues[2]["Callers"][0]["JoinTime"] = T0 - 3723  # 1:02:03
    return queues


def assert_cards_apart(big: BigFigures) -> None:
    """Cards' regions disjoint with a gap, inside the widget; every figure inside its card,
    and nothing drawn outside the cards."""
    width = big.size.width
    lines = big.render().plain.split("\n")
    row = 0
    for scale, placed in big.bands:
        if not placed:
            continue
        for one, other in itertools.pairwise(placed):
            assert one.x + one.width + 1 <= other.x, (one, other)
            assert other.x - (one.x + one.width) >= CARD_GAP
        for card in placed:
            assert card.x >= 0 and card.x + card.width <= width, (card, width)
            assert card.figure_width <= card.width, card
            assert figure_width(card.card.text, scale) == card.figure_width
        rows = lines[row : row + 1 + figure_rows(scale)]
        for line in rows:
            for x, ch in enumerate(line):
                if ch != " ":
                    assert any(c.x <= x < c.x + c.width for c in placed), (x, line)
        # Each figure drawn whole, exactly where its card is.
        for card in placed:
            drawn = [line[card.x : card.x + card.figure_width] for line in rows[1:]]
            assert drawn == draw_figure(card.card.text, scale), card
        row += 1 + figure_rows(scale)


@pytest.mark.parametrize("height", [24, 40, 90])
async def test_big_figures_never_touch_from_80_to_300_columns(height: int) -> None:
    clock = FakeClock()
    app = make_app(clock, wall=True)
    snapshot = make_snapshot(clock, queues=busy_queues())
    async with running(app, size=(80, height), snapshot=snapshot) as pilot:
        for width in range(80, 301, 10):
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            app.redraw_timers()
            await pilot.pause()
            big = app.query_one(BigFigures)
            assert big.bands and len(big.bands[0][1]) >= 3, width
            labels = [c.card.label for c in big.bands[0][1]]
            assert labels[:3] == ["WAITING", "LONGEST", "SERVICE LEVEL"], width
            texts = {c.card.label: c.card.text for c in big.bands[0][1]}
            assert texts["WAITING"] == "28" and texts["LONGEST"] == "1:02:03"
            assert_cards_apart(big)
            # The widget is as tall as what it draws.
            assert big.size.height == sum(1 + figure_rows(s) for s, p in big.bands if p)


async def test_big_figures_grow_with_the_screen() -> None:
    clock = FakeClock()
    heights = {}
    for size in [(120, 40), (300, 90)]:
        app = make_app(clock, wall=True)
        async with running(app, size=size):
            big = app.query_one(BigFigures)
            heights[size] = figure_rows(big.bands[0][0])
            assert_cards_apart(big)
    assert heights[(300, 90)] > heights[(120, 40)]


async def test_each_queue_service_level_in_big_digits_when_few_queues() -> None:
    clock = FakeClock()
    app = make_app(clock, wall=True)
    async with running(app, size=(160, 45)) as pilot:
        big = app.query_one(BigFigures)
        assert len(big.bands) == 2
        # In the queue table's order: trouble first.
        assert [c.card.label for c in big.bands[1][1]] == ["SL Support", "SL Sales", "SL Billing"]
        assert all(c.card.text == "—" for c in big.bands[1][1])  # no report: a dash
        # More than six queues: no per-queue band.
        many = [
            dict(q, ID=200 + i, Name=f"Q{i}", Callers=[]) for i, q in enumerate(fixed_queues() * 3)
        ]
        app.show_snapshot(make_snapshot(clock, queues=many))
        await pilot.pause()
        assert len(big.bands) == 1
