"""The board with timers around its phases: where response-to-screen time goes.

    python -m bench.trace_board [--extensions 2000] [--compact] [--seconds 40]

Runs the load server and the board in a 200x60 pty as `bench.run` does, but the board is
started through this module (`python -m bench.trace_board --child run …`), which wraps the
phases of a poll and of a frame with `perf_counter` spans before handing over to the
normal CLI. Nothing in `wallboard/` changes; the wrappers cost a few microseconds a call.
It prints, per poll, where the time from the HTTP answer to the screen went, and the
average cost of a frame.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

_TRACE: Any = None


def _emit(name: str, start: float, end: float, cpu_s: float = 0.0) -> None:
    if _TRACE is not None:
        record = {"ev": name, "t": start, "ms": (end - start) * 1000, "cpu": cpu_s * 1000}
        _TRACE.write(json.dumps(record) + "\n")


def _wrap(owner: Any, attribute: str, name: str) -> None:
    original = getattr(owner, attribute)
    if getattr(original, "__wrapped_for_trace__", False):
        return

    if _is_coroutine(original):

        @functools.wraps(original)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                _emit(name, start, time.perf_counter())  # awaits: CPU time not meaningful

        async_wrapper.__wrapped_for_trace__ = True  # type: ignore[attr-defined]
        setattr(owner, attribute, async_wrapper)
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            _emit(name, start, time.perf_counter(), time.thread_time() - cpu)

    wrapper.__wrapped_for_trace__ = True  # type: ignore[attr-defined]
    setattr(owner, attribute, wrapper)


def _is_coroutine(function: Any) -> bool:
    import inspect

    return inspect.iscoroutinefunction(function)


def install(path: str) -> None:
    """Wrap the interesting phases; spans go to `path` as JSON lines."""
    global _TRACE
    _TRACE = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115

    from textual.app import App
    from textual.screen import Screen

    import wallboard.api.client as client
    import wallboard.sources.api_source as api_source
    import wallboard.ui.app as app
    from wallboard.core.board import Board
    from wallboard.ui.metrics import FrameMetrics
    from wallboard.ui.widgets.agent_grid import AgentGrid
    from wallboard.ui.widgets.line_view import LineView
    from wallboard.ui.widgets.queue_panel import QueuePanel
    from wallboard.ui.widgets.totals import TotalsBar

    _wrap(client.ActiveCallsClient, "fetch", "fetch")
    _wrap(client, "_decode", "json_decode")
    _wrap(client, "parse_extensions", "parse_extensions")  # answers that cannot be cut
    _wrap(client, "_open", "open_answers")  # cut (or decode) and check the envelopes
    _wrap(client, "parse_extension_pieces", "parse_pieces")
    _wrap(client, "parse_queues", "parse_queues")
    _wrap(api_source, "build_snapshot", "build_snapshot")
    _wrap(app.WallboardApp, "show_snapshot", "show_snapshot")
    _wrap(app.WallboardApp, "tick", "tick")
    _wrap(app.WallboardApp, "_rearrange", "rearrange")
    _wrap(Board, "apply", "board_apply")
    _wrap(AgentGrid, "set_agents", "grid_set_agents")
    _wrap(QueuePanel, "set_queues", "queues_set")
    _wrap(TotalsBar, "show", "totals_show")
    _wrap(LineView, "render_line", "render_line")
    _wrap(Screen, "_on_timer_update", "frame")
    _wrap(Screen, "_refresh_layout", "layout")  # a whole-screen layout pass, inside a frame
    _wrap(App, "_display", "display")

    import gc

    gc_started: list[float] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_started[:] = [time.perf_counter(), time.thread_time()]
        elif gc_started:
            wall, cpu = gc_started
            _emit(
                f"gc{info.get('generation', '?')}",
                wall,
                time.perf_counter(),
                time.thread_time() - cpu,
            )

    gc.callbacks.append(on_gc)

    original = FrameMetrics.screen_updated

    def screen_updated(self: Any, received_perf: float, agents: int, waiting: int) -> None:
        _emit("screen_updated", received_perf, time.perf_counter())
        original(self, received_perf, agents, waiting)

    FrameMetrics.screen_updated = screen_updated  # type: ignore[method-assign]


def child(argv: list[str]) -> None:
    """In the board's process: install the wrappers, then run the normal CLI."""
    candidate = os.environ.get("BENCH_CANDIDATE")
    if candidate:  # `-m` put the working directory first: the candidate must come before it
        sys.path.insert(0, candidate)
    install(os.environ["WALLBOARD_TRACE_FILE"])
    from wallboard.cli import main

    sys.argv = ["wallboard", *argv]
    main()


def report(path: Path, warmup_s: float = 5.0) -> str:
    """Per poll: the phases between the answer and the screen; per frame and per second of
    steady state (after `warmup_s`, without the start-up's layouts and first drawing): the
    cost."""
    events = [json.loads(line) for line in path.read_text().splitlines() if line]
    polls = [e for e in events if e["ev"] == "screen_updated"]
    lines = [f"{len(polls)} polls traced"]
    rows = []
    for poll in polls[2:]:  # skip the first (cold) ones
        start, end = poll["t"], poll["t"] + poll["ms"] / 1000

        def within(name: str, start: float = start, end: float = end) -> list[dict[str, Any]]:
            return [e for e in events if e["ev"] == name and start <= e["t"] < end]

        row = {"total": poll["ms"]}
        for name in (
            "open_answers", "json_decode", "parse_pieces", "parse_extensions", "parse_queues",
            "build_snapshot", "show_snapshot", "board_apply", "rearrange", "grid_set_agents",
            "queues_set",
            "tick", "frame", "display", "render_line", "gc0", "gc1", "gc2",
        ):  # fmt: skip
            found = within(name)
            row[name] = sum(e["ms"] for e in found)
            row[name + "_cpu"] = sum(e["cpu"] for e in found)
            row[name + "_n"] = len(found)
        shows = within("show_snapshot")
        row["wait_before_show"] = (shows[0]["t"] - start) * 1000 if shows else 0.0
        rows.append(row)
    if rows:
        lines.append("median per poll, answer → screen: wall ms, main-thread CPU ms [calls]")
        for key in rows[0]:
            if key.endswith(("_n", "_cpu")):
                continue
            value = statistics.median(r[key] for r in rows)
            cpu = (
                f"{statistics.median(r[key + '_cpu'] for r in rows):8.1f}"
                if key + "_cpu" in rows[0]
                else " " * 8
            )
            count = rows[0].get(key + "_n")
            suffix = f"  [{statistics.median(r[key + '_n'] for r in rows):g}]" if count else ""
            lines.append(f"  {key:<18} {value:8.1f} {cpu}{suffix}")
    if events:
        steady_from = events[0]["t"] + warmup_s
        events = [e for e in events if e["t"] >= steady_from]
    frames = [e["ms"] for e in events if e["ev"] == "frame"]
    ticks = [e["ms"] for e in events if e["ev"] == "tick"]
    totals: dict[str, float] = defaultdict(float)
    cpu_totals: dict[str, float] = defaultdict(float)
    for e in events:
        totals[e["ev"]] += e["ms"]
        cpu_totals[e["ev"]] += e.get("cpu", 0.0)
    if events:
        span = (events[-1]["t"] - events[0]["t"]) or 1.0
        median_frame = statistics.median(frames or [0])
        lines.append(
            f"after {warmup_s:g}s of start-up: frames: {len(frames)} in {span:.0f}s, "
            f"median {median_frame:.1f} ms"
        )
        lines.append(f"ticks: median {statistics.median(ticks or [0]):.1f} ms")
        lines.append("per second of steady state: wall ms, main-thread CPU ms (nested overlap)")
        for name, total in sorted(totals.items(), key=lambda item: -item[1]):
            if name != "screen_updated":
                lines.append(f"  {name:<18} {total / span:8.2f} {cpu_totals[name] / span:8.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extensions", type=int, default=2000)
    parser.add_argument("--queues", type=int, default=40)
    parser.add_argument("--compact", action="store_true")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--pythonpath", help="a candidate copy of the package to trace")
    args = parser.parse_args(argv)

    from bench.harness import BENCH_CODE, PtyProcess, SimServer

    work = Path(tempfile.mkdtemp(prefix="wallboard-trace-"))
    trace = work / "trace.jsonl"
    with SimServer(args.extensions, args.queues) as server:
        board_args = ["run", "--base-url", server.base_url, "--interval", "2"]
        if args.compact:
            board_args.append("--compact")
        env = {
            "VOICENTER_CODE": BENCH_CODE,
            "WALLBOARD_TRACE_FILE": str(trace),
            "WALLBOARD_METRICS_FILE": str(work / "metrics.jsonl"),
        }
        if args.pythonpath:
            env["PYTHONPATH"] = args.pythonpath
            env["BENCH_CANDIDATE"] = args.pythonpath
        argv_child = [sys.executable, "-m", "bench.trace_board", "--child", *board_args]
        with PtyProcess(argv_child, env=env):
            time.sleep(args.seconds)
    print(report(trace))
    if args.pythonpath:
        print(f"\ncandidate: {args.pythonpath}")
    print(f"trace: {trace}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
