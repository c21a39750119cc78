"""Pictures of the board (pytest-textual-snapshot): fixed data, a fake clock, UTC times.

Update the baselines with `pytest tests/ui/test_snapshots.py --snapshot-update`, then look
at them (tests/ui/__snapshots__/) before accepting: a baseline is only as good as the review.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import pytest
from queue_support import answer_a_sales_caller, follow_hub, open_recorder
from textual.pilot import Pilot
from ui_support import THEMES, make_app, make_snapshot, settle

from wallboard.core.alerts import AlertBook, AlertRules, QueueAlertRules
from wallboard.core.clock import FakeClock
from wallboard.hub.alert_watch import AlertWatch

SIZE = (120, 40)


def shown(
    clock: FakeClock, keys: Iterable[str] = (), after: Callable[[Pilot], None] | None = None
) -> Callable[[Pilot], Awaitable[None]]:
    """A `run_before` that shows the fixed centre, presses `keys`, then runs `after`."""

    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.show_snapshot(make_snapshot(clock))  # type: ignore[attr-defined]
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        if after is not None:
            after(pilot)
        await settle(pilot)

    return run_before


def test_grid_and_queues(snap_compare, clock: FakeClock) -> None:
    assert snap_compare(make_app(clock), terminal_size=SIZE, run_before=shown(clock))


def test_agent_detail_open(snap_compare, clock: FakeClock) -> None:
    app = make_app(clock)
    # Carol: a transferred, recorded call with custom data.
    keys = ["right", "right", "right", "enter"]
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, keys))


def test_caller_detail_open(snap_compare, clock: FakeClock) -> None:
    app = make_app(clock)
    keys = ["tab", "down", "down", "down", "down", "enter"]
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, keys))


def test_stale(snap_compare, clock: FakeClock) -> None:
    def fail(pilot: Pilot) -> None:
        clock.advance(16)
        pilot.app.tick()  # type: ignore[attr-defined]
        pilot.app.show_failure("network", "connection refused", 8.0)  # type: ignore[attr-defined]

    app = make_app(clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, after=fail))


def test_wall_mode(snap_compare, clock: FakeClock) -> None:
    app = make_app(clock, theme=None)  # a wall switches to high contrast by itself
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, ["w"]))


def test_wall_mode_stale(snap_compare, clock: FakeClock) -> None:
    def fail(pilot: Pilot) -> None:
        clock.advance(20)
        pilot.app.tick()  # type: ignore[attr-defined]

    app = make_app(clock, theme=None, wall=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, after=fail))


def test_compact(snap_compare, clock: FakeClock) -> None:
    app = make_app(clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, ["c", "down"]))


def test_80x24(snap_compare, clock: FakeClock) -> None:
    assert snap_compare(make_app(clock), terminal_size=(80, 24), run_before=shown(clock))


def test_help(snap_compare, clock: FakeClock) -> None:
    app = make_app(clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, ["question_mark"]))


@pytest.mark.parametrize("theme", THEMES)
def test_theme(snap_compare, clock: FakeClock, theme: str) -> None:
    app = make_app(clock, theme=theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, ["down", "right"]))


# --- the queue table and the queue detail (issue 14) -----------------------------------------
QUEUE_SIZES = [(80, 24), (160, 50), (240, 70)]
QUEUE_THEMES = ("dark", "light", "high-contrast")


def sales_alert() -> AlertWatch:
    """An alert on Sales (a caller waited over 60 s); Support's and Billing's rules off."""
    off = QueueAlertRules(wait_alert_s=None, service_level_target_pct=None)
    rules = AlertRules(
        queue_default=off,
        queues={"Sales": QueueAlertRules(wait_alert_s=60, service_level_target_pct=None)},
        nobody_available=False,
    )
    return AlertWatch(rules, AlertBook(clear_after_s=30, renotify_s=300))


@pytest.mark.parametrize("size", QUEUE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", QUEUE_THEMES)
def test_queue_table(snap_compare, clock: FakeClock, theme: str, size: tuple[int, int]) -> None:
    """Today's figures from a hub (SL met, close, missed), an alert on Sales, the cursor on
    the table."""
    app = make_app(clock, theme=theme)
    app.alerts = sales_alert()

    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        follow_hub(app)
        app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        await pilot.press("tab", "down", "down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", QUEUE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", QUEUE_THEMES)
def test_queue_detail(
    snap_compare, clock: FakeClock, tmp_path: Path, theme: str, size: tuple[int, int]
) -> None:
    """Enter on Sales' heading after Frank answered its longest-waiting caller."""
    app = make_app(clock, theme=theme)
    app.recorder = open_recorder(tmp_path / "board.db")

    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        await answer_a_sales_caller(app, pilot)
        await pilot.press("tab", "down", "down", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
