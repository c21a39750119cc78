"""A small fixed call centre, and helpers to build the board on it and read the screen back.

Every epoch in the data is relative to `T0`, the FakeClock's start, with no server clock
offset, so timers on screen are exact and the same on every run.
"""

from __future__ import annotations

import copy
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from wallboard.api.parse import parse_extensions, parse_queues
from wallboard.core.clock import FakeClock
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import Snapshot, build_snapshot
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.widgets.line_view import LineView

T0 = 1_800_000_000  # FakeClock's default start: 2027-01-15 08:00:00 UTC
INTERVAL_S = 5.0
SOURCE_NAME = "fixture: test centre"
HOSTILE_NAME = "[bold red]x\x1b[31mEVIL\x1b]0;pwn\x07"
HEBREW_NAME = "דנה כהן"
THEMES = ("dark", "light", "high-contrast", "colorblind")


def _call(state: str, started_ago: int, answered_ago: int | None = None, **extra: Any) -> dict:
    call: dict[str, Any] = {
        "callstatus": state,
        "callStarted": T0 - started_ago,
        "callAnswered": T0 - answered_ago if answered_ago is not None else 0,
        "answered": 1 if answered_ago is not None else 0,
        "direction": "Incoming",
        "callername": "",
        "callerphone": "",
        "ivrid": "",
        "did": "",
        "customdata": [],
        "recording": {"Filename": "", "IsMuted": 0},
    }
    call.update(extra)
    return call


def _ext(
    username: str,
    name: str,
    status: int,
    calls: list[dict] | None = None,
    representative: str | None = None,
    number: int = 0,
) -> dict:
    return {
        "username": username,
        "name": name,
        "representative": name if representative is None else representative,
        "userID": 5000 + number,
        "onlineUserID": 0 if status == 2 else 7000 + number,
        "extensionID": 9000 + number,
        "onlineUserStatus": status,
        "calls": calls or [],
    }


# The fixed centre's tables read better as written.
# fmt: off
def fixed_extensions() -> list[dict]:
    """Sixteen agents: every call state, two calls at once, every status, odd names."""
    return [
        _ext("SIP1001", "Alice Ring", 1, [
            _call("Ringing", 4, callerphone="0501234001", ivrid="ivr-ring-1", did="0732000001"),
        ], number=1),
        _ext("SIP1002", "Bob Dial", 1, [
            _call("Dialing", 9, direction="Outgoing", callerphone="0529990002", ivrid="ivr-dial-2"),
        ], number=2),
        _ext("SIP1003", "Carol Talk", 1, [
            _call(
                "Talking", 140, 125,
                callername="Acme Ltd", callerphone="0541110003", ivrid="ivr-talk-3",
                did="0732000003",
                customdata={"OriginalIvrUniqueID": "ivr-orig-77", "Campaign": "spring"},
                recording={"Filename": "rec-1003.wav", "IsMuted": 0},
            ),
        ], number=3),
        _ext("SIP1004", "Dan Hold", 1, [
            _call(
                "Hold", 400, 380, callerphone="0541110004", ivrid="ivr-hold-4",
                recording={"Filename": "", "IsMuted": 1},
            ),
        ], number=4),
        _ext("SIP1005", "Eve Multi", 1, [
            _call("Hold", 320, 300, callerphone="0541110005", ivrid="ivr-multi-5a"),
            _call("Dialing", 20, direction="Outgoing", callerphone="1006", ivrid="ivr-multi-5b"),
        ], number=5),
        _ext("SIP1006", "Frank Avail", 1, number=6),
        _ext("SIP1007", "Grace Lunch", 3, number=7),
        _ext("SIP1008", HEBREW_NAME, 5, number=8),
        _ext("SIP1009", "Ivan Break", 7, number=9),
        _ext("SIP1010", "Ext 1010", 9, representative="Judy Other", number=10),
        _ext("SIP1011", "Ken Train", 11, number=11),
        _ext("SIP1012", "Liam Meet", 12, number=12),
        _ext("SIP1013", "Mia Brief", 13, number=13),
        _ext("SIP1014", "Nora Unknown", 42, number=14),
        _ext("SIP1015", "Oscar Out", 2, number=15),
        _ext("SIP1016", HOSTILE_NAME, 1, number=16),
    ]


def _caller(phone: str, waited: int, call_id: str) -> dict:
    return {"Phone": phone, "JoinTime": T0 - waited, "CallID": call_id, "Duration": waited}


def fixed_queues() -> list[dict]:
    """Three queues; callers at ok (<60 s), warning (60-180 s) and alert (>=180 s) waits."""
    return [
        {"ID": 101, "Name": "Sales", "Weight": 1, "Callers": [
            _caller("0501000001", 15, "call-s1"),
            _caller("0501000002", 75, "call-s2"),
        ]},
        {"ID": 102, "Name": "Support", "Weight": 2, "Callers": [
            _caller("0502000001", 240, "call-t1"),
        ]},
        {"ID": 103, "Name": "Billing", "Weight": 3, "Callers": [
            _caller("0503000001", 5, "call-b1"),
        ]},
    ]


# fmt: on
def make_snapshot(
    clock: FakeClock,
    extensions: list[dict] | None = None,
    queues: list[dict] | None = None,
) -> Snapshot:
    """A snapshot of `extensions` and `queues` (default: the fixed centre) fetched now."""
    exts = fixed_extensions() if extensions is None else copy.deepcopy(extensions)
    ques = fixed_queues() if queues is None else copy.deepcopy(queues)
    parsed_exts, skipped = parse_extensions({"ERR": 0, "EXTENSIONS": exts})
    parsed_queues, skipped_q = parse_queues({"ERR": 0, "QUEUES": ques})
    assert not skipped and not skipped_q, (skipped, skipped_q)
    return build_snapshot(
        parsed_exts,
        parsed_queues,
        [],
        fetched_at=clock.now(),
        latency_s=0.012,
        estimator=ServerClockEstimator(0.0),
        source=SOURCE_NAME,
    )


class FixedSource:
    """A source for an app whose poller is off: snapshots are fed by hand."""

    def __init__(self, name: str = SOURCE_NAME) -> None:
        self.name = name

    async def fetch(self) -> Snapshot:
        raise AssertionError("the poller is off in UI tests; nothing may poll")


def make_app(
    clock: FakeClock,
    theme: str | None = "dark",
    source_name: str = SOURCE_NAME,
    **options: Any,
) -> WallboardApp:
    """The board on a hand-fed source, UTC times, a 5 s interval."""
    opts = BoardOptions(
        poll=False,
        ticks=False,
        local_time=False,
        theme=theme,
        interval_s=INTERVAL_S,
        **options,
    )
    return WallboardApp(FixedSource(source_name), clock, opts)


@asynccontextmanager
async def running(
    app: WallboardApp, size: tuple[int, int] = (120, 40), snapshot: Snapshot | None = None
) -> AsyncIterator[Pilot]:
    """Run `app` headless and show the fixed centre (or `snapshot`) on it."""
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.show_snapshot(snapshot or make_snapshot(app.clock))  # type: ignore[arg-type]
        await settle(pilot)
        try:
            yield pilot
        finally:
            if app.is_running:
                # Leave as a user does (q): the app stops its timers before it takes the
                # widgets down. Leaving run_test's block instead tears the widgets down
                # while the 1 Hz tick still runs, and a tick can then miss its widgets.
                app.exit(app.return_value)
                await app_stopped(app)


async def app_stopped(app: WallboardApp, timeout: float = 5.0) -> None:
    """Wait until `app` has finished its exit."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while app.is_running and loop.time() < deadline:
        await asyncio.sleep(0.01)


async def settle(pilot: Pilot, tries: int = 50) -> None:
    """Let pending messages run and the layout reach the widgets (the grid has a width)."""
    from wallboard.ui.widgets.agent_grid import AgentGrid

    await pilot.pause()
    for _ in range(tries):
        if pilot.app.query_one(AgentGrid).line_width > 1:
            break
        await pilot.pause(0.02)
    await pilot.pause()


# --- reading the screen back ---------------------------------------------------------------
def view_lines(view: LineView) -> list[str]:
    """The text of every visible line of a line-API widget (AgentGrid, QueuePanel), without
    the scroll bar's cell at the end of each."""
    return [view.render_line(y).crop(0, view.line_width).text for y in range(view.size.height)]


def assert_drawn_as_new(view: LineView) -> None:
    """Every visible line the view keeps is the strip a full draw makes now, scroll bar
    cell included."""
    top = int(view.scroll_y)
    for row in range(view.size.height):
        index = top + row
        if index >= view.line_count():
            break
        kept = view._cache[index][4]
        fresh = view._draw(index, view.line_width, view.bar_cell(row))
        assert list(kept) == list(fresh), f"{type(view).__name__} line {index}"
        # And what Textual is handed for the row (it may come from the lines made current).
        assert list(view.render_line(row)) == list(fresh), f"{type(view).__name__} row {row}"


def static_text(static: Static) -> str:
    """The plain text a Static shows."""
    return str(static.content)


def screen_text(app: WallboardApp) -> str:
    """The whole screen as plain text, as the terminal would show it."""
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text()
