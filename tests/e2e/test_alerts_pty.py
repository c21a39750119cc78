"""Alerts reach the terminal: the bell and a desktop notification by OSC sequence, read
from what the real board writes to its pty; and the user's command runs with the alert."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pty_support import PtyBoard


def write_config(tmp_path: Path, alerts: str) -> Path:
    config = tmp_path / "board.toml"
    # Any caller waiting a second is an alert: the demo always has callers waiting.
    config.write_text(f"wait_alert_s = 1\nwait_warn_s = 1\n\n[alerts]\n{alerts}\n")
    return config


def test_an_alert_rings_the_bell_and_sends_a_desktop_notification(pty_board, tmp_path):
    config = write_config(tmp_path, 'bell = true\ndesktop = "osc777"\n')
    board: PtyBoard = pty_board(
        ["demo", "--config", str(config), "--store", str(tmp_path / "d.db")]
    )
    board.wait_for(lambda text: "alert" in text and "a: list" in text, 10, "an alert")
    deadline = time.monotonic() + 5
    while b"\x1b]777;notify;wallboard alert;" not in board.raw and time.monotonic() < deadline:
        time.sleep(0.05)
    raw = bytes(board.raw)
    start = raw.find(b"\x1b]777;notify;wallboard alert;")
    assert start >= 0
    end = raw.find(b"\x1b\\", start)
    body = raw[start:end].decode("utf-8")
    assert "a caller has waited" in body
    assert b"\x07" in raw  # the bell
    board.press(b"q")
    assert board.wait_exit(5) == 0


def test_inside_tmux_the_notification_goes_through_its_passthrough(pty_board, tmp_path):
    config = write_config(tmp_path, 'bell = false\ndesktop = "osc9"\n')
    board: PtyBoard = pty_board(
        ["demo", "--config", str(config), "--store", str(tmp_path / "d.db")],
        TMUX="/tmp/tmux-0/default,1,0",
    )
    deadline = time.monotonic() + 10
    while b"\x1bPtmux;\x1b\x1b]9;wallboard alert: " not in board.raw:
        assert time.monotonic() < deadline, "no notification through tmux"
        time.sleep(0.05)
    board.press(b"q")
    assert board.wait_exit(5) == 0


def test_the_board_runs_the_users_command_with_the_alert(pty_board, tmp_path):
    out = tmp_path / "alerts.jsonl"
    notify = tmp_path / "notify.py"
    notify.write_text(
        "import sys\n"
        f"with open({str(out)!r}, 'ab') as f:\n"
        "    f.write(sys.stdin.buffer.read() + b'\\n')\n"
    )
    argv = json.dumps([sys.executable, str(notify)])
    config = write_config(tmp_path, f'bell = false\ndesktop = "off"\ncommand = {argv}\n')
    board: PtyBoard = pty_board(
        ["demo", "--config", str(config), "--store", str(tmp_path / "d.db")]
    )
    deadline = time.monotonic() + 15
    while not (out.exists() and out.read_text().strip()):
        assert time.monotonic() < deadline, "the command never ran"
        time.sleep(0.1)
    first = json.loads(out.read_text().splitlines()[0])
    assert first["alert"]["level"] in ("warn", "alert")
    assert first["alert"]["text"]
    assert b"\x1b]9;" not in board.raw and b"\x1b]777;" not in board.raw  # desktop off
    board.press(b"q")
    assert board.wait_exit(5) == 0
