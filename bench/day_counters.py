"""What counting the day adds to a poll on the main thread, at the benchmark's size.

    python -m bench.day_counters [--agents 2000] [--queues 60] [--polls 300] [--interval 2]

Drives the simulator in-process (2,000 extensions, about 300 callers waiting), reads each
answer with the real parser, and times `DayRecorder.record`: the inference and the
counting, plus queueing the poll's record for the store's writer thread (which writes to a
real SQLite file meanwhile, on the other core). The parse is not timed: the board pays it
anyway. Prints the per-poll median, 95th percentile and mean in ms, and what the writer
thread spent per poll, and (`report_median_ms`) what the board's panels then cost: the
day's figures (`DayRecorder.figures`) once a poll, with a screen's worth of agents' rows
read. Target (issue 12): at most 2 ms a poll
on the main thread.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from datetime import UTC
from pathlib import Path

from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues
from wallboard.core.calendar import DayCalendar
from wallboard.core.day_metrics import ThresholdTable
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import build_snapshot
from wallboard.hub.recorder import DayRecorder
from wallboard.sim.centre import CallCentre

SCREEN_OF_AGENTS = 200  # about the tiles a 200x60 screen shows
START = 1_800_000_000.0 - (1_800_000_000.0 % 86400) + 9 * 3600


def measure(agents: int, queues: int, polls: int, interval_s: float) -> dict[str, float]:
    """Per-poll main-thread milliseconds of `DayRecorder.record`, and the writer's share."""
    centre = CallCentre(seed=11, agents=agents, queues=queues, start=START)
    estimator = ServerClockEstimator(None)
    ext_memo, queue_memo = ParseMemo(), ParseMemo()
    with tempfile.TemporaryDirectory() as scratch:
        recorder = DayRecorder.open(
            Path(scratch) / "bench.db",
            calendar=DayCalendar(UTC),
            thresholds=ThresholdTable(),
            interval_s=interval_s,
            keep_days=35,
        )
        writer_thread = next(t for t in threading.enumerate() if t.name == "store-writer")
        del writer_thread  # the writer's CPU is read from the process minus the main thread
        timings: list[float] = []
        report_timings: list[float] = []
        waiting: list[int] = []
        writer_cpu_start = time.process_time() - time.thread_time()
        for n in range(polls):
            t = START + n * interval_s
            centre.advance_to(t)
            extensions, skipped = parse_extensions(
                {"ERR": 0, "EXTENSIONS": centre.extensions_payload()}, ext_memo
            )
            queue_list, skipped_q = parse_queues(
                {"ERR": 0, "QUEUES": centre.queues_payload()}, queue_memo
            )
            snapshot = build_snapshot(
                extensions,
                queue_list,
                skipped + skipped_q,
                fetched_at=t,
                latency_s=0.0,
                estimator=estimator,
            )
            waiting.append(sum(len(q.callers) for q in queue_list))
            began = time.perf_counter()
            recorder.record(snapshot)
            timings.append((time.perf_counter() - began) * 1000)
            # What the board then does with it: the day's figures for the panels, of which
            # a screen full of tiles reads a couple of hundred agents' rows.
            began = time.perf_counter()
            figures = recorder.figures(t)
            for ext in snapshot.extensions[:SCREEN_OF_AGENTS]:
                figures.agent(ext.username)
            report_timings.append((time.perf_counter() - began) * 1000)
        assert recorder.close(30.0)
        other_cpu = time.process_time() - time.thread_time() - writer_cpu_start
    steady = timings[10:]  # the first polls see every agent and caller for the first time
    return {
        "agents": agents,
        "waiting_mean": statistics.fmean(waiting),
        "polls": polls,
        "median_ms": statistics.median(steady),
        "p95_ms": statistics.quantiles(steady, n=20)[18],
        "mean_ms": statistics.fmean(steady),
        "first_poll_ms": timings[0],
        "report_median_ms": statistics.median(report_timings[10:]),
        "writer_ms_per_poll": other_cpu * 1000 / polls,
    }


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--queues", type=int, default=60)
    parser.add_argument("--polls", type=int, default=300)
    parser.add_argument("--interval", type=float, default=2.0)
    args = parser.parse_args()
    result = measure(args.agents, args.queues, args.polls, args.interval)
    for key, value in result.items():
        print(f"{key:20} {value:10.2f}")


if __name__ == "__main__":
    main()
