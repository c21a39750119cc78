"""The real CLI in a real pseudo-terminal: what a user at a terminal (or a wall) would see."""

from __future__ import annotations

import re
import termios
import time

from pty_support import CODE, PtyBoard, free_port

STATE_WORDS = ("RING", "DIAL", "TALK", "HOLD", "AVAIL", "LUNCH", "BREAK", "ADMIN", "OUT")
TIMER = re.compile(r"(?<![\d:])\d{1,2}:\d\d(?![\d:])")  # 0:07, 12:34; not the clock 15:40:54


def has_board(text: str) -> bool:
    """Totals, at least one agent tile with its state word, and the queue panel."""
    return (
        ("Logged in" in text or "In " in text)
        and "Agents" in text
        and "Queues" in text
        and "waiting" in text
        and any(re.search(rf"\b{word}\b", text) for word in STATE_WORDS)
    )


def body(text: str) -> str:
    """The screen without its last two rows (health line and key hints)."""
    return "\n".join(text.splitlines()[:-2])


def health_line(text: str) -> str:
    lines = [line for line in text.splitlines() if "updated" in line or "waiting for" in line]
    return lines[-1] if lines else ""


def is_live(text: str) -> bool:
    return has_board(text) and "STALE" not in text and "updated" in health_line(text)


def test_demo_shows_the_board_ticks_resizes_and_quits_cleanly(pty_board) -> None:
    # No COLUMNS/LINES here: they would pin the size, and this test resizes the window.
    board: PtyBoard = pty_board(["demo"], size_env=False)
    text = board.wait_for(has_board, 5, "the board")
    for figure in ("Logged in", "Available", "Talking", "Waiting", "Longest wait"):
        assert figure in text, figure
    assert "sort: state" in text
    assert re.search(r"\d+ callers? waiting|nobody waiting", text), "queue lines"
    assert "demo: simulated centre" in health_line(text)
    words = {word for word in STATE_WORDS if re.search(rf"\b{word}\b", body(text))}
    assert len(words) >= 2, words
    assert all(len(line) == 120 for line in board.lines())
    # Timers tick: the tiles' and queue waits' m:ss change within two seconds.
    timers = TIMER.findall(body(text))
    assert len(timers) > 10
    board.wait_for(lambda now: TIMER.findall(body(now)) != timers, 2.5, "a timer to change")
    # A smaller window: the board redraws at the new size and still answers keys.
    board.resize(80, 24)
    text = board.wait_for(
        lambda now: now.splitlines()[0].rstrip().endswith("╮") and "In " in now,
        4,
        "a redraw at 80x24",
    )
    assert "Logged in" not in text  # the short words fit 80 columns
    board.resize(120, 36)
    board.wait_for(lambda now: "Logged in" in now, 4, "a redraw at 120x36")
    board.press(b"?")
    board.wait_for(lambda now: "wallboard keys" in now, 3, "the help screen")
    board.press(b"\x1b")
    board.wait_for(lambda now: "wallboard keys" not in now, 3, "the help to close")
    # q: exit status 0, and the terminal as it was.
    board.press(b"q")
    assert board.wait_exit(5) == 0
    time.sleep(0.1)  # let the reader take the last bytes
    raw = bytes(board.raw)
    assert raw.rfind(b"\x1b[?1049l") > raw.rfind(b"\x1b[?1049h") >= 0  # left the alt screen
    assert raw.rfind(b"\x1b[?25h") > raw.rfind(b"\x1b[?25l")  # cursor shown again
    assert raw.rfind(b"\x1b[?1000l") > raw.rfind(b"\x1b[?1000h")  # mouse reporting off
    assert termios.tcgetattr(board.slave) == board.termios_before  # echo, canonical mode back
    assert b"Traceback" not in raw


def test_shrinking_the_terminal_keeps_the_queue_table_above_the_agents(pty_board) -> None:
    board: PtyBoard = pty_board(["demo"], size_env=False)
    board.wait_for(has_board, 5, "the board")
    board.resize(80, 24)
    text = board.wait_for(lambda now: "In " in now, 4, "a redraw at 80x24")
    rows = text.splitlines()
    agents_row = next(i for i, line in enumerate(rows) if "Agents " in line)
    queues_row = next(i for i, line in enumerate(rows) if "Queues " in line)
    assert queues_row < agents_row, text  # the queue table across the width, on top
    assert re.search(r"\d+ callers? waiting|nobody waiting", text), text


def test_live_board_marks_stale_when_the_api_dies_and_recovers(pty_board, simulator) -> None:
    port = free_port()
    sim = simulator(port)
    board: PtyBoard = pty_board(
        ["run", "--base-url", f"http://127.0.0.1:{port}/comet/API", "--interval", "1"],
        VOICENTER_CODE=CODE,
    )
    text = board.wait_for(is_live, 8, "live data from the simulator")
    assert f"127.0.0.1:{port}" in health_line(text)
    # The simulator dies: within three intervals (plus a tick) the board says STALE, and why.
    sim.kill()
    killed = time.monotonic()
    text = board.wait_for(lambda now: "STALE" in now, 7, "STALE")
    assert time.monotonic() - killed < 6.5
    banner = next(line for line in text.splitlines() if "STALE:" in line)
    assert re.search(r"no update for \d+s: GetExtensionsCalls: network error", banner), banner
    line = health_line(text)
    assert "⚠ network" in line, line
    assert re.search(r"updated [3-9]s ago", line), line
    assert has_board(text)  # the last picture stays, marked
    # It comes back on the same port: the board recovers by itself.
    simulator(port)
    text = board.wait_for(is_live, 15, "recovery")
    assert re.search(r"updated [01]s ago", health_line(text)), text
    assert "⚠" not in health_line(text)
    assert CODE.encode() not in bytes(board.raw)  # the code is never on screen
    board.press(b"q")
    assert board.wait_exit(5) == 0


def test_no_color_still_shows_state_words(pty_board) -> None:
    board: PtyBoard = pty_board(["demo"], NO_COLOR="1")
    text = board.wait_for(has_board, 5, "the board")
    words = {word for word in STATE_WORDS if re.search(rf"\b{word}\b", body(text))}
    assert len(words) >= 2, words
    assert "Logged in" in text
    # Whatever is drawn is grey: black, white or the 24-step grey ramp of 256 colours.
    raw = bytes(board.raw)
    assert b"38;2;" not in raw and b"48;2;" not in raw  # no true colour
    colours = {int(n) for n in re.findall(rb"[34]8;5;(\d+)", raw)}
    assert colours, "expected 256-colour SGR codes"
    assert colours <= {0, 7, 15, 16, 231, *range(232, 256)}, sorted(colours)
    board.press(b"q")
    assert board.wait_exit(5) == 0
