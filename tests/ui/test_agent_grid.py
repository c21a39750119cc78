"""The agent grid as a supervisor reads it: call-outs, today's counters, escalating timers,
alert marks, a cursor that rests when focus leaves, taller wall tiles, cut names."""

from __future__ import annotations

import copy

from agent_support import fixed_day
from rich.style import Style
from textual.color import Color
from ui_support import (
    fixed_extensions,
    fixed_queues,
    make_app,
    make_snapshot,
    running,
    settle,
    view_lines,
)

from wallboard.core.clock import FakeClock
from wallboard.core.teams import Team, Teams
from wallboard.ui.app import WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid, fit_name
from wallboard.ui.widgets.detail import DetailPane

T0 = 1_800_000_000


def grid(app: WallboardApp) -> AgentGrid:
    return app.query_one(AgentGrid)


def tile_lines(app: WallboardApp, username: str) -> list[str]:
    g = grid(app)
    index = next(i for i, agent in enumerate(g.agents) if agent.username == username)
    row, column = divmod(index, g.per_row)
    first = row * g.lines_per_row - int(g.scroll_y)
    lines = view_lines(g)
    width = g.cell_width
    return [
        lines[first + part][column * width : (column + 1) * width]
        for part in range(g.lines_per_row)
    ]


def tile_segments(app: WallboardApp, username: str, part: int) -> list:
    """The drawn segments of one line of an agent's tile, with their cell offsets."""
    g = grid(app)
    index = next(i for i, agent in enumerate(g.agents) if agent.username == username)
    row, column = divmod(index, g.per_row)
    y = row * g.lines_per_row + part - int(g.scroll_y)
    strip = g.render_line(y)
    x0, x1 = column * g.cell_width, (column + 1) * g.cell_width - 1
    found, x = [], 0
    for segment in strip:
        end = x + segment.cell_length
        if end > x0 and x < x1:
            found.append(segment)
        x = end
    return found


def with_day(app: WallboardApp, **kwargs) -> None:
    app.day_figures = fixed_day(**kwargs)
    app.mark_agents()


async def test_agents_available_while_callers_wait_are_called_out_with_their_idle_time():
    clock = FakeClock()
    app = make_app(clock)
    async with running(app) as pilot:
        # Frank (SIP1006) is available and callers wait: called out, idle time beside.
        top, bottom = tile_lines(app, "SIP1006")
        assert top.startswith("!Frank Avail")
        assert bottom.split() == ["idle", "≥0:00"]
        clock.advance(42)
        app.tick()
        await pilot.pause()
        assert tile_lines(app, "SIP1006")[1].split() == ["idle", "≥0:42"]
        # Not called out: agents on a call or away.
        assert not tile_lines(app, "SIP1003")[0].startswith("!")
        assert not tile_lines(app, "SIP1007")[0].startswith("!")
        # Its look differs from an available agent's who is not called out.
        called = tile_segments(app, "SIP1006", 0)[0].style
        # Nobody waits: no call-out, the same agent looks available as usual.
        queues = copy.deepcopy(fixed_queues())
        for queue in queues:
            queue["Callers"] = []
        app.show_snapshot(make_snapshot(clock, queues=queues))
        await settle(pilot)
        top, bottom = tile_lines(app, "SIP1006")
        assert top.startswith(" Frank Avail") and "idle" not in bottom
        assert tile_segments(app, "SIP1006", 0)[0].style != called
        assert app.agents_to_call_out(frozenset()) == frozenset()
        assert app.agents_to_call_out(frozenset({101})) == {"SIP1006", "SIP1016"}


async def test_teams_that_map_queues_narrow_the_call_out_to_the_agents_who_answer_them():
    # Queue 101 is answered by Sales only; SIP1016's team answers another queue.
    teams = Teams(
        [Team("Sales", ("SIP1006",), ("101",)), Team("Back office", ("SIP1016",), ("999",))]
    )
    app = make_app(FakeClock(), teams=teams)
    async with running(app):
        assert app.agents_to_call_out(frozenset({101})) == {"SIP1006"}
        # A queue no team maps is answered by everyone.
        assert app.agents_to_call_out(frozenset({555})) == {"SIP1006", "SIP1016"}


async def test_tiles_show_todays_answered_and_missed_and_nothing_made_up_without_a_day():
    app = make_app(FakeClock())
    async with running(app) as pilot:
        # The day is not counted here: the SIP id as before, no counts at all.
        bottom = tile_lines(app, "SIP1003")[1]
        assert "SIP1003" in bottom and "✓" not in bottom
        with_day(app, leave_out=("SIP1009",))
        await pilot.pause()
        assert tile_lines(app, "SIP1003")[1].split() == ["✓13", "✗3", "2:05"]
        assert tile_lines(app, "SIP1001")[1].split() == ["✓11", "✗1", "0:04"]
        # Counted, but no row for this agent: "—", never a made-up 0.
        assert tile_lines(app, "SIP1009")[1].split() == ["✓—", "✗—", "≥0:00"]


async def test_compact_rows_add_todays_counts_talk_time_and_aht():
    app = make_app(FakeClock(), compact=True)
    async with running(app, size=(160, 50)) as pilot:
        with_day(app)
        await pilot.pause()
        lines = view_lines(grid(app))
        carol = next(line for line in lines if "Carol Talk" in line)
        # SIP1003: 13 answered, 3 missed, talk 30:07 (whole minutes), AHT 2:33, in state 2:05.
        assert carol.split()[:3] == ["TALK", "Carol", "Talk"]
        assert " ✓13  ✗3     Σ30m  ⌀2:33     2:05" in carol
        # Without the day's figures the row is as before: the SIP id, no counts.
        app.day_figures = type(app.day_figures)()
        app.mark_agents()
        await pilot.pause()
        carol = next(line for line in view_lines(grid(app)) if "Carol Talk" in line)
        assert "SIP1003" in carol and "✓" not in carol and "Σ" not in carol


async def test_a_long_call_stands_out_and_a_tick_inside_a_step_only_patches_the_timer():
    clock = FakeClock()
    exts = fixed_extensions()
    exts[2]["calls"][0]["callAnswered"] = T0 - 3723  # Carol: talking 1:02:03
    app = make_app(clock)
    async with running(app, snapshot=make_snapshot(clock, exts)) as pilot:
        g = grid(app)
        assert tile_lines(app, "SIP1003")[1].split()[-1] == "1:02:03"
        long_timer = tile_segments(app, "SIP1003", 1)[-1]  # the timer: a segment of its own
        assert long_timer.text.strip() == "1:02:03"
        alert = Color.parse(app.board_themes["dark"].palette["wait-alert"].hex).rich_color
        assert long_timer.style.bgcolor == alert  # the worst step: filled in red
        short = tile_segments(app, "SIP1001", 1)  # ringing 0:04: one plain segment
        assert all(segment.style.bgcolor != alert for segment in short)
        # A tick inside a step: only timer cells go to the terminal.
        regions: list = []
        refresh = g.refresh
        g.refresh = lambda *r, **k: (regions.extend(r), refresh(*r, **k))[1]  # type: ignore[method-assign]
        clock.advance(1)
        app.tick()
        await pilot.pause()
        # (Timer lines only: tiles' top lines are the even ones.)
        assert regions and all(region.y % 2 == 1 for region in regions)
        # Ringing past 15 s crosses a step: that line is drawn again, in the warning colour.
        regions.clear()
        clock.advance(11)
        app.tick()
        await pilot.pause()
        ring_timer = tile_segments(app, "SIP1001", 1)[-1]
        assert ring_timer.text.strip() == "0:16"
        warn = Color.parse(app.board_themes["dark"].palette["wait-warn"].hex).rich_color
        assert ring_timer.style.color == warn


async def test_an_agent_with_an_active_alert_is_marked_in_the_alerts_colour():
    app = make_app(FakeClock())
    async with running(app) as pilot:
        state = tile_segments(app, "SIP1003", 0)[0].style
        app.alerted_subjects = lambda: {  # type: ignore[method-assign]
            ("agent", "SIP1003"): "alert",
            ("agent", "SIP1007"): "warn",
            ("queue", "SIP1009"): "alert",  # a queue's alert marks no agent
        }
        app.mark_agents()
        await pilot.pause()
        palette = app.board_themes["dark"].palette
        top = tile_segments(app, "SIP1003", 0)[0]
        assert top.text.startswith("⚑Carol Talk") and top.style != state
        assert top.style.bgcolor == Color.parse(palette["wait-alert"].hex).rich_color
        warned = tile_segments(app, "SIP1007", 0)[0]
        assert warned.text.startswith("⚑Grace Lunch")
        assert warned.style.bgcolor == Color.parse(palette["wait-warn"].hex).rich_color
        assert not tile_segments(app, "SIP1009", 0)[0].text.startswith("⚑")
        app.alerted_subjects = lambda: {}  # type: ignore[method-assign]
        app.mark_agents()
        await pilot.pause()
        assert tile_segments(app, "SIP1003", 0)[0].style == state


async def test_after_tab_the_grids_cursor_no_longer_looks_active():
    app = make_app(FakeClock())
    async with running(app) as pilot:
        first = tile_segments(app, "SIP1001", 0)[0]
        assert first.text.startswith("▶") and first.style.underline
        assert tile_segments(app, "SIP1001", 1)[0].style.reverse
        await pilot.press("tab")
        await pilot.pause()
        assert not grid(app).has_focus
        resting = tile_segments(app, "SIP1001", 0)[0]
        assert resting.text.startswith("▷") and not resting.style.underline
        assert not any(segment.style.reverse for segment in tile_segments(app, "SIP1001", 1))
        assert not any("▶" in line for line in view_lines(grid(app)))
        await pilot.press("shift+tab")
        await pilot.pause()
        assert tile_segments(app, "SIP1001", 0)[0].text.startswith("▶")


async def test_wall_tiles_grow_taller_on_a_taller_screen():
    heights = {}
    for size in ((120, 40), (300, 90)):
        app = make_app(FakeClock(), theme=None, wall=True, wall_view="agents")
        async with running(app, size=size) as pilot:
            await settle(pilot)
            g = grid(app)
            heights[size] = g.lines_per_row
            rows = -(-len(g.agents) // g.per_row)
            assert rows * g.lines_per_row <= g.size.height  # every agent on one page
            assert g.page_count() == 1
    assert heights[(300, 90)] > 2
    assert heights[(300, 90)] >= heights[(120, 40)]


async def test_many_agents_in_wall_mode_keep_two_line_tiles_and_page():
    exts = []
    for number in range(300):
        ext = copy.deepcopy(fixed_extensions()[5])
        ext["username"] = f"SIP{5000 + number}"
        ext["name"] = ext["representative"] = f"Agent {number:03d}"
        exts.append(ext)
    clock = FakeClock()
    app = make_app(clock, theme=None, wall=True)
    async with running(app, size=(120, 40), snapshot=make_snapshot(clock, exts)):
        g = grid(app)
        assert g.lines_per_row == 2 and g.page_count() > 1


def test_every_cut_name_ends_in_an_ellipsis():
    assert fit_name("Technical Support", 11) == "Technical …"
    assert fit_name("Dana", 6) == "Dana  "
    assert fit_name("Dana Levi", 9) == "Dana Levi"
    assert fit_name("דנה כהן לוי", 6).endswith("…")
    assert fit_name("x", 0) == ""


async def test_long_names_end_in_an_ellipsis_on_tiles_and_compact_rows():
    clock = FakeClock()
    exts = fixed_extensions()
    exts[2]["name"] = exts[2]["representative"] = "Bartholomew Montgomery-Smith"
    app = make_app(clock)
    async with running(app, snapshot=make_snapshot(clock, exts)) as pilot:
        assert tile_lines(app, "SIP1003")[0].startswith(" Bartholomew Mo…")
        await pilot.press("c")
        await pilot.pause()
        row = next(line for line in view_lines(grid(app)) if "Bartholomew" in line)
        assert "Bartholomew Montgomery-Smith" not in row and "…" in row


async def test_the_agent_detail_shows_todays_counters_and_a_timeline_of_the_day():
    clock = FakeClock()
    app = make_app(clock)
    async with running(app, size=(160, 60)) as pilot:
        with_day(app)
        for _ in range(3):
            clock.advance(5)
            app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        await pilot.press("right", "right", "enter")
        await pilot.pause()
        text = app.query_one(DetailPane).plain_text
        assert "Agent Carol Talk" in text
        today = text[text.index("Today\n") :]
        assert "Answered          13" in today and "Missed            3" in today
        assert "Talk time         30:07" in today and "AHT               2:33" in today
        assert "from 08:00, the board's first data today" in text
        # Three rows of 32 quarter hours; 08:00's cell in the talking colour.
        rows = [line for line in text.splitlines() if line[:6] in ("00:00 ", "08:00 ", "16:00 ")]
        assert len(rows) == 3 and rows[0] == "00:00 " + "·" * 32
        detail = app.query_one(DetailPane)
        talking = app._state_styles["call-talking"]
        spans = [span for row in detail._rows for span in row.spans]
        assert any(isinstance(span.style, Style) and span.style == talking for span in spans)


async def test_without_the_days_figures_the_detail_says_so_rather_than_show_zeros():
    app = make_app(FakeClock())
    async with running(app) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        text = app.query_one(DetailPane).plain_text
        assert "— (not counted on this board)" in text
        assert "Missed" not in text
