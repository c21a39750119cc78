"""A real centre's board: its own status names, masked numbers, right-to-left names, teams."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Coroutine

from rich.cells import cell_len
from rich.color import Color as RichColor
from textual.pilot import Pilot
from textual.widgets import Input
from ui_support import (
    FixedSource,
    fixed_extensions,
    fixed_queues,
    make_app,
    make_snapshot,
    running,
    screen_text,
    view_lines,
)

from wallboard.core.agent_state import StatusName, StatusVocabulary
from wallboard.core.alerts import AlertBook, AlertRules
from wallboard.core.clock import FakeClock
from wallboard.core.events import alert_events
from wallboard.core.phone import mask_phone
from wallboard.core.snapshot import Snapshot
from wallboard.core.teams import QueueStaff, Team, Teams
from wallboard.hub.alert_watch import AlertWatch
from wallboard.hub.notify_command import CommandNotifier
from wallboard.launch import demo_source, make_demo_app
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.detail import DetailPane
from wallboard.ui.widgets.queue_panel import QueuePanel


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


# --- masking ----------------------------------------------------------------------------------
def _fixture_numbers() -> list[str]:
    """Every caller number of the fixed centre long enough to mask (agents' and queues')."""
    numbers = [call["callerphone"] for ext in fixed_extensions() for call in ext["calls"]] + [
        caller["Phone"] for queue in fixed_queues() for caller in queue["Callers"]
    ]
    return [number for number in numbers if sum(ch.isdigit() for ch in number) > 4]


def svg_text(svg: str) -> str:
    """The text an SVG screenshot shows (tags dropped, entities read), to grep."""
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def _assert_no_full_number(text: str, where: str) -> None:
    for number in _fixture_numbers():
        assert number not in text, f"{number} in full on {where}"
        assert number[1:-4] not in text, f"the hidden digits of {number} on {where}"


async def test_a_masked_board_shows_no_full_number_on_any_screen(clock: FakeClock) -> None:
    rules = AlertRules(recording_required=True)  # Dan holds an unrecorded call: an alert
    watch = AlertWatch(rules, AlertBook())
    app = WallboardApp(
        FixedSource(),
        clock,
        BoardOptions(
            poll=False, ticks=False, local_time=False, theme="dark", mask_callers="always"
        ),
        alerts=watch,
    )
    screens: dict[str, str] = {}
    async with running(app) as pilot:
        screens["board"] = svg_text(app.export_screenshot())
        assert "•••••••4001" not in screens["board"]  # (agents' calls are not on the grid)
        assert "••••••0001" in screens["board"]  # the queue panel: masked, last digits kept
        for sip in ("SIP1003", "SIP1004", "SIP1005"):
            grid = app.query_one(AgentGrid)
            grid.select(next(i for i, a in enumerate(grid.agents) if a.username == sip))
            await pilot.press("enter")
            await pilot.pause()
            screens[f"detail {sip}"] = svg_text(app.export_screenshot())
            assert "Caller number" in app.query_one(DetailPane).plain_text
            await pilot.press("escape")
        await pilot.press("tab", "down", "enter")
        await pilot.pause()
        screens["caller detail"] = svg_text(app.export_screenshot())
        # (which caller: the queue table's order decides; every one of them is masked)
        assert re.search(r"Waiting caller ••••••000\d\n", app.query_one(DetailPane).plain_text)
        await pilot.press("escape")
        app.check_alerts(clock.now())
        alerts = watch.book.listing()
        assert any("talking to ••••••0004" in alert.text_for(app.show_phone) for alert in alerts)
        await pilot.press("a")
        await pilot.pause()
        screens["alert list"] = svg_text(app.export_screenshot())
        assert "not recorded" in screens["alert list"]
        # Desktop notifications and the ticker draw an alert through the same text.
        events = alert_events(alerts)
        screens["ticker"] = "\n".join(event.sentence(app.show_phone) for event in events)
        # The user's alert command gets the masked alert (JSON on stdin).
        sent: list[bytes] = []
        notifier = CommandNotifier(["true"], timeout_s=1, log=print, show_phone=mask_phone)
        notifier._run = _keep(sent)  # type: ignore[method-assign]
        for alert in alerts:
            notifier.notify(alert)
        await pilot.pause()  # the runs start in the background
        await notifier.aclose()
        screens["alert command"] = b"\n".join(sent).decode()
        assert "0004" in screens["alert command"]
    for where, text in screens.items():
        _assert_no_full_number(text, where)


def _keep(sent: list[bytes]) -> Callable[[bytes], Coroutine[None, None, None]]:
    """A stand-in for the command's subprocess: keeps what it would get on stdin."""

    async def run(payload: bytes) -> None:
        sent.append(payload)

    return run


async def test_wall_mode_masks_and_leaving_it_shows_numbers_again(clock: FakeClock) -> None:
    app = make_app(clock)  # mask_callers="wall", the default
    async with running(app) as pilot:
        queues = "\n".join(view_lines(app.query_one(QueuePanel)))
        assert "0501000001" in queues
        await pilot.press("w")
        await pilot.pause()
        queues = "\n".join(view_lines(app.query_one(QueuePanel)))
        assert "0501000001" not in queues and "••••••0001" in queues


# --- one team's board: the API's own filters on run and demo --------------------------------
async def test_the_demo_shows_one_extension_and_one_queue_when_asked() -> None:
    everyone = demo_source(agents=12, queues=3, seed=7, speed=5.0)
    try:
        full = await everyone.fetch()
    finally:
        await everyone.aclose()
    agent = full.extensions[3].username
    queue = str(full.queues[1].queue_id)
    app = make_demo_app(
        BoardOptions(interval_s=1.0), agents=12, queues=3, seed=7, speed=5.0,
        extension=agent, queue=queue,
    )  # fmt: skip
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(200):  # bounded: ~10 s
            await pilot.pause(0.05)
            if app.board.snapshot is not None:
                break
        assert [a.username for a in app.board.agents] == [agent]
        assert [str(q.queue_id) for q in app.board.queues] == [queue]
        await pilot.press("q")


def test_run_and_demo_take_extension_and_queue() -> None:
    from click.testing import CliRunner

    from wallboard.cli import main

    for command in ("run", "demo"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert "--extension" in result.output and "--queue" in result.output
    # A board following a hub polls nothing: the filters are refused, in one line.
    result = CliRunner().invoke(
        main, ["run", "--from", "redis://127.0.0.1:1", "--extension", "sip1"]
    )
    assert result.exit_code == 2
    assert "polls nothing" in result.output


# --- right-to-left names ----------------------------------------------------------------------
BIDI_NAMES = [
    ("SIP2001", "דנה כהן", 1),
    ("SIP2002", "Dana כהן", 3),
    ("SIP2003", "משה 12 לוי", 1),
    ("SIP2004", "רונית (מוקד)", 7),
    ("SIP2005", "محمد علي", 1),
    ("SIP2006", "Avi Levi", 2),
]


def bidi_snapshot(clock: FakeClock) -> Snapshot:
    extensions = [
        {"username": sip, "name": name, "representative": name, "userID": 1,
         "onlineUserID": 2, "onlineUserStatus": status, "calls": []}
        for sip, name, status in BIDI_NAMES
    ]  # fmt: skip
    queues = [
        {"ID": 5001, "Name": "תמיכה טכנית", "Weight": 1, "Callers": []},
        {"ID": 5002, "Name": "Sales", "Weight": 1, "Callers": []},
    ]
    return make_snapshot(clock, extensions, queues)


async def test_b_lays_out_right_to_left_names_on_the_board(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, snapshot=bidi_snapshot(clock)) as pilot:
        grid = app.query_one(AgentGrid)
        logical = "\n".join(view_lines(grid))
        assert "דנה כהן" in logical  # the terminal's job: drawn in logical order
        await pilot.press("b")
        await pilot.pause()
        shown = "\n".join(view_lines(grid))
        assert "ןהכ הנד" in shown and "דנה כהן" not in shown
        assert "Dana ןהכ" in shown
        assert "יול 12 השמ" in shown  # the number reads 12, not 21
        assert "(דקומ) תינור" in shown
        queues = "\n".join(view_lines(app.query_one(QueuePanel)))
        assert "תינכט הכימת" in queues
        lines = view_lines(grid)
        assert {cell_len(line) for line in lines} == {grid.line_width}
        await pilot.press("b")
        await pilot.pause()
        assert "דנה כהן" in "\n".join(view_lines(grid))


async def test_b_lays_out_the_tickers_names_too(clock: FakeClock) -> None:
    """The ticker's line, its panel and the day's list: a Hebrew name inside an event
    reads right with `b`, the sentence around it left to right."""
    from wallboard.core.day_metrics import ABANDONED
    from wallboard.core.events import Event
    from wallboard.ui.ticker_list import EventLines
    from wallboard.ui.widgets.ticker_view import TickerLine

    app = make_app(clock)
    async with running(app, size=(220, 50), snapshot=bidi_snapshot(clock)) as pilot:
        app.add_events(
            [Event(clock.now(), ABANDONED, phone="0501", queue="תמיכה טכנית", seconds=30)]
        )
        await pilot.pause()
        line = app.query_one(TickerLine).content
        assert "abandoned תמיכה טכנית after 0:30" in line
        await pilot.press("b")
        await pilot.pause()
        line = app.query_one(TickerLine).content
        assert "abandoned תינכט הכימת after 0:30" in line
        assert "abandoned תינכט הכימת after 0:30" in screen_text(app)  # the panel as well
        await pilot.press("t")
        await pilot.pause()
        listed = app.screen.query_one(EventLines)
        first = "".join(segment.text for segment in listed.render_line(0))
        assert "abandoned תינכט הכימת after 0:30" in first
        await pilot.press("escape")


async def test_bidi_reorder_from_the_config(clock: FakeClock) -> None:
    app = make_app(clock, bidi="reorder")
    async with running(app, snapshot=bidi_snapshot(clock)):
        assert "ןהכ הנד" in "\n".join(view_lines(app.query_one(AgentGrid)))


# --- teams --------------------------------------------------------------------------------------
def centre_teams() -> Teams:
    """Teams over the fixed centre: Carol Talk is in Support and in Sales."""
    return Teams(
        [
            Team("Support", ("SIP1001", "SIP1003", "Dan*"), ("102",)),
            Team("Sales", ("*Talk", "Eve*", "Frank*"), ("Sales",)),
            Team("Back office", ("SIP101?",), ()),
        ]
    )


async def _filter(pilot: Pilot, text: str) -> None:
    await pilot.press("slash")
    box = pilot.app.query_one("#filter", Input)
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_the_grid_groups_agents_by_team_with_a_heading_each(clock: FakeClock) -> None:
    app = make_app(clock, teams=centre_teams())
    async with running(app) as pilot:
        grid = app.query_one(AgentGrid)
        lines = view_lines(grid)
        headings = [line.strip() for line in lines if "·" in line and "SIP" not in line]
        assert [h.split(" · ")[0] for h in headings] == [
            "Support", "Sales", "Back office", "No team",
        ]  # fmt: skip
        assert headings[0].startswith("Support · 3")  # Alice, Carol, Dan
        names = [agent.name for agent in grid.agents]
        assert names.count("Carol Talk") == 2  # under Support and under Sales
        text = "\n".join(lines)
        assert text.count("+Carol Talk") == 2 or (
            text.count("+Carol Talk") == 1 and "▶Carol Talk" in text
        )
        assert "by team" in str(grid.border_title)
        # Down walks the rows of agents, headings skipped; Enter opens the agent there.
        grid.select(0)
        await pilot.press("down")
        first_sales = grid.agents[grid.selected]
        assert app.options.teams.teams_of(first_sales)[-1] in ("Support", "Sales")
        await pilot.press("enter")
        await pilot.pause()
        assert app.detail_for is first_sales
        await pilot.press("escape")
        # g: one flat grid again, each agent once.
        await pilot.press("g")
        await pilot.pause()
        assert [a.name for a in grid.agents].count("Carol Talk") == 1
        assert all("Support ·" not in line for line in view_lines(grid))


async def test_slash_filters_by_team_and_by_queue(clock: FakeClock) -> None:
    app = make_app(clock, teams=centre_teams())
    async with running(app) as pilot:
        grid = app.query_one(AgentGrid)
        await _filter(pilot, "support")
        assert {a.username for a in grid.agents} == {"SIP1001", "SIP1003", "SIP1004"}
        await _filter(pilot, "Sales")  # a team and a queue: the team
        assert {a.username for a in grid.agents} == {"SIP1003", "SIP1005", "SIP1006"}
        await _filter(pilot, "102")  # Support's queue, by its ID
        assert {a.username for a in grid.agents} == {"SIP1001", "SIP1003", "SIP1004"}
        await _filter(pilot, "Billing")  # a queue no team answers: the name filter
        assert grid.agents == []
        await _filter(pilot, "grace")  # a name, as before
        assert [a.username for a in grid.agents] == ["SIP1007"]


async def test_the_queue_table_hook_counts_a_mapped_queues_agents(clock: FakeClock) -> None:
    app = make_app(clock, teams=centre_teams())
    async with running(app):
        # Support (102): Alice ringing and Carol talking are busy, Dan on hold is busy.
        assert app.queue_staff(102, "Support") == QueueStaff(available=0, busy=3, away=0)
        # Sales (101) by name: Carol and Eve busy, Frank available.
        assert app.queue_staff(101, "Sales") == QueueStaff(available=1, busy=2, away=0)
        assert app.queue_staff(103, "Billing") is None


async def test_a_hebrew_status_word_is_laid_out_too(clock: FakeClock) -> None:
    vocabulary = StatusVocabulary({3: StatusName("צהריים")})  # Dana Cohen's lunch
    app = make_app(clock, statuses=vocabulary, bidi="reorder")
    async with running(app, snapshot=bidi_snapshot(clock)):
        shown = "\n".join(view_lines(app.query_one(AgentGrid)))
        assert "יירהצ" in shown  # the word's first 5 letters (צהריי), in visual order


async def test_a_click_in_a_grouped_grid_selects_the_tile_under_it(clock: FakeClock) -> None:
    app = make_app(clock, teams=centre_teams())
    async with running(app) as pilot:
        grid = app.query_one(AgentGrid)
        lines = view_lines(grid)
        sales = next(i for i, line in enumerate(lines) if line.startswith(" Sales ·"))
        # The line under the heading is Sales's first row: Carol Talk, then Eve Multi (both
        # on a call, in name order). (Offsets are the widget's: its border is one cell.)
        await pilot.click(AgentGrid, offset=(3 + grid.cell_width, sales + 2))
        assert grid.selected_agent is not None
        assert grid.selected_agent.name == "Eve Multi"
        await pilot.click(AgentGrid, offset=(3, sales + 2))
        assert grid.selected_agent is not None
        assert grid.selected_agent.name == "Carol Talk"
        assert grid.selected >= 3  # the second Carol (under Sales), not the first
        await pilot.click(AgentGrid, offset=(3, sales + 1))  # a heading: nothing changes
        assert grid.selected_agent.name == "Carol Talk"


async def test_the_agent_detail_names_the_status_as_the_centre_does(clock: FakeClock) -> None:
    app = make_app(clock, statuses=StatusVocabulary({42: StatusName("Callback")}))
    async with running(app) as pilot:
        grid = app.query_one(AgentGrid)
        grid.select(next(i for i, a in enumerate(grid.agents) if a.username == "SIP1014"))
        await pilot.press("enter")
        await pilot.pause()
        text = app.query_one(DetailPane).plain_text
        assert "Callback (CALLB)" in text  # the state
        assert "Callback (42)" in text  # the status code, by the centre's name


async def test_the_detail_lays_out_names_too(clock: FakeClock) -> None:
    app = make_app(clock, bidi="reorder")
    async with running(app, snapshot=bidi_snapshot(clock)) as pilot:
        grid = app.query_one(AgentGrid)
        grid.select(next(i for i, a in enumerate(grid.agents) if a.username == "SIP2003"))
        await pilot.press("enter")
        await pilot.pause()
        text = app.query_one(DetailPane).plain_text
        assert text.splitlines()[0] == "Agent יול 12 השמ"
        assert "משה 12 לוי" not in text
