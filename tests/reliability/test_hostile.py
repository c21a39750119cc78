"""Hostile answers: whatever the service sends, nothing escapes and nothing leaves its cell.

- Hypothesis feeds both endpoints' answers (good items mixed with junk of every JSON shape,
  huge and control-laden strings, deep custom data) through parse, `Board.apply`, `arrange`
  and every text builder: no exception escapes, every good item survives.
- A corpus of hostile strings (markup, ANSI CSI/SGR, OSC title and clipboard, C1, bidi,
  zero-width, wide CJK and emoji, 10,000 characters) is planted in every string field of an
  agent, its call and a queue; the real app draws it in the grid, the queues and the detail
  pane, and the screen is compared cell by cell with the same board holding plain text.
- `wallboard snapshot` (human and `--json`) prints the same data over a real port.
- In a real pty, read back through pyte, the terminal's title and the other cells survive.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyte
import pytest
from hostile_data import (
    CORPUS,
    FORBIDDEN,
    HOSTILE_INDEX,
    T0,
    centre_payloads,
    snapshot_of,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import LoopbackServer, PtyProcess, run_board

from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues
from wallboard.core.agent_order import SortOrder, arrange
from wallboard.core.board import Board
from wallboard.core.clock import FakeClock
from wallboard.core.export import snapshot_to_json
from wallboard.core.health import Health
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import build_snapshot
from wallboard.core.summary import summarise
from wallboard.core.text import plain
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.detail import DetailPane, agent_detail, caller_detail
from wallboard.ui.widgets.health_line import health_text
from wallboard.ui.widgets.queue_panel import QueuePanel

HERE = Path(__file__).resolve().parent
SIZE = (120, 40)

# --- hypothesis: answers of every shape ---------------------------------------------------
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
hostile_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(list(CORPUS.values())),
    st.integers(1, 5000).map(lambda n: "\x1b[31m" * n),  # huge escape-laden strings
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x9F), max_size=20),
)
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
json_tree = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(hostile_text, children, max_size=4)
    ),
    max_leaves=20,
)


def _deep(depth: int) -> Any:
    value: Any = "bottom \x1b[2J"
    for level in range(depth):
        value = [value] if level % 2 else {"k\x1b": value}
    return value


custom_data = st.one_of(
    st.dictionaries(hostile_text, json_tree, max_size=6),
    st.lists(json_tree, max_size=3),  # PHP's array-for-object
    st.none(),
    st.integers(1, 400).map(lambda depth: {"deep": _deep(depth)}),
)
lenient_int = st.one_of(st.none(), st.integers(-(2**40), 2**40), st.integers(0, 2**31).map(str))
# Field names (and their Python names) of the models: extras must not collide with them.
EXTENSION_FIELDS = {
    "username", "name", "representative", "userID", "onlineUserID", "extensionID",
    "onlineUserStatus", "calls", "user_id", "online_user_id", "extension_id", "status",
}  # fmt: skip
QUEUE_FIELDS = {"Name", "ID", "Weight", "Callers", "name", "queue_id", "weight", "callers"}
extras = st.dictionaries(hostile_text, json_tree, max_size=3)


@st.composite
def good_call(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "callStarted": draw(st.one_of(st.integers(T0 - 99_999, T0), st.none())),
        "callAnswered": draw(st.one_of(st.just(0), st.integers(T0 - 9_999, T0), st.none())),
        "answered": draw(st.sampled_from([0, 1, "1", None])),
        "callername": draw(hostile_text),
        "callerphone": draw(st.one_of(hostile_text, st.integers(0, 10**12))),
        "callstatus": draw(
            st.sampled_from(["Ringing", "dialing", "TALKING", "Hold", 1, 2, "3", "4", None])
        ),
        "customdata": draw(custom_data),
        "direction": draw(hostile_text),
        "ivrid": draw(hostile_text),
        "recording": draw(
            st.one_of(
                st.just([]),
                st.none(),
                st.fixed_dictionaries({"Filename": hostile_text, "IsMuted": lenient_int}),
            )
        ),
        "did": draw(hostile_text),
    }


@st.composite
def extensions_answer(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, tuple[str, str, int]]]:
    """An answer mixing good extensions with junk; and what each good one must read as."""
    count = draw(st.integers(0, 8))
    expected: dict[str, tuple[str, str, int]] = {}
    items: list[Any] = []
    for index in range(count):
        name, representative = draw(hostile_text), draw(hostile_text)
        calls = draw(st.lists(good_call(), max_size=3))
        junk_calls = draw(st.lists(json_tree, max_size=2))
        extension = {
            **{k: v for k, v in draw(extras).items() if k not in EXTENSION_FIELDS},
            "username": f"good-{index}",
            "name": name,
            "representative": representative,
            "userID": draw(lenient_int),
            "onlineUserID": draw(lenient_int),
            "extensionID": draw(lenient_int),
            "onlineUserStatus": draw(lenient_int),
            "calls": draw(st.permutations(calls + junk_calls)),
        }
        expected[extension["username"]] = (name, representative, len(calls))
        items.append(extension)
    items += draw(st.lists(json_tree, max_size=4))
    items = draw(st.permutations(items))
    return {"ERR": draw(st.sampled_from([0, "0", None])), "EXTENSIONS": items}, expected


@st.composite
def queues_answer(draw: st.DrawFn) -> tuple[dict[str, Any], dict[int, tuple[str, int]]]:
    count = draw(st.integers(0, 5))
    expected: dict[int, tuple[str, int]] = {}
    items: list[Any] = []
    for index in range(count):
        callers = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "Phone": st.one_of(hostile_text, st.integers(0, 10**12), st.none()),
                        "JoinTime": st.one_of(
                            st.integers(T0 - 99_999, T0),
                            st.integers(T0 - 99_999, T0).map(str),
                        ),
                        "CallID": hostile_text,
                        "Duration": lenient_int,
                    }
                ),
                max_size=4,
            )
        )
        junk = draw(st.lists(json_tree, max_size=2))
        name = draw(hostile_text)
        queue_id = 5000 + index
        queue = {
            **{k: v for k, v in draw(extras).items() if k not in QUEUE_FIELDS},
            "Name": name,
            "ID": draw(st.sampled_from([queue_id, str(queue_id)])),
            "Weight": draw(lenient_int),
            "Callers": draw(st.permutations(callers + junk)),
        }
        expected[queue_id] = (name, len(callers))
        items.append(queue)
    items += draw(st.lists(json_tree, max_size=3))
    return {"ERR": 0, "QUEUES": draw(st.permutations(items))}, expected


def _clean(text: str) -> bool:
    return FORBIDDEN.search(text) is None


@FUZZ
@given(extensions_answer(), queues_answer(), hostile_text)
def test_any_answer_goes_through_parse_board_and_views(
    ext_answer: tuple[dict[str, Any], dict[str, tuple[str, str, int]]],
    queue_answer: tuple[dict[str, Any], dict[int, tuple[str, int]]],
    needle: str,
) -> None:
    ext_payload, want_ext = ext_answer
    queue_payload, want_queues = queue_answer
    ext_memo, queue_memo = ParseMemo(), ParseMemo()
    board = Board()
    clock = FakeClock(T0)
    for _poll in range(2):  # the second poll goes through the parse memo
        extensions, skipped_ext = parse_extensions(ext_payload, ext_memo)
        queues, skipped_q = parse_queues(queue_payload, queue_memo)
        snapshot = build_snapshot(
            extensions,
            queues,
            skipped_ext + skipped_q,
            fetched_at=clock.now(),
            latency_s=0.01,
            estimator=ServerClockEstimator(None),
        )
        board.apply(snapshot, clock.now())
        clock.advance(5)

    # Good items survive, strings exactly as received, every good call kept.
    by_name = {ext.username: ext for ext in extensions}
    for username, (name, representative, calls) in want_ext.items():
        assert username in by_name, snapshot.skipped
        ext = by_name[username]
        assert (ext.name, ext.representative) == (name, representative)
        assert len(ext.calls) >= calls
    by_id = {queue.queue_id: queue for queue in queues}
    for queue_id, (name, callers) in want_queues.items():
        assert queue_id in by_id, snapshot.skipped
        assert by_id[queue_id].name == name
        assert len(by_id[queue_id].callers) >= callers

    # The board shows every agent read; every string it hands the widgets is clean.
    assert {a.username for a in board.agents} >= set(want_ext)
    for sort in SortOrder:
        for hide in (False, True):
            shown = arrange(board.agents, sort=sort, hide_logged_out=hide)
            assert len(shown) <= len(board.agents)
        assert len(arrange(board.agents, sort=sort)) == len(board.agents)
        arrange(board.agents, sort=sort, filter_text=needle)
    now = clock.now()
    texts = [agent.name for agent in board.agents]
    texts += [agent_detail(a, board.snapshot, now, False).plain for a in board.agents]
    for queue in board.queues:
        texts.append(queue.name)
        texts += [caller_detail(c, now, False).plain for c in queue.callers]
    texts += summarise(snapshot)
    health = Health(source=needle, interval_s=5, started_utc=T0).succeeded(now, 0.01, 3)
    texts.append(health_text(health, now, board.suspicious, False))
    for text in texts:
        lines = text.split("\n")
        assert all(_clean(line) for line in lines), repr(text[:200])
    # The JSON export is valid JSON and keeps strings exactly.
    document = json.loads(json.dumps(snapshot_to_json(snapshot), ensure_ascii=False))
    exported = {e["username"]: e for e in document["extensions"]}
    for username, (name, representative, _calls) in want_ext.items():
        assert exported[username]["name"] == name
        assert exported[username]["representative"] == representative


# --- the app drawing the corpus -----------------------------------------------------------
class _NoSource:
    name = "fixture: hostile centre"

    async def fetch(self) -> Any:
        raise AssertionError("the board is fed by hand")


def _rows(app: WallboardApp) -> list[Any]:
    return list(app.screen._compositor.render_strips())


def _masked(strips: list[Any], holes: dict[int, list[tuple[int, int]]]) -> list[str]:
    """Each screen line's text with the given (x1, x2) cell ranges cut out."""
    lines = []
    for y, strip in enumerate(strips):
        cuts = sorted(holes.get(y, []))
        parts, x = [], 0
        for x1, x2 in cuts:
            parts.append(strip.crop(x, x1).text)
            parts.append("▒")
            x = x2
        parts.append(strip.crop(x, strip.cell_length).text)
        lines.append("".join(parts))
    return lines


def _tile_holes(app: WallboardApp, index: int) -> dict[int, list[tuple[int, int]]]:
    """The screen cells of agent `index`'s tile."""
    grid = app.query_one(AgentGrid)
    region = grid.content_region
    row, col = divmod(index, grid.per_row)
    x1 = region.x + col * grid.cell_width
    top = region.y + row * grid.lines_per_row - int(grid.scroll_y)
    return {y: [(x1, x1 + grid.cell_width)] for y in range(top, top + grid.lines_per_row)}


def _queue_holes(app: WallboardApp) -> dict[int, list[tuple[int, int]]]:
    """Queue Q2's heading and its first caller (lines 4 and 5 of the panel: a header,
    then Q3, waiting longest, with its two callers)."""
    panel = app.query_one(QueuePanel)
    region = panel.content_region
    return {region.y + line: [(region.x, region.right)] for line in (4, 5)}


def _merge(*holes: dict[int, list[tuple[int, int]]]) -> dict[int, list[tuple[int, int]]]:
    merged: dict[int, list[tuple[int, int]]] = {}
    for hole in holes:
        for y, cuts in hole.items():
            merged.setdefault(y, []).extend(cuts)
    return merged


def _region_holes(app: WallboardApp, selector: Any, content: bool) -> dict[int, Any]:
    widget = app.query_one(selector)
    region = widget.content_region if content else widget.region
    return {y: [(region.x, region.right)] for y in range(region.y, region.bottom)}


def _forbidden_on(strips: list[Any]) -> list[str]:
    return [repr(s.text) for s in strips if not _clean(s.text)]


HOSTILE_PLACE = 1  # by time in state: only the talking agent has been in state longer


async def _show(app: WallboardApp, pilot: Any, payloads: Any) -> None:
    app.show_snapshot(snapshot_of(payloads))
    await pilot.pause()


def _hostile_place(app: WallboardApp) -> int:
    """The hostile agent's place on the grid. The board is sorted by time in state here:
    sorted by state, agents on a call are in name order, and the hostile name moves it."""
    return next(i for i, a in enumerate(app.query_one(AgentGrid).agents) if a.username == "SIP1004")


async def _open_agent(app: WallboardApp, pilot: Any) -> None:
    grid = app.query_one(AgentGrid)
    grid.focus()
    grid.select(HOSTILE_PLACE)
    await pilot.press("enter")
    await pilot.pause()


async def _open_caller(app: WallboardApp, pilot: Any) -> None:
    panel = app.query_one(QueuePanel)
    panel.focus()
    panel.select(5)  # Q2's first caller
    await pilot.press("enter")
    await pilot.pause()


async def _close(pilot: Any) -> None:
    await pilot.press("escape")
    await pilot.pause()


def _pane_frame(app: WallboardApp, strips: list[Any]) -> list[str]:
    """The detail pane's left and right border cells on every line of the pane."""
    region = app.query_one(DetailPane).region
    return [
        strip.crop(region.x, region.x + 1).text + strip.crop(region.right - 1, region.right).text
        for strip in strips[region.y : region.bottom]
    ]


async def test_hostile_text_is_drawn_literally_and_stays_in_its_cell() -> None:
    """Every corpus string in every field: grid, queues, agent and caller detail."""
    plain_payloads = centre_payloads(None)
    app = WallboardApp(_NoSource(), FakeClock(T0), BoardOptions(poll=False))
    app.sort = SortOrder.TIME  # the hostile agent's place does not depend on its name
    problems: list[str] = []
    async with run_board(app, SIZE) as pilot:
        # The grid and the queues.
        await _show(app, pilot, plain_payloads)
        assert _hostile_place(app) == HOSTILE_PLACE
        baseline = _rows(app)
        holes = _merge(_tile_holes(app, HOSTILE_PLACE), _queue_holes(app))
        for label, text in CORPUS.items():
            await _show(app, pilot, centre_payloads(text))
            hostile = _rows(app)
            # Nothing outside the hostile tile and the hostile queue lines changed.
            if _masked(hostile, holes) != _masked(baseline, holes):
                problems.append(f"{label}: the grid or queues changed outside the hostile cells")
            problems += [f"{label}: {line}" for line in _forbidden_on(hostile)]
            screen = "\n".join(s.text for s in hostile)
            if label in ("markup", "link") and text[:10] not in screen:
                problems.append(f"{label}: markup not shown literally")

        # The agent's and the waiting caller's detail pane.
        for opener in (_open_agent, _open_caller):
            await _show(app, pilot, plain_payloads)
            await opener(app, pilot)
            base = _rows(app)
            cut = _merge(
                _queue_holes(app),
                _region_holes(app, AgentGrid, content=False),
                _region_holes(app, DetailPane, content=True),
            )
            for label, text in CORPUS.items():
                await _show(app, pilot, centre_payloads(text))
                app.detail_for = _hostile_target(app, text, opener is _open_agent)
                app.redraw_timers()
                await pilot.pause()
                shown = _rows(app)
                where = opener.__name__
                if _masked(shown, cut) != _masked(base, cut):
                    problems.append(f"{label}: {where}: cells outside the pane changed")
                if _pane_frame(app, shown) != _pane_frame(app, base):
                    problems.append(f"{label}: {where}: the text broke the pane's border")
                problems += [f"{label}: {where}: {line}" for line in _forbidden_on(shown)]
                pane = "\n".join(s.text for s in shown)
                if label == "markup" and "[bold red]x[/]" not in pane:
                    problems.append(f"{label}: {where}: markup not shown literally")
            await _close(pilot)
    assert not problems, "\n".join(problems)


def _hostile_target(app: WallboardApp, text: str, agent: bool) -> Any:
    """The hostile agent (or waiting caller) of the board now shown."""
    if agent:
        return next(a for a in app.board.agents if a.extension.representative == text)
    return next(c for q in app.board.queues for c in q.callers if c.phone == plain(text))


async def test_an_unknown_call_status_is_neutralised_too() -> None:
    problems: list[str] = []
    app = WallboardApp(_NoSource(), FakeClock(T0), BoardOptions(poll=False))
    async with run_board(app, SIZE) as pilot:
        for label in ("osc_title", "c1_csi", "mixed"):
            extensions, queues = centre_payloads(None)
            extensions["EXTENSIONS"][HOSTILE_INDEX]["calls"][0]["callstatus"] = CORPUS[label]
            await _show(app, pilot, (extensions, queues))
            await _open_agent(app, pilot)
            problems += [f"{label}: {line}" for line in _forbidden_on(_rows(app))]
            await _close(pilot)
    assert not problems, "\n".join(problems)


# --- `wallboard snapshot` with hostile data over a real port ------------------------------
class _FixedApi:
    """An ASGI app answering both endpoints with fixed payloads."""

    def __init__(self, payloads: tuple[dict[str, Any], dict[str, Any]]) -> None:
        self.bodies = {
            "/comet/API/GetExtensionsCalls": json.dumps(payloads[0]).encode(),
            "/comet/API/GetQueuesCallers": json.dumps(payloads[1]).encode(),
        }

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        body = self.bodies.get(scope["path"], b'{"ERR": 2, "DESC": "Internal error"}')
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _wallboard(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "wallboard", *args],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_snapshot_command_prints_hostile_text_safely(tmp_path: Path) -> None:
    label_texts = list(CORPUS.items())
    payloads = centre_payloads(CORPUS["mixed"])
    # Every corpus string as a queue name (the human summary lists queues) and a caller.
    for n, (_label, text) in enumerate(label_texts):
        payloads[1]["QUEUES"].append(
            {
                "Name": text,
                "ID": 100 + n,
                "Weight": 1,
                "Callers": [{"Phone": text, "JoinTime": T0, "CallID": text, "Duration": 1}],
            }
        )
    # And junk that gets skipped (skip reasons are printed).
    payloads[0]["EXTENSIONS"].append({"username": {"\x1b]0;x\x07": 1}, "name": "\x9b2J"})
    env = {
        **os.environ,
        "VOICENTER_CODE": "hostile-test-code",
        "XDG_CONFIG_HOME": str(tmp_path),
        "NO_COLOR": "1",
    }
    with LoopbackServer(_FixedApi(payloads)) as server:
        human = _wallboard("snapshot", "--base-url", server.base_url, env=env)
        as_json = _wallboard("snapshot", "--json", "--base-url", server.base_url, env=env)
    assert human.returncode == 0, human.stderr
    assert as_json.returncode == 0, as_json.stderr

    text = human.stdout.decode("utf-8")
    assert _clean(text.replace("\n", "")), repr(text)
    assert b"\x1b" not in human.stdout + human.stderr
    assert "[bold red]x[/]" in text  # markup printed literally
    assert "Skipped" in text

    document = json.loads(as_json.stdout)
    names = [queue["Name"] for queue in document["queues"]]
    for _label, corpus_text in label_texts:
        assert corpus_text in names  # exactly as received
    hostile = document["extensions"][HOSTILE_INDEX]
    assert hostile["representative"] == CORPUS["mixed"]
    assert hostile["calls"][0]["callername"] == CORPUS["mixed"]
    assert hostile["calls"][0]["customdata"] == {
        CORPUS["mixed"]: CORPUS["mixed"],
        "Campaign": CORPUS["mixed"],
    }
    # JSON escapes C0 controls (ESC included); C1 and bidi characters are valid JSON text
    # and pass through (ensure_ascii=False): see docs/RELIABILITY.md.
    assert b"\x1b" not in as_json.stdout


# --- a real terminal, read back through pyte ----------------------------------------------
SAFE_LABELS = [label for label in CORPUS if label != "emoji_skin_tone"]
# Byte sequences of the corpus that must never reach the terminal as such.
RAW_SIGNATURES = {
    "osc_title": b"\x1b]0;title",
    "osc52_clipboard": b"\x1b]52;",
    "c1_csi": "\x9b".encode(),
    "bidi_override": "\u202e".encode(),
    "bidi_isolate": "\u2066".encode(),
    "zero_width": "\u200b".encode(),
    "sgr": b"\x1b[31mred",
    "csi_clear": b"\x1b[2J\x1b[H",
}


def _start_board(labels: list[str], dump: Path) -> PtyProcess:
    """hostile_board.py on a 140x40 pty, dumping its own view of the screen to `dump`."""
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOSTILE_LABELS": ",".join(labels),
        "HOSTILE_BOARD_SECONDS": "1.5",
        "HOSTILE_BOARD_DUMP": str(dump),
    }
    env.pop("NO_COLOR", None)
    return PtyProcess([sys.executable, str(HERE / "hostile_board.py")], env=env, size=(140, 40))


@pytest.fixture(scope="module")
def boards_in_pty(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both pty boards at once: per name, (raw output, the app's own view, exit status)."""
    where = tmp_path_factory.mktemp("pty")
    wanted = {"safe": SAFE_LABELS, "skin_tone": ["emoji_skin_tone"]}
    boards = {name: _start_board(labels, where / f"{name}.json") for name, labels in wanted.items()}
    results = {}
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
            b.process.poll() is None for b in boards.values()
        ):
            for board in boards.values():
                board.read(0.05)  # drain both, so neither blocks on a full pty
        for name, board in boards.items():
            output = board.read(1)
            status = board.wait(5)
            drawn = json.loads((where / f"{name}.json").read_text(encoding="utf-8"))
            results[name] = (output, drawn, status)
    finally:
        for board in boards.values():
            board.kill()
    return results


# Textual's kitty-keyboard requests (CSI > 25 u, CSI < u) are unknown to pyte, which would
# print their final "u"; a terminal that does not know them ignores them.
_KITTY_KEYS = re.compile(rb"\x1b\[[<>=][0-9;]*u")


def _terminal_screen(output: bytes) -> pyte.Screen:
    """What a VT100-style terminal shows just before the app leaves the alternate screen."""
    screen = pyte.Screen(140, 40)
    stream = pyte.ByteStream(screen)
    end = output.rfind(b"\x1b[?1049l")
    stream.feed(_KITTY_KEYS.sub(b"", output[: end if end > 0 else len(output)]))
    return screen


def test_a_real_terminal_shows_what_the_board_drew(boards_in_pty: dict[str, Any]) -> None:
    output, drawn, status = boards_in_pty["safe"]
    assert status == 0
    for label, signature in RAW_SIGNATURES.items():
        assert signature not in output, f"{label} reached the terminal raw"
    screen = _terminal_screen(output)
    # OSC title/clipboard sequences in the data changed nothing: the title is what Textual
    # itself may set (pyte reads its OSC 22 pointer-shape request as one), never the data's.
    assert "title" not in screen.title and "ZWNo" not in screen.title
    # Cell for cell, the terminal shows exactly what the app drew.
    shown = [line.rstrip() for line in screen.display]
    assert shown == [line.rstrip() for line in drawn]


def test_skin_tone_emoji_keep_their_cell_in_a_real_terminal(
    boards_in_pty: dict[str, Any],
) -> None:
    output, drawn, status = boards_in_pty["skin_tone"]
    assert status == 0
    shown = [line.rstrip() for line in _terminal_screen(output).display]
    assert shown == [line.rstrip() for line in drawn]
