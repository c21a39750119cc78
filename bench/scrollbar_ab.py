"""What Textual's scroll bar widget inside a line view costs each frame: an in-process A/B.

    python -m bench.scrollbar_ab [--compact] [--blocks 20] [--frames 8]

Runs the real app headless (`run_test`, 200×60) on the benchmark's centre (the simulator's,
2,000 extensions in 40 queues), fed by hand and ticked by hand, and measures the main
thread's CPU per tick frame. Blocks alternate between Textual's scroll bar widget in the
grid and the queue panel at width 1 ("bar") and at width 0 ("no bar", as the board ships:
the views draw their own scroll bar as the last cell of each line, see
`wallboard/ui/widgets/line_view.py`), so the machine's noise falls on both; it prints the
medians. This is the research behind that change (docs/PERFORMANCE.md); with "bar" the
views show both scroll bars.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import orjson
from textual.screen import Screen

from wallboard.api.parse import ParseMemo, parse_queues
from wallboard.api.pieces import PieceMemo, cut_answer, parse_extension_pieces
from wallboard.core.clock import FakeClock
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import Snapshot, build_snapshot
from wallboard.sim.centre import CallCentre
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.queue_panel import QueuePanel


class _HandFed:
    """A source that is never polled: snapshots are shown by hand."""

    name = "bench: scrollbar A/B"

    async def fetch(self) -> Snapshot:
        raise AssertionError("the poller is off")


class _Feed:
    """The benchmark's centre, read the way the client reads it."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.centre = CallCentre(seed=1, agents=2000, queues=40, start=clock.now())
        self.pieces, self.queues = PieceMemo(), ParseMemo()
        self.estimator = ServerClockEstimator(0.0)

    def snapshot(self) -> Snapshot:
        self.centre.advance_to(self.clock.now())
        body = orjson.dumps({"ERR": 0, "EXTENSIONS": self.centre.extensions_payload()})
        cut = cut_answer(body, "EXTENSIONS")
        assert cut is not None
        read = parse_extension_pieces(cut, self.pieces)
        assert read is not None
        queues, _ = parse_queues({"ERR": 0, "QUEUES": self.centre.queues_payload()}, self.queues)
        return build_snapshot(
            read[0],
            queues,
            [],
            fetched_at=self.clock.now(),
            latency_s=0.01,
            estimator=self.estimator,
            source="bench",
        )


async def measure(compact: bool, blocks: int, frames: int) -> dict[str, list[float]]:
    """CPU ms per tick frame, per block, with the scrollbars shown ("bar") or not."""
    spent: list[float] = []
    real_frame = Screen._on_timer_update

    def timed_frame(self: Screen, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return real_frame(self, *args, **kwargs)
        finally:
            spent.append(time.process_time() - started)

    Screen._on_timer_update = timed_frame  # type: ignore[method-assign]
    try:
        clock = FakeClock()
        feed = _Feed(clock)
        options = BoardOptions(poll=False, ticks=False, local_time=False, compact=compact)
        app = WallboardApp(_HandFed(), clock, options)  # type: ignore[arg-type]
        results: dict[str, list[float]] = {"bar": [], "no bar": []}
        async with app.run_test(size=(200, 60)) as pilot:
            app.show_snapshot(feed.snapshot())
            await pilot.pause()
            views = [app.query_one(AgentGrid), app.query_one(QueuePanel)]
            for block in range(blocks):
                for variant in ("bar", "no bar") if block % 2 else ("no bar", "bar"):
                    for view in views:
                        view.styles.scrollbar_size_vertical = 1 if variant == "bar" else 0
                    for _ in range(3):  # settle: the width change redraws everything
                        clock.advance(1.0)
                        app.tick()
                        await pilot.pause()
                    cpu = 0.0
                    for _ in range(frames):
                        clock.advance(1.0)
                        feed.centre.advance_to(clock.now())
                        app.tick()
                        spent.clear()
                        await pilot.pause()
                        cpu += sum(spent)
                    results[variant].append(cpu / frames * 1000)
            app.exit()
        return results
    finally:
        Screen._on_timer_update = real_frame  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compact", action="store_true")
    parser.add_argument("--blocks", type=int, default=20)
    parser.add_argument("--frames", type=int, default=8)
    args = parser.parse_args(argv)
    results = asyncio.run(measure(args.compact, args.blocks, args.frames))
    layout = "compact" if args.compact else "tiles"
    for variant, values in results.items():
        print(
            f"{layout}, scrollbars {variant}: CPU per tick frame median "
            f"{statistics.median(values):.2f} ms, mean {statistics.mean(values):.2f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
