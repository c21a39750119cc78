"""Pictures of a real centre's board: right-to-left names laid out by the board, and agents
grouped by team. Fixed data and a fake clock, as in test_snapshots.py; each baseline was
looked at (rendered to PNG) before it was accepted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import pytest
from test_centre import bidi_snapshot, centre_teams
from textual.pilot import Pilot
from ui_support import make_app, make_snapshot, settle

from wallboard.core.clock import FakeClock
from wallboard.core.snapshot import Snapshot

LOOKS = [
    pytest.param((80, 24), "dark", id="80x24-dark"),
    pytest.param((160, 50), "dark", id="160x50-dark"),
    pytest.param((240, 70), "dark", id="240x70-dark"),
    pytest.param((160, 50), "light", id="160x50-light"),
    pytest.param((160, 50), "high-contrast", id="160x50-high-contrast"),
]


def showing(snapshot: Snapshot, keys: Iterable[str] = ()) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.show_snapshot(snapshot)  # type: ignore[attr-defined]
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize(("size", "theme"), LOOKS)
def test_right_to_left_names_laid_out(
    snap_compare, clock: FakeClock, size: tuple[int, int], theme: str
) -> None:
    app = make_app(clock, theme=theme, bidi="reorder")
    assert snap_compare(app, terminal_size=size, run_before=showing(bidi_snapshot(clock)))


@pytest.mark.parametrize(("size", "theme"), LOOKS)
def test_agents_grouped_by_team(
    snap_compare, clock: FakeClock, size: tuple[int, int], theme: str
) -> None:
    app = make_app(clock, theme=theme, teams=centre_teams())
    assert snap_compare(app, terminal_size=size, run_before=showing(make_snapshot(clock)))


def test_agents_grouped_by_team_compact(snap_compare, clock: FakeClock) -> None:
    app = make_app(clock, teams=centre_teams(), compact=True)
    snapshot = make_snapshot(clock)
    assert snap_compare(app, terminal_size=(160, 50), run_before=showing(snapshot, ["down"]))
