"""The board driven by keys and the mouse, on a fixed centre and a fake clock (Textual Pilot).

Everything checked here is what a user would see: the text the grid and queue panel draw,
the text of the totals, banner, health line and detail pane, and which widget has focus.
"""

from __future__ import annotations

import itertools
import random

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input
from ui_support import (
    HEBREW_NAME,
    HOSTILE_NAME,
    SOURCE_NAME,
    FixedSource,
    fixed_extensions,
    fixed_queues,
    make_snapshot,
    running,
    screen_text,
    settle,
    static_text,
    view_lines,
)

from wallboard.core.board import WaitLevel
from wallboard.ui.app import POLL_LEAD_S, BoardOptions, WallboardApp
from wallboard.ui.help import HelpScreen
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.detail import DetailPane
from wallboard.ui.widgets.health_line import HealthLine
from wallboard.ui.widgets.queue_panel import QueuePanel
from wallboard.ui.widgets.totals import BigFigures, TotalsBar

# The grid's order under the default sort (state, then name): calls first, then statuses.
STATE_ORDER = [  # by category (on a call, available, away, logged out), then by name
    "Alice Ring",
    "Bob Dial",
    "Carol Talk",
    "Dan Hold",
    "Eve Multi",
    "[bold red]x\ufffd[31mEVIL\ufffd]0;pwn\ufffd",
    "Frank Avail",
    "Grace Lunch",
    "Ivan Break",
    "Judy Other",
    "Ken Train",
    "Liam Meet",
    "Mia Brief",
    "Nora Unknown",
    HEBREW_NAME,
    "Oscar Out",
]


# Two tiles right of the first: Carol Talk (STATE_ORDER[2]), whatever the tiles per row.
TO_CAROL = ("right", "right")


def grid(app: WallboardApp) -> AgentGrid:
    return app.query_one(AgentGrid)


def queues(app: WallboardApp) -> QueuePanel:
    return app.query_one(QueuePanel)


def names(app: WallboardApp) -> list[str]:
    return [agent.name for agent in grid(app).agents]


def title(widget) -> str:
    return str(widget.border_title or "")


def selected_name(app: WallboardApp) -> str | None:
    agent = grid(app).selected_agent
    return None if agent is None else agent.name


def detail_text(app: WallboardApp) -> str:
    return app.query_one(DetailPane).plain_text


def detail_open(app: WallboardApp) -> bool:
    return app.screen.has_class("-detail") and app.query_one(DetailPane).display


def health(app: WallboardApp) -> str:
    return static_text(app.query_one(HealthLine))


def totals_text(app: WallboardApp) -> str:
    return static_text(app.query_one("#totals-text"))


def banner(app: WallboardApp) -> str:
    return static_text(app.query_one("#stale-banner"))


def row_of(lines: list[str], needle: str) -> str:
    found = [line for line in lines if needle in line]
    assert found, f"{needle!r} not on any line:\n" + "\n".join(lines)
    return found[0]


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)


def tile(app: WallboardApp, username: str) -> str:
    """The text of one agent's tile (its lines joined by ' | '), cut out of the grid's lines."""
    g = grid(app)
    index = next(i for i, agent in enumerate(g.agents) if agent.username == username)
    row, column = divmod(index, g.per_row)
    first = row * g.lines_per_row - int(g.scroll_y)
    lines = view_lines(g)
    width = g.cell_width
    return " | ".join(
        lines[first + part][column * width : (column + 1) * width]
        for part in range(g.lines_per_row)
    )


def timer(app: WallboardApp, username: str) -> str:
    """The timer an agent's tile shows (its last word)."""
    return tile(app, username).split()[-1]


def field(text: str, label: str) -> str:
    """The value on the detail pane's row labelled `label` (labels are 18 cells wide)."""
    for line in text.splitlines():
        if line[:18].strip() == label:
            return line[18:].strip()
    raise AssertionError(f"no row {label!r} in:\n{text}")


async def type_filter(pilot: Pilot, text: str, typed: bool = True) -> None:
    """`/`, the text, Enter: as a user filters (`typed=False` pastes the text: faster)."""
    await press(pilot, "slash")
    box = pilot.app.query_one("#filter", Input)
    assert box.has_focus and box.display
    if typed:
        await pilot.press(*text)
    else:
        box.value = text
    assert box.value == text
    await press(pilot, "enter")


# --- what is drawn, and moving about ---------------------------------------------------------
async def test_fixed_centre_is_drawn(board_app) -> None:
    app = board_app()
    async with running(app):
        assert names(app) == STATE_ORDER
        lines = view_lines(grid(app))
        assert lines[0].startswith("▶Alice Ring")  # the cursor starts on the first agent
        assert sum("▶" in line for line in lines) == 1
        words = {
            "SIP1001": "RING",
            "SIP1002": "DIAL",
            "SIP1003": "TALK",
            "SIP1004": "HOLD",
            "SIP1005": "DIAL",  # two calls: the live one (dialling a colleague) speaks
            "SIP1006": "AVAIL",
            "SIP1007": "LUNCH",
            "SIP1008": "ADMIN",
            "SIP1009": "BREAK",
            "SIP1010": "OTHER",
            "SIP1011": "TRAIN",
            "SIP1012": "MEET",
            "SIP1013": "BRIEF",
            "SIP1014": "?42",  # an unknown status stays visible
            "SIP1015": "OUT",
            "SIP1016": "AVAIL",
        }
        for username, word in words.items():
            assert f" {word} " in tile(app, username), username
        assert tile(app, "SIP1003").split() == ["Carol", "Talk", "TALK", "|", "SIP1003", "2:05"]
        assert "×2" in tile(app, "SIP1005")  # two calls on one extension
        assert "×" not in tile(app, "SIP1003")
        assert timer(app, "SIP1001") == "0:04"  # ring time since the call started
        # Hold: from the poll that first showed it (the API dates no hold), a lower bound.
        assert timer(app, "SIP1004") == "≥0:00"
        assert timer(app, "SIP1006") == "≥0:00"  # first sighting: a lower bound
        assert HEBREW_NAME in tile(app, "SIP1008")
        assert title(grid(app)).startswith("Agents 16/16 · sort: state")
        assert title(queues(app)).startswith("Queues 3")
        queue_lines = [line.split() for line in view_lines(queues(app))[1:] if line.strip()]
        # Trouble first: the queue waiting longest (at the alert level) on top.
        assert [row[:5] if len(row) > 2 else row for row in queue_lines] == [
            ["Support", "1", "caller", "waiting", "4:00"],
            ["0502000001", "4:00"],
            ["Sales", "2", "callers", "waiting", "1:15"],
            ["0501000002", "1:15"],  # the longest wait first
            ["0501000001", "0:15"],
            ["Billing", "1", "caller", "waiting", "0:05"],
            ["0503000001", "0:05"],
        ]
        totals = totals_text(app)
        for figure in (
            "Logged in 15",
            "Available 2",
            "Ringing 1",
            "Dialling 2",
            "Talking 1",
            "On hold 1",
            "Logged out 1",
            "Waiting 4",
            "Longest wait 4:00",
        ):
            assert figure in totals, figure
        assert SOURCE_NAME in health(app)
        assert "08:00:00" in health(app)  # UTC, from the fake clock
        assert "updated 0s ago" in health(app)
        assert "poll 12 ms" in health(app)
        assert not app.query_one(TotalsBar).has_class("-stale")
        assert "STALE" not in screen_text(app)


async def test_arrows_and_jkl_move_the_selection(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        g = grid(app)
        row = g.per_row
        assert g.has_focus and row == 4
        for key, index in [
            ("down", row),
            ("j", 2 * row),
            ("right", 2 * row + 1),
            ("l", 2 * row + 2),
            ("up", row + 2),
            ("k", 2),
            ("left", 1),
        ]:
            await press(pilot, key)
            assert g.selected == index, key
            assert selected_name(app) == STATE_ORDER[index]
        # The cursor is drawn on the selected tile, and only there.
        marked = [line for line in view_lines(g) if "▶" in line]
        assert len(marked) == 1 and "▶Bob Dial" in marked[0]
        # Moves stop at the edges.
        await press(pilot, *["j"] * 6)
        assert g.selected == 15  # clamped to the last agent
        await press(pilot, *["k"] * 6, "left")
        assert g.selected == 0


async def test_tab_switches_between_grid_and_queues(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        assert grid(app).has_focus
        await press(pilot, "tab")
        assert queues(app).has_focus
        assert queues(app).selected == 1  # the first queue's heading (line 0: the header)
        await press(pilot, "down", "j", "down", "k")
        assert queues(app).selected == 3
        assert grid(app).selected == 0  # the keys went to the queues, not the grid
        assert view_lines(queues(app))[3].split()[:2] == ["Sales", "2"]
        await press(pilot, "tab")
        assert grid(app).has_focus
        await press(pilot, "j")
        assert grid(app).selected == grid(app).per_row and queues(app).selected == 3


# --- detail pane ----------------------------------------------------------------------------
async def test_enter_on_agent_shows_every_field_of_its_calls(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, *TO_CAROL)
        assert selected_name(app) == "Carol Talk"
        assert not detail_open(app)
        await press(pilot, "enter")
        assert detail_open(app)
        assert "Agent detail" in title(app.query_one(DetailPane))
        text = detail_text(app)
        assert text.splitlines()[0] == "Agent Carol Talk"
        assert "Call 1 of 1" in text
        for label, value in [
            ("State", "Talking (TALK)"),
            ("In state for", "2:05"),
            ("SIP username", "SIP1003"),
            ("Status", "Logged in (1)"),
            ("userID", "5003"),
            ("Direction", "Incoming"),
            ("Caller name", "Acme Ltd"),
            ("Caller number", "0541110003"),
            ("DID", "0732000003"),
            ("Started", "2027-01-15 07:57:40"),
            ("since start", "2:20"),
            ("Answered", "2027-01-15 07:57:55"),
            ("talk time", "2:05"),
            ("ivrid", "ivr-talk-3"),
            ("Recorded", "yes"),
            ("Recording file", "rec-1003.wav"),
            ("Transferred from", "ivr-orig-77"),
            ("Custom data", "2 key(s)"),
            ("Campaign", "spring"),
        ]:
            assert field(text, label) == value, label
        assert "ivr-orig-77" in row_of(text.splitlines(), "OriginalIvr")
        assert "Agent Carol Talk" in screen_text(app)  # the pane is on screen
        # Escape closes it; the grid takes the width back.
        await press(pilot, "escape")
        assert not detail_open(app) and app.detail_for is None
        assert "Agent Carol Talk" not in screen_text(app)
        assert grid(app).per_row == 4
        # Another agent: a muted call, nothing transferred, no custom data.
        await press(pilot, "right", "enter")
        assert selected_name(app) == "Dan Hold"
        text = detail_text(app)
        assert field(text, "Recorded") == "no (muted)"
        assert field(text.split("Call 1 of 1")[1], "State") == "Hold"
        assert "Transferred from" not in text and "Custom data" not in text
        # With the pane open the grid is two tiles wide; the cursor still moves.
        assert grid(app).per_row == 2
        await press(pilot, "right", "enter")
        assert selected_name(app) == "Eve Multi"
        text = detail_text(app)
        assert "Call 1 of 2" in text and "Call 2 of 2" in text
        assert "ivr-multi-5a" in text and "ivr-multi-5b" in text
        await press(pilot, "escape", "escape")  # a second Escape is harmless
        assert not detail_open(app)


async def test_detail_of_agent_without_calls(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await type_filter(pilot, "nora", typed=False)
        await press(pilot, "enter")
        text = detail_text(app)
        assert "No active calls" in text
        assert field(text, "Status") == "Unknown (42) (42)"
        assert field(text, "In state for") == "≥ 0:00 (since board saw it)"


async def test_detail_custom_key_is_separated_from_its_value(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, *TO_CAROL, "enter")
        row = row_of(detail_text(app).splitlines(), "OriginalIvr")
        assert row.split()[-1] == "ivr-orig-77", row


async def test_enter_on_caller_shows_call_id_and_queue(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, "tab", "enter")  # a queue heading: the queue's detail
        assert detail_open(app)
        assert "Queue detail" in title(app.query_one(DetailPane))
        assert detail_text(app).splitlines()[0] == "Queue Support (102)"
        await press(pilot, "escape", "down", "down", "down", "enter")  # Sales' first caller
        assert detail_open(app)
        assert "Waiting caller" in title(app.query_one(DetailPane))
        text = detail_text(app)
        assert text.splitlines()[0] == "Waiting caller 0501000002"
        assert field(text, "Queue") == "Sales (101)"
        assert field(text, "Number") == "0501000002"
        assert field(text, "CallID") == "call-s2"
        assert field(text, "Waiting") == "1:15"
        assert field(text, "Joined") == "2027-01-15 07:58:45"
        assert field(text, "JoinTime (server)") == str(1_800_000_000 - 75)
        await press(pilot, "up", "up", "enter")
        text = detail_text(app)
        assert field(text, "Queue") == "Support (102)"
        assert field(text, "CallID") == "call-t1"
        await press(pilot, "escape")
        assert not detail_open(app)
        assert queues(app).has_focus


async def test_detail_ticks_and_follows_new_data(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, *TO_CAROL, "enter")
        assert field(detail_text(app), "talk time") == "2:05"
        clock.advance(10)
        app.tick()
        await pilot.pause()
        assert field(detail_text(app), "talk time") == "2:15"
        # Carol puts the caller on hold: the open pane follows her.
        exts = fixed_extensions()
        exts[2]["calls"][0]["callstatus"] = "Hold"
        app.show_snapshot(make_snapshot(clock, exts))
        await pilot.pause()
        assert field(detail_text(app), "State") == "On hold (HOLD)"


async def test_detail_redraws_only_the_rows_that_tick(board_app, clock) -> None:
    app = board_app()
    async with running(app, size=(120, 60)) as pilot:  # tall enough for the call's rows
        await press(pilot, *TO_CAROL)
        assert selected_name(app) == "Carol Talk"  # talking, one call
        await press(pilot, "enter")
        await pilot.pause()
        pane = app.query_one(DetailPane)
        before = view_lines(pane)
        regions = []
        refresh = pane.refresh
        pane.refresh = lambda *r, **k: (regions.extend(r), refresh(*r, **k))[1]
        clock.advance(1)
        app.tick()
        await pilot.pause()
        after = view_lines(pane)
        changed = {y for y, (old, new) in enumerate(zip(before, after, strict=True)) if old != new}
        assert len(changed) == 3  # in state for, since start, talk time
        assert {region.y for region in regions} == changed
        assert all(region.width <= 2 for region in regions)  # the seconds' digits only


async def test_detail_shrinks_when_a_call_ends(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, *TO_CAROL, "enter")
        await pilot.pause()
        pane = app.query_one(DetailPane)
        assert any("Call 1 of 1" in line for line in view_lines(pane))
        exts = fixed_extensions()
        exts[2]["calls"] = []
        app.show_snapshot(make_snapshot(clock, exts))
        await pilot.pause()
        lines = view_lines(pane)
        assert not any("Call 1" in line or "talk time" in line for line in lines)
        rows = pane.plain_text.rstrip("\n").count("\n") + 1
        assert all(not line.strip() for line in lines[rows:])


async def test_detail_wraps_long_values_and_shows_them_whole(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        exts = fixed_extensions()
        exts[2]["calls"][0]["callername"] = "Acme " + "x" * 90 + " END"
        app.show_snapshot(make_snapshot(clock, exts))
        await press(pilot, *TO_CAROL)
        assert selected_name(app) == "Carol Talk"
        await press(pilot, "enter")
        await pilot.pause()
        pane = app.query_one(DetailPane)
        lines = view_lines(pane)
        assert all(len(line) == pane.line_width for line in lines)
        shown = "".join(line.strip() for line in lines)
        assert "x" * 90 + "END" in shown.replace(" ", "")


async def test_detail_says_when_its_agent_or_caller_has_gone(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, *TO_CAROL, "enter")
        assert "Agent Carol Talk" in detail_text(app)
        exts = [ext for ext in fixed_extensions() if ext["username"] != "SIP1003"]
        ques = fixed_queues()
        ques[0]["Callers"] = ques[0]["Callers"][:1]  # call-s2 was answered
        clock.advance(5)
        app.show_snapshot(make_snapshot(clock, exts, ques))
        await pilot.pause()
        text = detail_text(app).casefold()
        assert any(word in text for word in ("gone", "no longer", "left")), text
        await press(pilot, "escape", "tab", "down", "down", "down", "enter")
        assert "call-s1" in detail_text(app)
        ques[0]["Callers"] = []
        clock.advance(5)
        app.show_snapshot(make_snapshot(clock, exts, ques))
        await pilot.pause()
        text = detail_text(app).casefold()
        assert any(word in text for word in ("gone", "no longer", "left")), text


async def test_hostile_name_is_plain_text(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await type_filter(pilot, "SIP1016", typed=False)
        assert names(app) == [STATE_ORDER[5]]
        await press(pilot, "enter")
        screen = screen_text(app)
        assert "\x1b" not in screen and "\x07" not in screen
        assert "[bold red]x" in screen  # markup shown as text, not obeyed
        text = detail_text(app)
        assert "\x1b" not in text and HOSTILE_NAME not in text
        assert field(text, "Name").startswith("[bold red]x\ufffd[31mEVIL\ufffd]0;pwn")


# --- filter ---------------------------------------------------------------------------------
async def test_filter_selects_first_match(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        g = grid(app)
        for text, first, count in [
            ("carol", "Carol Talk", 1),  # name
            ("JUDY", "Judy Other", 1),  # representative, any case
            ("ext 1010", "Judy Other", 1),  # the extension's own name
            ("SIP1013", "Mia Brief", 1),  # SIP username
            ("sip101", STATE_ORDER[5], 7),  # several: the first in sort order is selected
        ]:
            await press(pilot, "down")  # the cursor somewhere else first
            await type_filter(pilot, text, typed=text == "JUDY")
            assert len(g.agents) == count, text
            assert g.selected == 0 and selected_name(app) == first, text
            assert g.has_focus
            assert not app.query_one("#filter", Input).display
            assert title(g).startswith(f"Agents {count}/16 · sort: state · filter: {text}")
            assert view_lines(g)[0].startswith("▶")
            if text == "sip101":
                await press(pilot, "enter")
                assert detail_text(app).splitlines()[0] == f"Agent {first}", text
                await press(pilot, "escape")  # the detail first
            await press(pilot, "escape")  # then the filter
            assert len(g.agents) == 16
        await type_filter(pilot, "כהן", typed=False)  # Hebrew, pasted
        assert names(app) == [HEBREW_NAME]


async def test_typing_in_the_filter_does_not_trigger_board_keys(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await type_filter(pilot, "dan hold")  # h and l are board keys
        assert names(app) == ["Dan Hold"]
        assert not app.hide_logged_out
        await type_filter(pilot, "swcq?")  # sort, wall, compact, quit, help: only letters here
        assert app.is_running
        assert str(app.sort) == "state"
        assert not app.wall and not app.compact
        assert not isinstance(app.screen, HelpScreen)
        assert names(app) == []
        assert title(grid(app)).startswith("Agents 0/16 · sort: state · filter: swcq?")
        await press(pilot, "enter")  # nothing selected: nothing opens
        assert not detail_open(app)


async def test_a_filter_matching_nobody_says_so_on_the_grid(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await type_filter(pilot, "VIP")
        assert names(app) == []
        lines = view_lines(grid(app))
        assert lines[0].startswith(" No agent matches “VIP” in names and SIP ids")
        assert all(not line.strip() for line in lines[1:])
        await press(pilot, "escape")
        assert names(app) == STATE_ORDER
        assert not any("No agent matches" in line for line in view_lines(grid(app)))


async def test_escape_clears_the_filter(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await type_filter(pilot, "carol")
        assert names(app) == ["Carol Talk"]
        await press(pilot, "escape")
        assert names(app) == STATE_ORDER
        assert app.filter_text == ""
        assert "filter" not in title(grid(app))
        assert selected_name(app) == "Carol Talk"  # the cursor stays on the agent
        # Escape while typing closes the box and clears it too.
        await press(pilot, "slash", "b", "escape")
        assert not app.query_one("#filter", Input).display
        assert names(app) == STATE_ORDER
        assert grid(app).has_focus
        # With the detail open, Escape closes the detail first, then clears the filter.
        await type_filter(pilot, "dial", typed=False)
        assert names(app) == ["Bob Dial"]
        await press(pilot, "enter", "escape")
        assert not detail_open(app)
        assert names(app) == ["Bob Dial"]
        await press(pilot, "escape")
        assert len(names(app)) == 16


# --- sort, hide, compact, wall --------------------------------------------------------------
async def test_s_cycles_sort_and_changes_order(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        assert names(app) == STATE_ORDER
        await press(pilot, "s")
        assert str(app.sort) == "name"
        assert "sort: name" in title(grid(app))
        assert names(app) == sorted(STATE_ORDER, key=str.casefold)
        lines = view_lines(grid(app))
        assert lines[0].startswith("![bold red]x")  # available while callers wait
        assert selected_name(app) == "Alice Ring"  # the cursor stays on its agent
        assert "▶Alice Ring" in lines[0]
        await press(pilot, "s")
        assert str(app.sort) == "time in state"
        assert "sort: time in state" in title(grid(app))
        # Longest in state first: talking 2:05, dialling 0:20 ... (a hold counts from
        # when the board first saw it)
        assert names(app)[:4] == ["Carol Talk", "Eve Multi", "Bob Dial", "Alice Ring"]
        await press(pilot, "s")
        assert str(app.sort) == "state"
        assert names(app) == STATE_ORDER


async def test_h_hides_logged_out_from_the_grid(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        assert grid(app).has_focus
        await press(pilot, "right", "h")
        assert app.hide_logged_out
        assert "Oscar Out" not in names(app)
        assert grid(app).selected == 1  # h did not move the cursor


async def test_h_hides_logged_out(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, "tab", "h")  # from the queue panel h reaches the app
        assert app.hide_logged_out
        assert "Oscar Out" not in names(app)
        assert len(names(app)) == 15
        assert title(grid(app)).startswith("Agents 15/16")
        assert "logged-out hidden" in title(grid(app))
        assert not any("Oscar" in line for line in view_lines(grid(app)))
        await press(pilot, "h")
        assert names(app) == STATE_ORDER


async def test_c_switches_to_compact_and_back(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        g = grid(app)
        await press(pilot, "c")
        assert app.compact and g.compact
        assert g.lines_per_row == 1
        assert g.per_row == g.line_width // 52
        lines = view_lines(g)
        # One line per agent: the word, the name, the SIP id and the timer together.
        assert tile(app, "SIP1003").split() == ["TALK", "Carol", "Talk", "SIP1003", "2:05"]
        assert tile(app, "SIP1005").split() == ["DIAL", "Eve", "Multi", "SIP1005", "×2", "0:20"]
        assert sum(1 for line in lines if line.strip()) == -(-16 // g.per_row)
        # Columns line up whatever the name's script: SIP ids and timers start at the same cell.
        assert len({line.index("SIP10") for line in lines if "SIP10" in line}) == 1
        assert all(g.render_line(y).cell_length == g.size.width for y in range(len(lines)))
        await press(pilot, "down")
        assert g.selected == g.per_row
        await press(pilot, "c")
        assert not g.compact and g.lines_per_row == 2
        assert g.per_row == 4
        assert selected_name(app) == STATE_ORDER[g.selected]


async def test_w_wall_mode_big_digits_no_footer(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        assert app.query_one(Footer).display
        await press(pilot, "w")
        assert app.wall and app.screen.has_class("-wall")
        assert not app.query_one(Footer).display
        assert not app.query_one("#totals-text").display
        big = app.query_one(BigFigures)
        assert big.display and big.region.height >= 4
        cards = {placed.card.label: placed.card for placed in big.bands[0][1]}
        assert cards["WAITING"].text == "4" and cards["LONGEST"].text == "4:00"
        assert cards["LONGEST"].style == app._wait_styles[WaitLevel.ALERT]  # 4:00 ≥ 3:00
        screen = screen_text(app)
        assert "WAITING" in screen and "LONGEST" in screen
        assert "Quit" not in screen  # no key hints on a wall
        assert not any("▶" in line for line in view_lines(grid(app)))  # no cursor
        assert app.theme == "dark"  # a named theme is kept
        await press(pilot, "w")
        assert not app.wall
        assert app.query_one(Footer).display
        assert not big.display
        assert any("▶" in line for line in view_lines(grid(app)))


async def test_wall_mode_high_contrast_unless_a_theme_is_named_and_pages(board_app) -> None:
    app = board_app(theme=None, wall_view="agents")  # the wall's agents view pages
    async with running(app, size=(80, 18)) as pilot:  # the grid alone: 18 rows pages
        assert app.theme == "dark"
        await press(pilot, "w")
        assert app.theme == "high-contrast"
        g = grid(app)
        pages = g.page_count()
        assert pages > 1
        assert g.scroll_y == 0
        for _ in range(20):  # every 8 seconds the next page
            app.clock.advance(1)  # type: ignore[attr-defined]
            app.tick()
            if g.scroll_y:
                break
        await pilot.pause()
        assert g.scroll_y > 0
        assert f"page 2/{pages}" in title(g)
        await press(pilot, "w")
        assert app.theme == "dark"
        assert g.scroll_y == 0


async def test_each_wall_visit_to_the_agents_starts_on_page_1_and_shows_every_page(
    board_app,
) -> None:
    """Rotating: the agents' view stays until each page has had its 8 seconds (the other
    views their 15), and comes back on its first page, after a resize too."""
    from wallboard.ui.app import WALL_PAGE_SECONDS

    app = board_app(theme=None)
    async with running(app, size=(80, 18)) as pilot:
        await press(pilot, "w")
        g = grid(app)
        seen: list[tuple[str, int]] = []  # (view, page) each second
        counts: set[int] = set()  # the grid's pages while on screen
        for _ in range(120):  # two minutes of a wall, a second a step
            app.clock.advance(1)
            app.tick()
            await pilot.pause()
            view = app.wall_rotation.view
            seen.append((view, app._wall_page if view == "agents" else -1))
            if view == "agents":
                counts.add(g.page_count())
        pages = max(counts)  # (the first second of a visit may read the grid before layout)
        assert pages >= 3
        visits: list[list[int]] = []
        for (view, page), (before, _) in zip(seen, [("", -1), *seen], strict=False):
            if view == "agents":
                if before != "agents":
                    visits.append([])
                visits[-1].append(page)
        full = [visit for visit in visits if len(visit) >= pages * WALL_PAGE_SECONDS]
        assert full, visits
        for visit in visits:
            assert visit[0] == 0  # every visit starts on page 1
        for visit in full:
            # every page, in order, each for its 8 seconds
            assert [visit.count(page) for page in range(pages)] == [WALL_PAGE_SECONDS] * pages
        # a resize mid-visit starts the pages again, the title with them
        while app.wall_rotation.view != "agents":
            app.clock.advance(1)
            app.tick()
        for _ in range(WALL_PAGE_SECONDS):
            app.clock.advance(1)
            app.tick()
        await pilot.pause()
        assert app._wall_page == 1
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        await pilot.pause()
        assert app._wall_page == 0
        assert "page" not in title(g) or "page 1/" in title(g)


async def test_the_cursors_agent_stays_in_view_when_the_grid_reflows(board_app) -> None:
    """Sorting, a detail pane narrowing the grid, or compact rows move the agents about:
    the one under the cursor is scrolled back into view each time."""

    def cursor_on_screen(app: WallboardApp) -> bool:
        return any("▶" in line or "▷" in line for line in view_lines(grid(app)))

    app = board_app()
    async with running(app, size=(100, 24)) as pilot:
        g = grid(app)
        g.focus()
        await pilot.pause()
        await press(pilot, *["down"] * 12)  # the last rows
        await pilot.pause()
        assert g.scroll_y > 0 and cursor_on_screen(app)
        chosen = selected_name(app)
        for keys in (("s",), ("s",), ("enter",), ("escape",), ("c",), ("s",)):
            await press(pilot, *keys)
            await settle(pilot)
            assert selected_name(app) == chosen, keys
            assert cursor_on_screen(app), (keys, view_lines(g))


# --- quit and help --------------------------------------------------------------------------
async def test_q_quits_with_exit_code_0(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert app.return_value == 0


async def test_question_mark_shows_help(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "wallboard keys" in text
        assert "hide or show logged-out agents" in text
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)
        await press(pilot, "question_mark", "question_mark")  # ? closes it too
        assert not isinstance(app.screen, HelpScreen)
        await press(pilot, "question_mark", "q")  # q closes help, does not quit
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running


# --- mouse ----------------------------------------------------------------------------------
async def test_click_selects_a_tile_and_double_click_opens_it(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        g = grid(app)
        # Offsets count from the widget's border. Row 1, column 1 of the tiles.
        x = 1 + g.cell_width + 3
        y = 1 + g.lines_per_row + 1  # the tile's second line
        index = g.per_row + 1
        assert await pilot.click(AgentGrid, offset=(x, y))
        assert g.selected == index and selected_name(app) == STATE_ORDER[index]
        assert not detail_open(app)
        # Beside the last column and below the last row: nothing there, nothing changes.
        assert await pilot.click(AgentGrid, offset=(1 + g.cell_width * g.per_row + 2, 1))
        assert await pilot.click(AgentGrid, offset=(3, 1 + 13))
        assert g.selected == index
        assert await pilot.double_click(AgentGrid, offset=(3, 1))
        assert selected_name(app) == "Alice Ring"
        assert detail_open(app)
        assert "Agent Alice Ring" in detail_text(app)


async def test_click_selects_a_waiting_caller(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        assert await pilot.click(QueuePanel, offset=(4, 1 + 4))
        assert queues(app).selected == 4
        assert not detail_open(app)
        assert await pilot.double_click(QueuePanel, offset=(4, 1 + 4))
        assert field(detail_text(app), "CallID") == "call-s2"


# --- terminal size --------------------------------------------------------------------------
def assert_sane_layout(app: WallboardApp) -> None:
    """Every part is on screen, none overlaps another, lines fill their widget exactly."""
    width, height = app.size
    parts = [app.query_one(TotalsBar), grid(app), queues(app), app.query_one(HealthLine)]
    for part in parts:
        region = part.region
        assert region.width > 0 and region.height > 0, part
        assert region.right <= width and region.bottom <= height, (part, region, app.size)
    for i, one in enumerate(parts):
        for other in parts[i + 1 :]:
            assert not one.region.overlaps(other.region), (one, other)
    for view in (grid(app), queues(app)):
        for y in range(view.size.height):
            assert view.render_line(y).cell_length == view.size.width
    assert app.query_one(HealthLine).region.y == height - 2  # just above the footer


async def test_resize_small_huge_and_back(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, *TO_CAROL, "right")
        assert selected_name(app) == "Dan Hold"
        for size in [(80, 24), (300, 100), (120, 40), (80, 24), (120, 40)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.size == size
            assert app.screen.has_class("-narrow") == (size[0] < 100)
            assert_sane_layout(app)
            g = grid(app)
            assert g.per_row == max(1, g.line_width // 24)
            assert selected_name(app) == "Dan Hold"
            assert sum("▶" in line for line in view_lines(g)) <= 1
            if size == (300, 100):
                text = screen_text(app)
                assert all(name in text for name in ("Alice Ring", "Oscar Out", "Nora Unknown"))
            await press(pilot, "right", "left")  # keys still work at every size
            assert selected_name(app) == "Dan Hold"
        assert "Dan Hold" in screen_text(app)
        await press(pilot, "enter")
        assert "Agent Dan Hold" in detail_text(app)


async def test_narrow_layout_follows_resize(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        for size in [(80, 24), (120, 40), (90, 30)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.screen.has_class("-narrow") == (size[0] < 100), size
            if size[0] < 100:
                assert queues(app).region.y < grid(app).region.y  # stacked


async def test_no_scrollbar_when_every_line_fits(board_app, clock) -> None:
    app = board_app()
    async with running(app, size=(80, 24)) as pilot:
        panel = queues(app)
        assert panel.size.height >= panel.line_count()  # 8 lines in 8 rows: all fit
        assert panel.max_scroll_y == 0
        assert not panel.show_vertical_scrollbar
        await pilot.resize_terminal(120, 40)
        clock.advance(16)
        app.tick()  # the STALE banner takes a line from the panels
        await pilot.pause()
        for view in (grid(app), queues(app)):
            assert view.max_scroll_y == 0, view
            assert not view.show_vertical_scrollbar, view


async def test_small_terminal_stacks_queues_and_scrolls_to_selection(board_app) -> None:
    app = board_app()
    async with running(app, size=(80, 24)) as pilot:
        assert app.screen.has_class("-narrow")
        g = grid(app)
        assert queues(app).region.y < g.region.y  # the queue table above the grid
        assert_sane_layout(app)
        assert "In 15" in totals_text(app) and "Waiting 4" in totals_text(app)  # short words
        await press(pilot, *["down"] * 8)
        assert selected_name(app) == "Oscar Out"
        assert any("▶Oscar Out" in line for line in view_lines(g))  # scrolled into view


# --- time, staleness and odd answers --------------------------------------------------------
@pytest.mark.parametrize("compact", [False, True])
async def test_a_second_call_shows_on_the_tile_at_the_next_poll(board_app, clock, compact) -> None:
    app = board_app(compact=compact)
    async with running(app) as pilot:
        assert "×" not in tile(app, "SIP1003")
        exts = fixed_extensions()
        carol = next(ext for ext in exts if ext["username"] == "SIP1003")
        carol["calls"] = carol["calls"] + [dict(carol["calls"][0], ivrid="second")]
        clock.advance(2)
        app.show_snapshot(make_snapshot(clock, exts))
        await pilot.pause()
        assert "×2" in tile(app, "SIP1003")
        app.show_snapshot(make_snapshot(clock))  # and back to one call
        await pilot.pause()
        assert "×" not in tile(app, "SIP1003")


async def test_timers_tick_with_the_clock(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        before = view_lines(grid(app))
        assert timer(app, "SIP1003") == "2:05"
        clock.advance(7)
        app.tick()
        await pilot.pause()
        assert view_lines(grid(app)) != before
        assert timer(app, "SIP1003") == "2:12"
        assert timer(app, "SIP1004") == "≥0:07"
        assert timer(app, "SIP1001") == "0:11"
        assert timer(app, "SIP1006") == "≥0:07"
        queue_lines = view_lines(queues(app))
        assert row_of(queue_lines, "0502000001").split()[-1] == "4:07"
        assert row_of(queue_lines, "Support").split()[4] == "4:07"
        assert row_of(queue_lines, "0501000001").split()[-1] == "0:22"
        assert "Longest wait 4:07" in totals_text(app)
        assert "updated 7s ago" in health(app)
        assert "08:00:07" in health(app)


async def test_status_change_seen_live_is_exact(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        clock.advance(30)
        exts = fixed_extensions()
        exts[5]["onlineUserStatus"] = 7  # Frank goes on a short break while we watch
        app.show_snapshot(make_snapshot(clock, exts))
        clock.advance(4)
        app.tick()
        await pilot.pause()
        assert " BREAK " in tile(app, "SIP1006")
        assert timer(app, "SIP1006") == "0:04"  # seen to change: exact, no ≥
        assert timer(app, "SIP1007") == "≥0:34"


async def test_timers_step_one_second_per_tick_when_polls_land_between_ticks(
    board_app, clock
) -> None:
    """A poll drawn between ticks, or a late tick, must not make a timer stall then jump.

    Frank's break is seen at 30.3 s, so his timer turns over at .3 of each second; ticks
    fall on whole seconds. Read at the poll's moment (35.5 s) it would show 0:05 early,
    and again at the 36 s tick: a stall, then a jump of two.
    """
    app = board_app()
    async with running(app) as pilot:
        clock.advance(30)
        app.tick()
        clock.advance(0.3)
        exts = fixed_extensions()
        exts[5]["onlineUserStatus"] = 7
        app.show_snapshot(make_snapshot(clock, exts))
        clock.advance(0.7)
        app.tick()  # 31 s
        for _ in range(4):
            clock.advance(1)
            app.tick()  # 32 .. 35 s
        await pilot.pause()
        assert timer(app, "SIP1006") == "0:04"
        clock.advance(0.5)
        app.show_snapshot(make_snapshot(clock, exts))  # a poll at 35.5 s
        await pilot.pause()
        assert timer(app, "SIP1006") == "0:04"
        clock.advance(0.5)
        app.tick()  # 36 s
        await pilot.pause()
        assert timer(app, "SIP1006") == "0:05"
        clock.advance(1.4)
        app.tick()  # 37 s, fired 0.4 s late
        await pilot.pause()
        assert timer(app, "SIP1006") == "0:06"
        clock.advance(0.6)
        app.tick()  # 38 s
        await pilot.pause()
        assert timer(app, "SIP1006") == "0:07"


async def test_a_poll_just_before_a_tick_is_drawn_at_the_ticks_time_and_the_tick_redraws_nothing(
    board_app, clock
) -> None:
    """Polls are steered to answer just before a tick: the two are one redraw, not two."""
    app = board_app()
    async with running(app) as pilot:
        clock.advance(30)
        app.tick()  # ticks on whole seconds
        clock.advance(0.3)
        exts = fixed_extensions()
        exts[5]["onlineUserStatus"] = 7  # Frank's break, seen at 30.3 s
        app.show_snapshot(make_snapshot(clock, exts))
        for _ in range(5):
            clock.advance(0.7 if _ == 0 else 1)
            app.tick()  # 31 .. 35 s
        await pilot.pause()
        assert timer(app, "SIP1006") == "0:04"
        redraws: list[str] = []
        for view in (grid(app), queues(app)):

            def counted(view=view, original=view.refresh_changed) -> int:
                redraws.append(type(view).__name__)
                return original()

            view.refresh_changed = counted  # type: ignore[method-assign]
        clock.advance(0.85)
        app.show_snapshot(make_snapshot(clock, exts))  # a poll at 35.85 s
        await pilot.pause()
        assert timer(app, "SIP1006") == "0:05"  # drawn at the 36 s tick's time
        assert sorted(redraws) == ["AgentGrid", "QueuePanel"]  # data and time in one pass
        redraws.clear()
        clock.advance(0.17)
        app.tick()  # 36 s, a little late
        assert redraws == []  # the poll drew this second already
        del grid(app).refresh_changed, queues(app).refresh_changed
        clock.advance(0.98)
        app.tick()  # 37 s
        await pilot.pause()
        assert timer(app, "SIP1006") == "0:06"
        assert "08:00:37" in health(app)


def ticking_app(clock, interval_s: float) -> WallboardApp:
    options = BoardOptions(
        poll=False, ticks=True, local_time=False, theme="dark", interval_s=interval_s
    )
    return WallboardApp(FixedSource(), clock, options)


async def test_the_ticks_move_to_come_just_after_data_that_lands_between_them(clock) -> None:
    """The board does not steer the data's timing (a hub polls for many boards): its ticks
    follow the data, so the data and the tick cost one redraw."""
    app = ticking_app(clock, 5.0)
    async with running(app) as pilot:  # ticked on mount, data at the tick's own time
        origin = app._tick_origin
        assert origin == clock.now()
        clock.advance(0.5)  # data half-way between two ticks: the ticks move
        app.show_snapshot(make_snapshot(clock))
        assert app._tick_origin == pytest.approx(clock.now() + POLL_LEAD_S)
        assert app._timer_now == app._tick_origin  # drawn at the coming tick's time
        await pilot.pause(POLL_LEAD_S + 0.1)  # the moved tick came, a new 1 Hz timer runs
        assert app._tick_timer is not None and app._tick_timer.name != "tick-phase"
        moved = app._tick_origin  # (the fake clock stood still at that tick: a small drift)
        clock.advance(5.0)  # the next poll lands just before a tick: nothing moves
        app.show_snapshot(make_snapshot(clock))
        assert app._tick_origin == moved


async def test_ticks_do_not_chase_data_that_keeps_no_phase_against_them(clock) -> None:
    app = ticking_app(clock, 2.5)  # the data's phase would move every poll
    async with running(app):
        origin = app._tick_origin
        clock.advance(0.5)
        app.show_snapshot(make_snapshot(clock))
        assert app._tick_origin == origin


async def test_timers_step_one_second_per_tick_with_jittery_ticks_half_a_second_off_polls(
    board_app, clock
) -> None:
    """Polls half a second from the ticks' phase; each tick a little early or late."""
    app = board_app()  # it ticked once on mount, at 0 s: the ticks' grid
    jitter = random.Random(7)
    async with running(app) as pilot:
        exts = fixed_extensions()
        exts[5]["onlineUserStatus"] = 7
        clock.advance(0.2)
        app.show_snapshot(make_snapshot(clock, exts))  # Frank's break seen at 0.2 s
        readings = []
        now = 0.2
        for second in range(1, 31):
            if second % 2 == 0:
                clock.advance(second - 0.53 - now)
                now = second - 0.53
                app.show_snapshot(make_snapshot(clock, exts))
            tick_at = second + jitter.uniform(-0.04, 0.04)
            clock.advance(tick_at - now)
            now = tick_at
            app.tick()
            await pilot.pause()
            readings.append(timer(app, "SIP1006"))
        seconds = [int(m) * 60 + int(s) for m, s in (r.split(":") for r in readings)]
        assert [b - a for a, b in itertools.pairwise(seconds)] == [1] * 29, readings


async def test_wait_turns_warning_then_alert(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        card = app.query_one(BigFigures)  # its class: the longest wait's level
        assert card.has_class("wait-alert")  # Support's caller has waited 4:00
        ques = fixed_queues()
        ques[1]["Callers"] = []
        app.show_snapshot(make_snapshot(clock, queues=ques))
        await pilot.pause()
        assert card.has_class("wait-warn")  # Sales' 1:15
        clock.advance(110)
        app.tick()
        await pilot.pause()
        assert card.has_class("wait-alert")  # 3:05


async def test_stale_after_three_intervals_and_clears_on_new_data(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        totals = app.query_one(TotalsBar)
        line = app.query_one(HealthLine)
        clock.advance(2)
        app.show_failure("network", "connection refused", 4.0)
        await pilot.pause()
        # An error alone is on the health line; the data is not stale yet.
        assert "⚠ network: connection refused · retry in 4s" in health(app)
        assert line.has_class("-failing")
        assert not totals.has_class("-stale")
        assert "STALE" not in screen_text(app)
        clock.advance(12)  # 14 s: under 3 intervals of 5 s
        app.tick()
        await pilot.pause()
        assert not totals.has_class("-stale")
        clock.advance(2)  # 16 s
        app.show_failure("network", "connection refused", 8.0)
        await pilot.pause()
        assert totals.has_class("-stale")
        assert title(totals) == "STALE"
        assert banner(app).strip() == "⚠ STALE: no update for 16s: connection refused"
        assert "⚠ STALE: no update for 16s" in screen_text(app)
        assert "2 failures in a row" in health(app)
        assert "retry in 8s" in health(app)
        assert "updated 16s ago" in health(app)
        clock.advance(3)
        app.tick()
        await pilot.pause()
        assert "no update for 19s" in banner(app)
        assert "retry in 5s" in health(app)
        # New data: live again, the error gone.
        app.show_snapshot(make_snapshot(clock))
        await pilot.pause()
        assert not totals.has_class("-stale")
        assert title(totals) == "Live"
        assert not line.has_class("-failing")
        assert "⚠" not in health(app)
        assert "STALE" not in screen_text(app)
        assert "updated 0s ago" in health(app)


async def test_health_line_shows_error_and_retry_on_a_real_url(board_app, clock) -> None:
    app = board_app(source_name="https://monapisec.voicenter.co.il/comet/API")
    async with running(app) as pilot:
        clock.advance(2)
        app.show_failure("network", "GetExtensionsCalls: network error (ConnectError)", 4.0)
        await pilot.pause()
        assert "retry in 4s" in health(app)  # the text is all there...
        for size in [(120, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            shown = screen_text(app).splitlines()[-2]  # ...but is it on screen?
            assert "⚠ network" in shown and "retry in 4s" in shown, (size, shown)


async def test_stale_when_no_data_ever_arrives_wall_mode(board_app, clock) -> None:
    app = board_app(wall=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "waiting for first data" in health(app)
        assert not app.query_one(TotalsBar).has_class("-stale")
        clock.advance(16)
        app.tick()
        await pilot.pause()
        assert app.query_one(TotalsBar).has_class("-stale")
        assert "STALE: no data yet" in banner(app)
        assert "⚠ STALE: no data yet" in screen_text(app)  # the wall shows it too


async def test_suspicious_empty_list_keeps_agents(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        clock.advance(5)
        ques = fixed_queues()
        ques[0]["Callers"] = []
        app.show_snapshot(make_snapshot(clock, extensions=[], queues=ques))
        await pilot.pause()
        assert names(app) == STATE_ORDER  # the last agents seen stay on screen
        assert app.query_one(TotalsBar).has_class("-stale")
        assert "the API returned no extensions (had 16)" in banner(app)
        assert "⚠ suspicious: the API returned no extensions" in health(app)
        assert app.query_one(HealthLine).has_class("-failing")
        assert "Waiting 2" in totals_text(app)  # the queues still update
        assert row_of(view_lines(queues(app)), "Sales").split()[1:3] == ["nobody", "waiting"]
        assert "Logged in 15" in totals_text(app)
        # A full list again: all clear.
        app.show_snapshot(make_snapshot(clock))
        await pilot.pause()
        assert not app.query_one(TotalsBar).has_class("-stale")
        assert "suspicious" not in health(app)


async def test_caller_who_leaves_disappears_from_the_screen(board_app, clock) -> None:
    app = board_app()
    async with running(app) as pilot:
        assert screen_text(app).count("0503000001") == 1
        ques = fixed_queues()
        ques[2]["Callers"] = []  # Billing's only caller is answered
        clock.advance(2)
        app.show_snapshot(make_snapshot(clock, queues=ques))
        await pilot.pause()
        assert "0503000001" not in "\n".join(view_lines(queues(app)))  # the panel knows...
        assert "0503000001" not in screen_text(app)  # ...but the screen still shows it


async def test_leaving_compact_leaves_no_compact_lines(board_app) -> None:
    app = board_app()
    async with running(app) as pilot:
        await press(pilot, "c", "c")
        assert not grid(app).compact
        assert screen_text(app).count("Oscar Out") == 1, screen_text(app)


async def test_empty_centre_from_the_start_is_not_suspicious(board_app, clock) -> None:
    app = board_app()
    snap = make_snapshot(clock, extensions=[], queues=[])
    async with running(app, snapshot=snap) as pilot:
        assert names(app) == []
        assert not app.query_one(TotalsBar).has_class("-stale")
        assert title(grid(app)).startswith("Agents 0/0 · sort: state")
        await press(pilot, "enter", "down", "s", "c", "tab", "enter")  # nothing there: no crash
        assert not detail_open(app)


async def test_refreshed_regions_do_not_pile_up(board_app, clock) -> None:
    # Textual keeps each refreshed region in a widget's `_dirty_regions` until its own
    # `render_line` runs; the line views and the text rows (totals, health line) replace
    # that method, so they must empty the set.
    app = board_app()
    async with running(app) as pilot:
        for _ in range(200):
            clock.advance(1)
            app.tick()
            await pilot.pause()
        text_rows = (app.query_one("#totals-text"), app.query_one(HealthLine))
        for view in (grid(app), queues(app), *text_rows):
            assert len(view._dirty_regions) <= 10  # without the fix: dozens, growing


async def test_two_extensions_with_one_username_open_their_own_details(board_app, clock) -> None:
    """The detail pane follows the agent chosen, not the first with the same SIP id."""
    app = board_app()

    def centre() -> list[dict]:
        twins = [
            {"username": "TWIN", "name": "Anna Twin", "onlineUserStatus": 1, "calls": []},
            {"username": "TWIN", "name": "Zoe Twin", "onlineUserStatus": 3, "calls": []},
        ]
        return twins

    async with running(app, snapshot=make_snapshot(clock, centre(), [])) as pilot:
        app.action_cycle_sort()  # by name: Anna, then Zoe
        await pilot.pause()
        await press(pilot, "right")
        assert selected_name(app) == "Zoe Twin"
        await press(pilot, "enter")
        await pilot.pause()
        assert "Zoe Twin" in detail_text(app) and "Anna Twin" not in detail_text(app)
        clock.advance(5)
        app.show_snapshot(make_snapshot(clock, centre(), []))  # a new answer, fresh models
        await pilot.pause()
        assert "Zoe Twin" in detail_text(app) and "Anna Twin" not in detail_text(app)
        assert selected_name(app) == "Zoe Twin"
