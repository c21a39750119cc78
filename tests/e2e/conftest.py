"""Fixtures for the end-to-end tests: the real CLI on a pty, and the simulator on a port.

Every process started here is killed (with its process group) when the test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pty_support import CODE, COLS, ROWS, PtyBoard, Simulator, base_env


@pytest.fixture
def pty_board(tmp_path: Path) -> Iterator[Callable[..., PtyBoard]]:
    """Start `wallboard ARGS...` on a pty: `pty_board(["demo"], NO_COLOR="1")`."""
    started: list[PtyBoard] = []

    def start(
        args: list[str], cols: int = COLS, rows: int = ROWS, size_env: bool = True, **env: str
    ) -> PtyBoard:
        extra = {"COLUMNS": str(cols), "LINES": str(rows)} if size_env else {}
        full_env = base_env(tmp_path, **extra, **env)
        if not size_env:
            # COLUMNS/LINES would pin the size: Textual asks shutil, which reads them first.
            full_env.pop("COLUMNS", None)
            full_env.pop("LINES", None)
        board = PtyBoard(args, full_env, cols, rows)
        started.append(board)
        return board

    yield start
    for board in started:
        board.close()


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[Callable[[int], Simulator]]:
    """Start `wallboard simulate` on a port (again after a kill, for a restart)."""
    started: list[Simulator] = []

    def start(port: int) -> Simulator:
        sim = Simulator(port, base_env(tmp_path, VOICENTER_CODE=CODE))
        started.append(sim)
        sim.wait_ready()
        return sim

    yield start
    for sim in started:
        sim.kill()
