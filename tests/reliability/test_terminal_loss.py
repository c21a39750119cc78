"""Terminal loss: when the terminal goes (an SSH drop), `wallboard demo` must go too.

`wallboard demo` runs on a fresh pty; once it has drawn the board, the master side is
closed, as sshd does when the connection drops. Three ways the process can meet that:

- the pty is its controlling terminal (a login session): the kernel sends SIGHUP;
- the same, but started with SIGHUP ignored (`nohup wallboard demo`, some supervisors):
  only the app's own terminal check can notice;
- the pty is not its controlling terminal (started by a supervisor on a pty): ditto.

In each case the process must exit within 10 s rather than run blind. The three run at
once to keep the suite short.
"""

from __future__ import annotations

import os
import sys
import time

import pytest
from reliability_support import PtyProcess

LIMIT_S = 10.0
# The nohup case is known to hang for ever (see the xfail below): stop watching it sooner.
HUNG_LIMIT_S = 4.5
VARIANTS = {
    "sighup": {"controlling": True, "ignore_sighup": False},
    "nohup": {"controlling": True, "ignore_sighup": True},
    "no_controlling_tty": {"controlling": False, "ignore_sighup": False},
}


@pytest.fixture(scope="module")
def exits() -> dict[str, tuple[bool, int | None, float | None]]:
    """Per variant: whether it drew the board, its exit status, seconds from hang-up."""
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    boards = {
        name: PtyProcess(
            [sys.executable, "-m", "wallboard", "demo", "--interval", "1"],
            env=env,
            size=(100, 30),
            **options,  # type: ignore[arg-type]
        )
        for name, options in VARIANTS.items()
    }
    results: dict[str, tuple[bool, int | None, float | None]] = {}
    try:
        drawn = {
            name: b"Agents" in board.read(20, until=b"Agents") for name, board in boards.items()
        }
        time.sleep(0.5)  # a tick on screen
        hung_up = {}
        for name, board in boards.items():
            board.hang_up()
            hung_up[name] = time.monotonic()
        pending = set(boards)
        while pending:
            for name in sorted(pending):
                status = boards[name].process.poll()
                waited = time.monotonic() - hung_up[name]
                limit = HUNG_LIMIT_S if name == "nohup" else LIMIT_S
                if status is not None:
                    results[name] = (drawn[name], status, waited)
                    pending.discard(name)
                elif waited > limit:
                    results[name] = (drawn[name], None, None)
                    pending.discard(name)
            time.sleep(0.05)
    finally:
        for board in boards.values():
            board.kill()
    for name, (drawn_ok, status, after) in results.items():
        waited = "still running" if after is None else f"exit {status} after {after:.2f} s"
        print(f"terminal loss, {name}: drawn={drawn_ok}, {waited}")
    return results


def _check(result: tuple[bool, int | None, float | None]) -> None:
    drawn, status, after = result
    assert drawn, "the demo never drew its board"
    assert status is not None and after is not None, "still running after the hang-up"
    assert after < LIMIT_S


def test_demo_exits_when_the_terminal_hangs_up(exits: dict) -> None:
    _check(exits["sighup"])


def test_demo_exits_when_its_pty_goes_without_being_its_controlling_terminal(
    exits: dict,
) -> None:
    _check(exits["no_controlling_tty"])
    assert exits["no_controlling_tty"][1] == 0  # the app's own check: a clean exit


def test_demo_exits_when_the_terminal_goes_even_with_sighup_ignored(exits: dict) -> None:
    _check(exits["nohup"])
