"""Soak the real board: weeks of a simulated call centre, memory and tasks watched.

The real `WallboardApp` runs headless (Textual's `run_test`) on the in-process simulator at
high speed (`--speed 600`: a simulated week in about 17 real minutes) with a fast poll
interval, optionally with faults. Every `--sample` seconds it records the process's RSS
(VmRSS), what tracemalloc traces, the asyncio task and thread counts, the gc object count,
and the sizes of the collections that must stay bounded (the board's tracked agents, the
parse memos, the grid's and queue panel's line caches, the metrics ring, the DOM).

After a warm-up (`--warmup`, default a fifth of the run, at least 5 s), the figures must be
flat: RSS and traced memory grow less than 5 %, the task count does not grow, collections
stay within their bounds. The verdict and every sample are printed as JSON (and written to
`--json` if given); the exit status is 1 when a check fails.

    python -m bench.soak                                  # 60 s, speed 600 (10 sim. hours)
    python -m bench.soak --seconds 300 --json soak.json   # 5 minutes (~2 sim. days)
    python -m bench.soak --seconds 1010                   # a simulated week
    python -m bench.soak --seconds 300 --faults chaos,hang=0,down_seconds=3

Run it as a module from the checkout: as a script (`python bench/soak.py`) it would import
the copy of `wallboard` installed in the venv, which is the code of the last install.

`WALLBOARD_SOAK_SECONDS` sets the default duration. `tests/soak/test_soak.py` runs this.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import threading
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.cells import cached_cell_len
from textual.geometry import Region

from wallboard.api.client import ActiveCallsClient
from wallboard.core.clock import SystemClock
from wallboard.launch import tune_garbage_collector
from wallboard.sim.faults import FaultProfile
from wallboard.sim.server import create_app
from wallboard.sources.api_source import ApiSource
from wallboard.sources.polling import PollingSource
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.queue_panel import QueuePanel

SOAK_CODE = "soak-code"
GROWTH_LIMIT = 0.05
TRACED_FLOOR_KB = 512
_ANSWERING = ("slow", "empty_extensions", "schema_drift")  # faults that still answer
WEEK_S = 7 * 24 * 3600


@dataclass
class Sample:
    """One reading, `t` seconds into the run."""

    t: float
    sim_hours: float
    rss_kb: int
    traced_kb: int
    tasks: int
    threads: int
    gc_objects: int
    polls: int
    failures: int
    agents: int
    waiting: int
    tracked: int
    ext_memo: int
    queue_memo: int
    grid_cache: int
    queue_cache: int
    metrics: int
    dom_nodes: int
    cell_cache: int  # rich's cell-length cache: bounded (4096), fills during warm-up
    region_cache: int  # Textual's geometry caches (lru, 1024-4096 each): fill more slowly
    modules: int  # len(sys.modules): a late import is a one-off step, not a leak


@dataclass
class SoakResult:
    """The run's settings, samples and verdict."""

    seconds: float
    speed: float
    interval_s: float
    agents: int
    queues: int
    faults: str
    warmup_s: float
    samples: list[Sample] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    top_growth: list[str] = field(default_factory=list)  # tracemalloc: what grew most

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


def rss_kb() -> int:
    """The process's resident set size, from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class _Counted(ActiveCallsClient):
    """The real client, counting failed fetches."""

    failures = 0

    async def fetch(self, extension: str | None = None, queue: str | None = None) -> Any:
        try:
            return await super().fetch(extension, queue)
        except Exception:
            self.failures += 1
            raise


def _sample(
    app: WallboardApp, client: _Counted, sim: Any, began: float, start_sim: float
) -> Sample:
    grid = app.query_one(AgentGrid)
    panel = app.query_one(QueuePanel)
    return Sample(
        t=round(time.perf_counter() - began, 2),
        sim_hours=round((sim.state.sim_now() - start_sim) / 3600, 2),
        rss_kb=rss_kb(),
        traced_kb=tracemalloc.get_traced_memory()[0] // 1024 if tracemalloc.is_tracing() else 0,
        tasks=len(asyncio.all_tasks()),
        threads=threading.active_count(),
        gc_objects=len(gc.get_objects()),
        polls=app.board.generation,
        failures=client.failures,
        agents=len(app.board.agents),
        waiting=app.board.totals.waiting,
        tracked=len(app.board._tracked),
        # Both readers of the extensions answer: by pieces (compact answers), or whole.
        ext_memo=len(client._extension_pieces)
        + len(client._extensions_memo.items)
        + len(client._extensions_memo.next_items),
        queue_memo=len(client._queues_memo.items) + len(client._queues_memo.next_items),
        grid_cache=len(grid._cache),
        queue_cache=len(panel._cache),
        metrics=len(app.metrics.response_to_screen_ms),
        dom_nodes=len(list(app.screen.walk_children())),
        cell_cache=cached_cell_len.cache_info().currsize,
        region_cache=sum(cache.cache_info().currsize for cache in _region_caches()),
        modules=len(sys.modules),
    )


def _growth(values: list[float]) -> float:
    """Relative growth from the start to the end of `values` (medians of three)."""
    head = statistics.median(values[:3])
    tail = statistics.median(values[-3:])
    return (tail - head) / head if head else 0.0


def _slope(samples: list[Sample], name: str) -> float:
    """Least-squares slope of a figure over real time (per second)."""
    xs = [s.t for s in samples]
    ys = [float(getattr(s, name)) for s in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def _region_caches() -> list[Any]:
    """Textual's `Region` methods with an `lru_cache` (intersection, translate, ...).

    The board refreshes runs of changed cells, so many distinct regions pass through them;
    they fill over minutes, bounded by their sizes (1024 or 4096 entries each).
    """
    return [
        method
        for method in vars(Region).values()
        if callable(method) and hasattr(method, "cache_info")
    ]


def _cache_cost(caches: list[Any]) -> float:
    """KB of traced memory per entry of these `lru_cache`s, measured by clearing them
    (at the very end of a run: the board is not measured after this)."""
    entries = sum(cache.cache_info().currsize for cache in caches)
    if not entries:
        return 0.0
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    for cache in caches:
        cache.cache_clear()
    gc.collect()
    return round(max(0, before - tracemalloc.get_traced_memory()[0]) / entries / 1024, 4)


def judge(result: SoakResult, size: tuple[int, int]) -> None:
    """Fill in the figures and problems from the samples after warm-up.

    Warm-up lasts `warmup_s`, or longer if the run allows: until rich's cell-length cache
    (an LRU of 4096 strings, about 1 MB once full) has filled, so that a bounded cache
    filling up is not read as a leak. The measured window keeps at least half the run;
    in a shorter run the cache's measured share of the growth is taken off instead.
    """
    full = cached_cell_len.cache_info().maxsize or 0
    settled = next((s.t for s in result.samples if s.cell_cache >= full), None)
    result.figures["cell_cache_full_at_s"] = settled
    if settled is not None and settled > result.warmup_s and settled <= result.seconds / 2:
        result.warmup_s = settled
    after = [s for s in result.samples if s.t >= result.warmup_s]
    if len(after) < 4:
        result.problems.append(f"too few samples after warm-up ({len(after)})")
        return
    first, last = after[0], after[-1]
    figures = result.figures
    figures["polls"] = last.polls
    figures["failures"] = last.failures
    figures["simulated_hours"] = last.sim_hours
    figures["rss_kb_after_warmup"] = first.rss_kb
    figures["rss_kb_end"] = last.rss_kb
    figures["rss_kb_max"] = max(s.rss_kb for s in after)
    figures["rss_growth"] = round(_growth([s.rss_kb for s in after]), 4)
    figures["traced_kb_after_warmup"] = first.traced_kb
    figures["traced_kb_end"] = last.traced_kb
    figures["traced_growth"] = round(_growth([s.traced_kb for s in after]), 4)
    figures["traced_slope_kb_per_hour"] = round(_slope(after, "traced_kb") * 3600, 1)
    figures["rss_slope_kb_per_hour"] = round(_slope(after, "rss_kb") * 3600, 1)
    figures["gc_objects_growth"] = round(_growth([s.gc_objects for s in after]), 4)
    figures["tasks"] = sorted({s.tasks for s in after})
    figures["threads"] = sorted({s.threads for s in after})
    for name in ("tracked", "ext_memo", "queue_memo", "grid_cache", "queue_cache", "metrics",
                 "dom_nodes"):  # fmt: skip
        figures[f"{name}_max"] = max(getattr(s, name) for s in result.samples)

    if last.polls < 10:
        result.problems.append(f"only {last.polls} polls: the board was not fed")
    for name in ("rss_growth", "gc_objects_growth"):
        if figures[name] > GROWTH_LIMIT:
            result.problems.append(f"{name} {figures[name]:.1%} > {GROWTH_LIMIT:.0%}")
    # Traced memory is small (the heap allocated after start-up: a few MB). What rich's
    # cell-length cache and Textual's geometry caches took while they filled (bounded
    # LRUs) is not a leak: it is measured (KB per entry, at the end) and taken off. A few
    # hundred KB either way is noise from the centre's load, not a trend.
    cache_kb = (last.cell_cache - first.cell_cache) * figures.get(
        "cell_cache_kb_per_entry", 0.0
    ) + (last.region_cache - first.region_cache) * figures.get("region_cache_kb_per_entry", 0.0)
    figures["bounded_caches_grew_kb"] = round(cache_kb, 1)
    grown_kb = figures["traced_growth"] * first.traced_kb - cache_kb
    figures["traced_growth_net_of_caches"] = round(grown_kb / first.traced_kb, 4)
    if figures["traced_growth_net_of_caches"] > GROWTH_LIMIT and grown_kb > TRACED_FLOOR_KB:
        result.problems.append(
            f"traced memory grew {grown_kb:.0f} KB ({figures['traced_growth_net_of_caches']:.1%}, "
            "net of rich's cell cache and Textual's geometry caches)"
        )
    half = len(after) // 2
    early = statistics.median(s.tasks for s in after[:half])
    late = statistics.median(s.tasks for s in after[half:])
    if late > early or max(s.tasks for s in after) > min(s.tasks for s in after) + 5:
        result.problems.append(f"the task count is not flat: {[s.tasks for s in after]}")
    if len({s.dom_nodes for s in after}) > 1:
        result.problems.append(f"the DOM changes size: {sorted({s.dom_nodes for s in after})}")
    if last.threads > first.threads:
        result.problems.append(f"the thread count grows: {[s.threads for s in after]}")
    bounds = {
        "tracked": result.agents,
        "ext_memo": 2 * result.agents,
        "queue_memo": 2 * result.queues,
        "grid_cache": 4 * max(size[1], 50) + size[1],
        "queue_cache": 4 * max(size[1], 50) + size[1],
        "metrics": 2000,
    }
    for name, bound in bounds.items():
        if figures[f"{name}_max"] > bound:
            result.problems.append(f"{name} reached {figures[f'{name}_max']} > {bound}")


async def soak(
    *,
    seconds: float,
    speed: float = 600.0,
    interval_s: float = 0.2,
    agents: int = 40,
    queues: int = 4,
    faults: str = "none",
    sample_every: float = 2.0,
    warmup_s: float | None = None,
    trace: bool = True,
    size: tuple[int, int] = (160, 50),
    progress: bool = False,
    top: int = 12,
) -> SoakResult:
    """Run the board for `seconds` and judge what it did to memory, tasks and collections."""
    if warmup_s is None:
        warmup_s = max(5.0, seconds / 5)
    result = SoakResult(seconds, speed, interval_s, agents, queues, faults, warmup_s)
    profile = FaultProfile.parse(faults, seed=11)
    sim = create_app(
        code=SOAK_CODE, seed=11, agents=agents, queues=queues, speed=speed, faults=profile
    )
    client = _Counted(
        base_url="http://simulator/comet/API",
        code=SOAK_CODE,
        connect_timeout_s=1.0,
        read_timeout_s=1.0,
        transport=httpx.ASGITransport(app=sim),
    )
    source = ApiSource(client, SystemClock(), name="soak: simulated centre")
    app = WallboardApp(
        PollingSource(source, SystemClock(), interval_s=interval_s),
        SystemClock(),
        BoardOptions(interval_s=interval_s),
    )
    tune_garbage_collector()  # as `wallboard run` and `demo` do
    if trace and not tracemalloc.is_tracing():
        tracemalloc.start(1)
    start_sim = sim.state.sim_now()
    try:
        async with app.run_test(size=size) as pilot:
            # Every fault path once during warm-up, so that its first-time costs (lazy
            # imports, caches) are not read as growth later; failing kinds interleaved with
            # answering ones, so that the backoff does not climb. Not ERR 1: one ERR 1 after
            # a few failures backs off for minutes (see docs/RELIABILITY.md).
            failing = [k for k in profile.probabilities if k not in _ANSWERING and k != "err_1"]
            answering = [k for k in profile.probabilities if k in _ANSWERING]
            for index, kind in enumerate(failing):
                profile.force(kind, 2)
                if answering:
                    profile.force(answering[index % len(answering)], 2)
            began = time.perf_counter()
            next_sample = began
            warm: tracemalloc.Snapshot | None = None
            warm_modules: set[str] = set()
            while (now := time.perf_counter()) - began < seconds:
                if warm is None and trace and now - began >= warmup_s:
                    gc.collect()
                    warm = tracemalloc.take_snapshot()
                    warm_modules = set(sys.modules)
                if now >= next_sample:
                    gc.collect()
                    sample = _sample(app, client, sim, began, start_sim)
                    result.samples.append(sample)
                    if progress:
                        print(json.dumps(asdict(sample)), file=sys.stderr, flush=True)
                    next_sample += sample_every
                await asyncio.sleep(min(0.25, max(0.0, next_sample - time.perf_counter())))
            gc.collect()
            result.samples.append(_sample(app, client, sim, began, start_sim))
            if warm is not None:
                late = sorted(set(sys.modules) - warm_modules)
                result.figures["modules_imported_after_warmup"] = late
                end = tracemalloc.take_snapshot()
                result.top_growth = [
                    f"{stat.traceback[0].filename}:{stat.traceback[0].lineno} "
                    f"{stat.size_diff / 1024:+.1f} KB ({stat.count_diff:+d} blocks)"
                    for stat in end.compare_to(warm, "lineno")[:top]
                ]
            if trace:  # last: it empties the caches
                result.figures["region_cache_kb_per_entry"] = _cache_cost(_region_caches())
                result.figures["cell_cache_kb_per_entry"] = _cache_cost([cached_cell_len])
            await pilot.pause()
            app.exit()  # as `q` does: the 1 Hz tick stops before the screen goes
    finally:
        if trace:
            tracemalloc.stop()
    judge(result, size)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_seconds = float(os.environ.get("WALLBOARD_SOAK_SECONDS", "60"))
    parser.add_argument("--seconds", type=float, default=default_seconds)
    parser.add_argument("--speed", type=float, default=600.0, help="simulated s per real s")
    parser.add_argument("--interval", type=float, default=0.2, help="poll interval, s")
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--queues", type=int, default=4)
    parser.add_argument("--faults", default="none", help="a `wallboard simulate --faults` spec")
    parser.add_argument("--sample", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, help="seconds ignored at the start")
    parser.add_argument("--no-trace", action="store_true", help="do not run tracemalloc")
    parser.add_argument("--json", type=Path, help="write every sample and the verdict here")
    parser.add_argument("--progress", action="store_true", help="print samples as they come")
    options = parser.parse_args()
    result = asyncio.run(
        soak(
            seconds=options.seconds,
            speed=options.speed,
            interval_s=options.interval,
            agents=options.agents,
            queues=options.queues,
            faults=options.faults,
            sample_every=options.sample,
            warmup_s=options.warmup,
            trace=not options.no_trace,
            progress=options.progress,
        )
    )
    summary = {
        "ok": result.ok,
        "problems": result.problems,
        "seconds": result.seconds,
        "speed": result.speed,
        "interval_s": result.interval_s,
        "agents": result.agents,
        "queues": result.queues,
        "faults": result.faults,
        "warmup_s": result.warmup_s,
        **result.figures,
        "top_growth": result.top_growth,
    }
    print(json.dumps(summary, indent=1))
    if options.json:
        options.json.write_text(json.dumps(result.to_json(), indent=1), encoding="utf-8")
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
