"""Whether the board still has a terminal: after an SSH drop it must exit, not run blind."""

from __future__ import annotations

import sys
import termios


def terminal_alive() -> bool:
    """Whether the controlling terminal still answers (a hung-up tty fails `tcgetattr`)."""
    for stream in (sys.__stdin__, sys.__stdout__):
        if stream is None:
            return False
        try:
            termios.tcgetattr(stream.fileno())
        except (termios.error, OSError, ValueError):
            return False
    return True
