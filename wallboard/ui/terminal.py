"""Whether the board still has a terminal: after an SSH drop it must exit, not run blind."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import termios
import threading
import time
from collections.abc import Callable

CHECK_SECONDS = 2.0
GRACE_SECONDS = 2.0


def terminal_fds() -> list[int]:
    """The standard streams that are terminals now (Textual draws on stderr, reads stdin)."""
    fds = []
    for stream in (sys.__stdin__, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None and os.isatty(stream.fileno()):
                fds.append(stream.fileno())
        except (OSError, ValueError):
            continue
    return fds


def terminal_alive(fds: list[int] | None = None) -> bool:
    """Whether the terminal still answers on `fds` (a hung-up tty fails `tcgetattr`)."""
    for fd in terminal_fds() if fds is None else fds:
        try:
            termios.tcgetattr(fd)
        except (termios.error, OSError, ValueError):
            return False
    return True


def watch_terminal(
    loop: asyncio.AbstractEventLoop, exit_app: Callable[[], None], check_s: float = CHECK_SECONDS
) -> threading.Thread:
    """Exit the process within seconds once its terminal is gone.

    A thread, not a timer on the event loop: after a hang-up Textual's output writer can
    die on EIO and leave the app's shutdown blocked forever (seen under `nohup`). The
    thread asks the app to exit, and if it has not within a grace period, ends the process.
    """

    # Only streams that were terminals at the start count: `wallboard > log` is fine.
    fds = terminal_fds()

    def watch() -> None:
        if not fds:
            return  # no terminal to lose
        while terminal_alive(fds):
            time.sleep(check_s)
        try:
            loop.call_soon_threadsafe(exit_app)
        except RuntimeError:  # the loop has closed: the app is already gone
            return
        time.sleep(GRACE_SECONDS)
        os._exit(0)

    thread = threading.Thread(target=watch, name="terminal-watchdog", daemon=True)
    thread.start()
    return thread


# Signals that end the board: each leaves as `q` does (the terminal restored: main screen,
# mouse reporting off, echo on) with exit code 128 + the signal's number, as shells report.
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGINT)


def exit_on_signals(loop: asyncio.AbstractEventLoop, exit_app: Callable[[int], None]) -> None:
    """Have SIGTERM, SIGHUP, SIGQUIT and SIGINT end the app cleanly (`exit_app(128 + n)`).

    Their default actions end the process at once and leave the terminal in the alternate
    screen with mouse reporting on and echo off. A signal the user chose to ignore
    (`nohup`) stays ignored.
    """
    for number in EXIT_SIGNALS:
        if signal.getsignal(number) == signal.SIG_IGN:
            continue
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            loop.add_signal_handler(number, exit_app, 128 + number)
