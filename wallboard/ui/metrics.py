"""Measurements the app takes of itself: how long from an HTTP answer to the screen showing it.

Always kept in a bounded ring (for tests and the benchmark in-process); also appended as JSON
lines to the file named by `WALLBOARD_METRICS_FILE` when that is set (for the benchmark
driving a real terminal). Nothing else is recorded: no data, no code.
"""

from __future__ import annotations

import os
import time
from collections import deque
from typing import IO

from wallboard.core.jsonout import dumps


class FrameMetrics:
    """Response-to-screen times in milliseconds, newest last."""

    def __init__(self, keep: int = 2000, path: str | None = None) -> None:
        self.response_to_screen_ms: deque[float] = deque(maxlen=keep)
        self._file: IO[str] | None = None
        target = path if path is not None else os.environ.get("WALLBOARD_METRICS_FILE")
        if target:
            self._file = open(target, "a", encoding="utf-8")  # noqa: SIM115 - lives with the app

    def screen_updated(self, received_perf: float, agents: int, waiting: int) -> None:
        """The frame showing an answer received at `received_perf` has been drawn."""
        if not received_perf:
            return
        elapsed_ms = (time.perf_counter() - received_perf) * 1000
        self.response_to_screen_ms.append(elapsed_ms)
        if self._file is not None:
            record = {
                "response_to_screen_ms": round(elapsed_ms, 3),
                "agents": agents,
                "waiting": waiting,
            }
            self._file.write(dumps(record) + "\n")
            self._file.flush()

    def close(self) -> None:
        """Close the file, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None
