"""Pictures of the agent grid (tiles and compact) and the agent detail at 80x24, 160x50 and
240x70 in the dark, light and high-contrast themes: today's counters, a 1:02:03 call that
stands out, agents called out while callers wait, agents with an alert, and a morning's
timeline. Look at every changed picture before accepting it (tests/ui/test_snapshots.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from agent_support import fixed_day
from textual.pilot import Pilot
from ui_support import T0, fixed_extensions, make_app, make_snapshot, settle

from wallboard.core.clock import FakeClock
from wallboard.ui.app import WallboardApp
from wallboard.ui.widgets.detail import DetailPane

SIZES = [(80, 24), (160, 50), (240, 70)]
THEMES = ["dark", "light", "high-contrast"]
# A morning before the board's first picture, per agent (minutes from 06:00, state).
MORNING = [(0, "status-available"), (40, "call-talking"), (75, "status-lunch"), (100, "call-hold")]


def busy_centre(clock: FakeClock):
    exts = fixed_extensions()
    exts[2]["calls"][0]["callAnswered"] = T0 - 3723  # Carol: talking 1:02:03
    exts[0]["calls"][0]["callStarted"] = T0 - 40  # Alice: ringing 0:40
    exts[6]["onlineUserStatus"] = 3  # Grace: at lunch
    return make_snapshot(clock, exts)


def feed_morning(app: WallboardApp) -> None:
    """Two hours of the timeline, as the board's snapshots would have built it."""
    keys = [(f"SIP{1000 + n}", n) for n in range(1, 17)]
    start = T0 - 2 * 3600
    for minute in range(0, 120):
        states = []
        for key, n in keys:
            # Each agent a little later than the last, so the strips differ.
            shifted = (minute + 7 * n) % 120
            style = next(s for at, s in reversed(MORNING) if shifted >= at)
            states.append((key, style))
        app.timeline.record(states, start + 60 * minute)


def board(clock: FakeClock, keys: list[str]) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        app: WallboardApp = pilot.app  # type: ignore[assignment]
        await pilot.pause()
        feed_morning(app)
        app.alerted_subjects = lambda: {  # type: ignore[method-assign]
            ("agent", "SIP1007"): "warn",
            ("agent", "SIP1014"): "alert",
        }
        app.day_figures = fixed_day(leave_out=("SIP1012",))
        app.show_snapshot(busy_centre(clock))
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        if app.detail_for is not None:
            # The counters and the timeline are at the end of the pane.
            pane = app.query_one(DetailPane)
            await settle(pilot)
            rows = [row.plain for row in pane._rows]
            strip = next(i for i, row in enumerate(rows) if row.startswith("00:00 "))
            # The strip in view (the counters above it too where the pane is tall).
            top = min(strip, max(0, len(rows) - pane.size.height + 1))
            pane.scroll_to(y=top, animate=False)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_agent_tiles(snap_compare, clock: FakeClock, size, theme) -> None:
    app = make_app(clock, theme=theme)
    assert snap_compare(app, terminal_size=size, run_before=board(clock, []))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_agent_compact(snap_compare, clock: FakeClock, size, theme) -> None:
    app = make_app(clock, theme=theme, compact=True)
    assert snap_compare(app, terminal_size=size, run_before=board(clock, ["down"]))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_agent_detail(snap_compare, clock: FakeClock, size, theme) -> None:
    app = make_app(clock, theme=theme)
    keys = ["right", "right", "enter", "tab"]  # Carol's detail; focus leaves the grid
    assert snap_compare(app, terminal_size=size, run_before=board(clock, keys))
