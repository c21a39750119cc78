"""Pictures of the ticker (the line; the panel on wide screens), today's events in full,
and the help over the board, at three sizes in the dark, light and high-contrast themes.

Update with `pytest tests/ui/test_snapshots_ticker.py --snapshot-update`, then look at
each picture (render the SVGs in __snapshots__/ to PNG) before accepting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import pytest
from textual.pilot import Pilot
from ui_support import HOSTILE_NAME, T0, make_app, make_snapshot, settle

from wallboard.core.clock import FakeClock
from wallboard.core.day_metrics import ABANDONED, ANSWERED, MISSED
from wallboard.core.events import ALERT, STATUS, Event

SIZES = {"80x24": (80, 24), "160x50": (160, 50), "240x70": (240, 70)}
THEMES = ("dark", "light", "high-contrast")


def todays_events() -> list[Event]:
    """A morning's worth: every kind of event, alerts of both levels, a hostile name."""
    events = [
        Event(T0 - 3000, STATUS, who="Grace Lunch", detail="Lunch break"),
        Event(T0 - 2400, ANSWERED, who="Carol Talk", phone="0541110003", queue="Sales", seconds=12),
        Event(T0 - 1800, ABANDONED, phone="0504445566", queue="Support", seconds=30),
        Event(T0 - 1500, MISSED, who="Frank Avail", phone="0501234001", seconds=10),
        Event(T0 - 1200, ALERT, detail="Support service level 78 % < 80 %", level="warn"),
        Event(T0 - 900, STATUS, who=HOSTILE_NAME, detail="Break"),
        Event(T0 - 600, ANSWERED, who="Dan Hold", phone="0541110004", queue="Support", seconds=36),
        Event(T0 - 300, ALERT, detail="Support: a caller has waited 4:00", level="alert"),
        Event(T0 - 60, STATUS, who="Ivan Break", detail="Break"),
        Event(T0 - 5, ABANDONED, phone="0503000009", queue="Billing", seconds=75),
    ]
    # And a long morning before them, so the full list scrolls.
    events += [
        Event(T0 - 3600 - 30 * n, ANSWERED, who="Ken Train", phone=f"05{n:08d}", queue="Sales",
              seconds=n % 50)
        for n in range(60)
    ]  # fmt: skip
    return events


def shown(clock: FakeClock, keys: Iterable[str] = ()) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.show_snapshot(make_snapshot(clock))  # type: ignore[attr-defined]
        pilot.app.add_events(todays_events())  # type: ignore[attr-defined]
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
def test_ticker(snap_compare, clock: FakeClock, size: str, theme: str) -> None:
    app = make_app(clock, theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=shown(clock))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
def test_ticker_list(snap_compare, clock: FakeClock, size: str, theme: str) -> None:
    app = make_app(clock, theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=shown(clock, ["t"]))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
def test_help_over_the_board(snap_compare, clock: FakeClock, size: str, theme: str) -> None:
    app = make_app(clock, theme=theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=shown(clock, ["question_mark"]))


@pytest.mark.parametrize("view", ["ticker", "agents"])
def test_wall_view(snap_compare, clock: FakeClock, view: str) -> None:
    app = make_app(clock, theme=None, wall=True, wall_view=view)
    assert snap_compare(app, terminal_size=(160, 45), run_before=shown(clock))
