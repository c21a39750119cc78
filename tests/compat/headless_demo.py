"""Run the demo (as `wallboard demo` builds it) headless for a few seconds, through a layout
change, a theme change and the details; print what it saw. Used by test_textual_versions.py
with the Python of a venv holding another Textual."""

from __future__ import annotations

import asyncio
import sys

from wallboard.launch import make_demo_app, version_text
from wallboard.ui.app import BoardOptions
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.queue_panel import QueuePanel


async def main() -> int:
    print(version_text())
    app = make_demo_app(BoardOptions(interval_s=1.0), agents=30, queues=3, speed=5.0)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(200):  # bounded: ~10 s
            await pilot.pause(0.05)
            if app.board.agents and app.query_one(AgentGrid).line_count():
                break
        await pilot.pause(1.2)  # a tick or two
        grid, queues = app.query_one(AgentGrid), app.query_one(QueuePanel)
        print("agents", len(app.board.agents), "queues", len(app.board.queues))
        print("grid", repr(grid.render_line(0).text))
        print("queues", repr(queues.render_line(0).text))
        await pilot.press("c")  # compact
        await pilot.pause(0.3)
        print("compact", repr(grid.render_line(0).text))
        app.theme = "light"
        await pilot.press("enter")  # the details of the agent under the cursor
        await pilot.pause(0.3)
        print("detail", app.screen.has_class("-detail"))
        await pilot.press("q")
    print("exit", app.return_code)
    return 0 if app.board.agents and app.return_code == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
