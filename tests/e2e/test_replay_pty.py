"""Record the demo, then replay it, with the real CLI in a real pseudo-terminal."""

from __future__ import annotations

import gzip
import re
import time

from pty_support import PtyBoard

from wallboard.sources.recording import RecordingReader


def health_line(text: str) -> str:
    lines = [line for line in text.splitlines() if "REPLAY" in line or "updated" in line]
    return lines[-1].strip() if lines else ""


def test_a_recorded_demo_replays_with_replay_on_the_health_line(pty_board, tmp_path) -> None:
    record = tmp_path / "demo.rec"
    demo: PtyBoard = pty_board(
        ["demo", "--speed", "20", "--interval", "0.5", "--record", str(record)]
    )
    demo.wait_for(lambda text: "updated" in text and "Agents" in text, 10, "the demo")
    time.sleep(4)
    demo.press(b"q")
    assert demo.wait_exit(10) == 0
    reader = RecordingReader(record)
    polls = list(reader.records())
    assert reader.damage is None and len(polls) >= 5
    assert b"demo-code-not-secret" not in gzip.decompress(record.read_bytes())

    board: PtyBoard = pty_board(["replay", str(record), "--speed", "0.5"])
    text = board.wait_for(
        lambda text: health_line(text).startswith("REPLAY ") and "Agents" in text,
        10,
        "the replayed board",
    )
    assert re.match(r"REPLAY \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · ×0.5", health_line(text))
    board.press(b" ")
    board.wait_for(lambda text: "paused" in health_line(text), 5, "the pause")
    board.press(b"+")
    board.wait_for(lambda text: "· ×1 ·" in health_line(text), 5, "the faster replay")
    board.press(b" >")  # play on, and ten minutes forward: past the end
    board.wait_for(lambda text: "end of the recording" in health_line(text), 20, "the end")
    board.press(b"q")
    assert board.wait_exit(10) == 0
