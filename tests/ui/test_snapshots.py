"""Pictures of the board (pytest-textual-snapshot): fixed data, a fake clock, UTC times.

Update the baselines with `pytest tests/ui/test_snapshots.py --snapshot-update`, then look
at them (tests/ui/__snapshots__/) before accepting: a baseline is only as good as the review.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import pytest
from textual.pilot import Pilot
from ui_support import THEMES, make_app, make_snapshot, settle

from wallboard.core.clock import FakeClock

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
    assert snap_compare(app, terminal_size=SIZE, run_before=shown(clock, ["down", "enter"]))


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
