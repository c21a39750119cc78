"""A real centre's board: its own status names, masked numbers, right-to-left names, teams."""

from __future__ import annotations

from rich.color import Color as RichColor
from ui_support import make_app, running, view_lines

from wallboard.core.agent_state import StatusName, StatusVocabulary
from wallboard.core.clock import FakeClock
from wallboard.ui.widgets.agent_grid import AgentGrid


async def test_a_custom_status_shows_its_name_and_colour(clock: FakeClock) -> None:
    vocabulary = StatusVocabulary(
        {42: StatusName("Callback", colour="#ff8800"), 3: StatusName("Lunch", word="EAT")}
    )
    app = make_app(clock, statuses=vocabulary)
    async with running(app):
        grid = app.query_one(AgentGrid)
        text = "\n".join(view_lines(grid))
        assert "CALLB" in text  # Nora, status 42: was "?42"
        assert "EAT" in text
        nora = next(a for a in grid.agents if a.username == "SIP1014")
        assert nora.label == "Callback"
        assert grid._styles["status-code-42"].bgcolor == RichColor.parse("#ff8800")
        # Away by the centre's names in the totals.
        assert ("Callback", 1) in app.board.totals.away
