"""The real `wallboard demo --wall` on a pty turns its views by itself (config
`wall_rotate_s`), and `p` pins the one on screen."""

from __future__ import annotations

import time
from pathlib import Path

from pty_support import PtyBoard


def view(text: str) -> str | None:
    """Which wall view the screen shows, from the panels' titles."""
    agents = "╭─ Agents " in text
    queues = "╭─ Queues " in text
    ticker = "╭─ Latest (t: all today)" in text or "pinned (p) · Latest (t: all today)" in text
    if queues and not agents and not ticker:
        return "centre"
    if agents and not queues and not ticker:
        return "agents"
    if ticker and not agents and not queues:
        return "ticker"
    return None


def test_the_wall_turns_its_views_and_p_pins_one(pty_board, tmp_path: Path) -> None:
    config = tmp_path / "wall.toml"
    config.write_text("wall_rotate_s = 2\n", encoding="utf-8")
    board: PtyBoard = pty_board(["demo", "--wall", "--config", str(config)], cols=160, rows=45)
    board.wait_for(lambda text: view(text) == "centre", 8, "the centre view")
    started = time.monotonic()
    seen = ["centre"]
    deadline = started + 15
    while len(seen) < 4 and time.monotonic() < deadline:
        now = view(board.text())
        if now is not None and now != seen[-1]:
            seen.append(now)
        time.sleep(0.05)
    assert seen == ["centre", "agents", "ticker", "centre"], seen
    # Each view stayed about its time (2 s, on 1 s ticks): three changes in 6-9 s.
    assert 4.0 <= time.monotonic() - started <= 13.0
    # p pins the view on screen: it stays well past its time.
    board.press(b"p")
    text = board.wait_for(lambda now: "pinned (p)" in now, 3, "the pinned note")
    pinned = view(text)
    assert pinned is not None
    end = time.monotonic() + 5
    while time.monotonic() < end:
        assert view(board.text()) in (pinned, None)
        time.sleep(0.1)
    assert view(board.text()) == pinned
    board.press(b"q")
    assert board.wait_exit(5) == 0
