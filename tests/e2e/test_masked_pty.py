"""A masked demo on a real pty: no caller number in full on any screen or in any byte the
board writes, while the same demo unmasked shows them."""

from __future__ import annotations

import re
import time

from pty_support import PtyBoard

# The simulator's callers: 05X-XXXXXXX (and 9725... in recording file names).
FULL_NUMBER = re.compile(r"(?<![\d•])(?:05\d{8}|9725\d{8})(?!\d)")
MASKED = re.compile(r"•{4,}\d{4}")


def _screens(board: PtyBoard) -> list[str]:
    """The board, a waiting caller's detail and an agent's detail, as the user sees them."""
    screens = [board.wait_for(lambda t: "waiting" in t, 30, "the queues")]
    board.press(b"\t")  # to the queues
    time.sleep(0.3)
    board.press(b"\x1b[B\r")  # the first waiting caller's details
    screens.append(board.wait_for(lambda t: "Waiting caller" in t or "waiting" in t, 10))
    board.press(b"\x1b")
    time.sleep(0.3)
    board.press(b"\t\r")  # back to the grid: the selected agent's details
    time.sleep(1.0)
    screens.append(board.text())
    board.press(b"\x1b")
    return screens


def test_a_masked_demo_never_shows_a_full_number(pty_board) -> None:
    board: PtyBoard = pty_board(
        ["demo", "--mask-callers", "always", "--speed", "20", "--queues", "2", "--agents", "12"]
    )
    screens = [board.wait_for(lambda t: MASKED.search(t), 40, "a masked caller number")]
    screens += _screens(board)
    time.sleep(2.0)  # a few more polls and ticks
    screens.append(board.text())
    board.press(b"q")
    assert board.wait_exit(10) == 0
    for screen in screens:
        assert not FULL_NUMBER.search(screen), screen
    written = board.raw.decode("utf-8", "replace")
    assert not FULL_NUMBER.search(written), FULL_NUMBER.findall(written)[:3]


def test_the_same_demo_unmasked_shows_the_numbers(pty_board) -> None:
    board: PtyBoard = pty_board(
        ["demo", "--mask-callers", "never", "--speed", "20", "--queues", "2", "--agents", "12"]
    )
    board.wait_for(lambda t: FULL_NUMBER.search(t), 40, "a caller number in full")
    board.press(b"q")
    assert board.wait_exit(10) == 0
