"""Every way out: signals restore the terminal and exit with a documented code; without a
terminal, `run` and `demo` refuse at once with one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

from pty_support import WALLBOARD, PtyBoard, base_env

ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_ON, MOUSE_OFF = b"\x1b[?1000h", b"\x1b[?1000l"
SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGINT)


def test_signals_restore_the_terminal_and_exit_128_plus_the_signal(pty_board) -> None:
    """Four boards at once (to keep the suite short), each ended by another signal."""
    # A signal ignored here (`nohup`, or `&` in a script, ignores some) stays ignored in the
    # child, and the board keeps it so by design: start the boards with none ignored.
    ignored = [number for number in SIGNALS if signal.getsignal(number) == signal.SIG_IGN]
    for number in ignored:
        signal.signal(number, signal.SIG_DFL)
    try:
        boards: dict[int, PtyBoard] = {
            number: pty_board(["demo", "--interval", "1"]) for number in SIGNALS
        }
    finally:
        for number in ignored:
            signal.signal(number, signal.SIG_IGN)
    for board in boards.values():
        # Live data: the app is mounted (its signal handlers are set) and has polled.
        board.wait_for(lambda text: "Agents 60/60" in text and "updated" in text, 30, "data")
    time.sleep(0.3)
    for number, board in boards.items():
        assert board.raw.count(ALT_SCREEN_ON) and board.raw.count(MOUSE_ON)
        os.kill(board.proc.pid, number)
    for number, board in boards.items():
        name = signal.Signals(number).name
        status = board.wait_exit(20)
        assert status == 128 + number, f"{name}: exit status {status}"
        time.sleep(0.1)  # the reader thread takes the last bytes
        raw = bytes(board.raw)
        assert raw.rfind(ALT_SCREEN_OFF) > raw.rfind(ALT_SCREEN_ON), f"{name}: alternate screen"
        assert raw.rfind(MOUSE_OFF) > raw.rfind(MOUSE_ON), f"{name}: mouse reporting"
        attributes = termios.tcgetattr(board.slave)
        assert attributes[3] & termios.ECHO, f"{name}: echo is off"
        assert attributes == board.termios_before, f"{name}: terminal modes not restored"


def _no_terminal(tmp_path: Path, args: list[str], **streams: object) -> subprocess.CompletedProcess:
    """`wallboard ARGS` with the given standard streams (the others piped)."""
    streams.setdefault("stdout", subprocess.PIPE)
    streams.setdefault("stderr", subprocess.PIPE)
    env = base_env(tmp_path, VOICENTER_CODE="e2e-no-tty-code")
    return subprocess.run([WALLBOARD, *args], env=env, timeout=30, **streams)  # type: ignore[call-overload]


def test_run_and_demo_refuse_without_a_terminal(tmp_path: Path) -> None:
    for args in (["demo"], ["run"], []):
        started = time.monotonic()
        result = _no_terminal(tmp_path, args, stdin=subprocess.DEVNULL)
        assert result.returncode == 2, args
        lines = result.stderr.decode().strip().splitlines()
        assert len(lines) == 1, lines
        assert "no terminal" in lines[0] and "wallboard hub" in lines[0]
        assert result.stdout == b""
        assert time.monotonic() - started < 15


def test_demo_refuses_when_only_stdout_is_redirected(tmp_path: Path) -> None:
    """stdin and stderr on a pty, stdout into a file: no escape codes go to the file."""
    master, slave = os.openpty()
    out = tmp_path / "out.txt"
    try:
        with out.open("wb") as sink:
            result = _no_terminal(
                tmp_path, ["demo"], stdin=slave, stdout=sink, stderr=subprocess.PIPE
            )
    finally:
        os.close(master)
        os.close(slave)
    assert result.returncode == 2
    assert b"stdout is not a TTY" in result.stderr
    assert out.read_bytes() == b""


def test_setsid_with_no_input_refuses(tmp_path: Path) -> None:
    """`setsid wallboard demo </dev/null`: no controlling terminal, no input."""
    result = subprocess.run(
        [sys.executable, "-m", "wallboard", "demo"],
        env=base_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        start_new_session=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert b"wallboard hub" in result.stderr
