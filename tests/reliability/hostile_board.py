"""Run the real board in a real terminal on a centre full of hostile strings, then quit.

Used by `test_hostile.py` under a pty (read back through pyte): corpus strings are agents,
callers and queue names, and the detail pane of the agent holding the worst mix is open.

Environment: `HOSTILE_LABELS` (comma-separated corpus labels; default all),
`HOSTILE_BOARD_SECONDS` (quit after, default 2.5), `HOSTILE_BOARD_DUMP` (write the screen
as the app itself drew it, one JSON list of lines, just before quitting).

    python tests/reliability/hostile_board.py       # to look at it yourself
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_data import CORPUS, T0, many_hostile_payloads, snapshot_of

from wallboard.core.clock import FakeClock
from wallboard.ui.app import BoardOptions, WallboardApp


class _NoSource:
    name = "fixture: hostile centre"

    async def fetch(self) -> Any:
        raise AssertionError("the board is fed by hand")


class HostileBoard(WallboardApp):
    """The board, fed one hostile snapshot, with the worst agent's details open."""

    def on_ready(self) -> None:
        labels = [label for label in os.environ.get("HOSTILE_LABELS", "").split(",") if label]
        self.show_snapshot(snapshot_of(many_hostile_payloads(labels or None)))
        target = next(a for a in self.board.agents if a.extension.representative == CORPUS["mixed"])
        self.detail_for = target
        self._open_detail()
        self.set_timer(float(os.environ.get("HOSTILE_BOARD_SECONDS", "2.5")), self._finish)

    def _finish(self) -> None:
        dump = os.environ.get("HOSTILE_BOARD_DUMP")
        if dump:
            lines = [strip.text for strip in self.screen._compositor.render_strips()]
            Path(dump).write_text(json.dumps(lines), encoding="utf-8")
        self.exit(0)


if __name__ == "__main__":
    HostileBoard(_NoSource(), FakeClock(T0), BoardOptions(poll=False)).run()
