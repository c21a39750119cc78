"""The demo as `wallboard demo` builds it (`make_demo_app`), headless: the simulator's data
on screen, and the app's response-to-screen measurement kept outside the data."""

from __future__ import annotations

import dataclasses

from wallboard.core.snapshot import Snapshot
from wallboard.launch import make_demo_app
from wallboard.ui.app import BoardOptions
from wallboard.ui.widgets.agent_grid import AgentGrid


async def test_the_demo_draws_the_simulated_centre_and_measures_its_frames() -> None:
    app = make_demo_app(BoardOptions(interval_s=1.0), agents=24, queues=3, seed=7, speed=5.0)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(200):  # bounded: ~10 s
            await pilot.pause(0.05)
            if app.metrics.response_to_screen_ms:
                break
        grid = app.query_one(AgentGrid)
        assert len(app.board.agents) == 24
        assert grid.line_count() > 0 and grid.render_line(0).text.strip()
        assert "demo: simulated centre, 24 agents, 3 queues" in app.health.source
        # The poll's answer-to-frame time, from the source's timing, not the snapshot's.
        assert app.metrics.response_to_screen_ms
        assert 0 < app.metrics.response_to_screen_ms[0] < 5000
        await pilot.press("q")


def test_snapshots_hold_data_and_no_benchmark_timing() -> None:
    fields = {field.name for field in dataclasses.fields(Snapshot)}
    assert not {name for name in fields if "perf" in name}, fields
