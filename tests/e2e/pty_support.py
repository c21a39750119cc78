"""Run the real `wallboard` command in a pseudo-terminal and read its screen back with pyte.

`PtyBoard` starts the CLI with the pty as its controlling terminal (so window-size changes
reach it as SIGWINCH), drains the output on a thread into a `pyte.Screen`, and kills the
whole process group when the test ends, whatever happened.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyte
import pytest

WALLBOARD = str(Path(sys.executable).with_name("wallboard"))
# Synchronized output (DEC mode 2026): the app asks whether the terminal has it; we say yes,
# so each frame arrives between SYNC_START and SYNC_END and the screen is read between frames.
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
CODE = "e2e-secret-code-1234"
COLS, ROWS = 120, 36


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a child: a private config dir, a colour terminal, no inherited
    wallboard settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WALLBOARD_", "TEXTUAL"))
        # COLUMNS/LINES (pytest-xdist's workers set 80x24) would win over the pty's size
        and key not in ("NO_COLOR", "CODE", "COLUMNS", "LINES")
    }
    env.pop("VOICENTER_CODE", None)
    env.update(
        TERM="xterm-256color",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        HOME=str(tmp_path),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _become_terminal_owner() -> None:  # runs in the child, before exec
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyBoard:
    """A wallboard process on a pty, its screen as pyte sees it."""

    def __init__(
        self, args: list[str], env: dict[str, str], cols: int = COLS, rows: int = ROWS
    ) -> None:
        self.master, self.slave = os.openpty()
        _set_size(self.slave, cols, rows)
        self.termios_before = termios.tcgetattr(self.slave)
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self._pending = bytearray()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.proc = subprocess.Popen(
            [WALLBOARD, *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            preexec_fn=_become_terminal_owner,  # only setsid and an ioctl: safe with threads
            close_fds=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- output ----------------------------------------------------------------------------
    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                scan_from = max(0, len(self.raw) - len(SYNC_QUERY))
                self.raw.extend(data)
                if SYNC_QUERY in self.raw[scan_from:]:
                    os.write(self.master, SYNC_REPLY)
                self._pending.extend(data)
                self._feed_whole_frames()

    def _feed_whole_frames(self) -> None:
        """Feed pyte everything but an unfinished synchronized frame."""
        buf = self._pending
        while buf:
            start = buf.find(SYNC_START)
            if start == -1:
                self._stream.feed(bytes(buf))
                buf.clear()
                return
            if start:
                self._stream.feed(bytes(buf[:start]))
                del buf[:start]
            end = buf.find(SYNC_END)
            if end == -1:
                return  # the rest of the frame is still on its way
            end += len(SYNC_END)
            self._stream.feed(bytes(buf[:end]))
            del buf[:end]

    def lines(self) -> list[str]:
        """The screen, one string per row."""
        with self._lock:
            return list(self.screen.display)

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait_for(
        self, check: Callable[[str], object], timeout: float, what: str = "condition"
    ) -> str:
        """Wait until `check(screen text)` is true; returns that screen. Fails with the screen."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if check(text):
                return text
            if self.proc.poll() is not None:
                code = self.proc.returncode
                pytest.fail(f"wallboard exited ({code}) waiting for {what}:\n{text}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {timeout}s; the screen:\n{text}")
            time.sleep(0.05)

    # --- input and size --------------------------------------------------------------------
    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def resize(self, cols: int, rows: int) -> None:
        """Change the window size as a terminal emulator does (the kernel sends SIGWINCH)."""
        with self._lock:
            _set_size(self.slave, cols, rows)
            self.screen.resize(rows, cols)

    def wait_exit(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"wallboard did not exit within {timeout}s:\n{self.text()}")

    def close(self) -> None:
        """Kill the process group if still alive; release the pty."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        self._stop.set()
        self._reader.join(2)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


class Simulator:
    """`wallboard simulate` on a loopback port, in its own process group."""

    def __init__(self, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.proc = subprocess.Popen(
            [WALLBOARD, "simulate", "--port", str(port), "--agents", "24", "--queues", "3"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                error = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                pytest.fail(f"simulator exited ({self.proc.returncode}): {error}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"simulator not listening on {self.port} within {timeout}s")

    def kill(self) -> None:
        """Die at once, as a crashed server does."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        if self.proc.stderr:
            self.proc.stderr.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
