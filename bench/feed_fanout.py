"""One hub feeding many boards through a real redis-server: the hub's CPU, and the delay
from the API's answer (the hub's `fetched_at`) to each board's snapshot.

    python -m bench.feed_fanout --boards 200 --agents 2000 --seconds 60
    python -m bench.feed_fanout --boards 200 --decoding 5 --processes 2

The simulator runs in its own process (`wallboard simulate`), the hub in its own
(`wallboard hub --redis`), redis-server in its own, and the boards in `--processes` worker
processes (each one asyncio loop). `--decoding` of the boards are whole followers
(`RedisFollower`: every message read, decoded and applied as a board does); the others
only receive each message's bytes on their own Redis connection, as a board does before
decoding (what Redis and the network see is the same). With every board decoding on one
machine, the boards' decoding shares the machine's cores: that is the number of boards
times one board's decoding, not a delay any one board on its own machine would see.

Figures: hub CPU (% of one core), per kind of board the median, p90 and max delay in ms,
the stream's message size and the whole snapshot's size. Needs `redis-server` on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CODE = "bench-code"
FETCHED_AT = re.compile(rb'"fetched_at":([0-9.eE+-]+)')
PUBLISHED_AT = re.compile(rb'"published_at":([0-9.eE+-]+)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- a worker process: some boards on one loop ----------------------------------------------
async def _decoding_board(
    url: str, interval_s: float, delays: list[float], counts: dict[str, int], after: float
) -> None:
    from wallboard.core.clock import SystemClock
    from wallboard.core.snapshot import Snapshot
    from wallboard.feed.follower import RedisFollower
    from wallboard.feed.redis_link import RedisLink

    follower = RedisFollower(RedisLink(url), SystemClock(), interval_s=interval_s)
    try:
        async for event in follower.events():
            # what came before `after` is the boards' start (each reads the whole state)
            if isinstance(event, Snapshot) and time.monotonic() > after:
                delays.append(time.time() - event.fetched_at)
    finally:
        counts["resyncs"] += follower.resyncs
        counts["dropped"] += follower.dropped


async def _receiving_board(
    url: str, stream: str, delays: list[float], hub_delays: list[float], after: float
) -> None:
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(url)
    newest = await client.xrevrange(stream, count=1)
    last_id = newest[0][0] if newest else b"0-0"
    while True:
        answer = await client.xread({stream: last_id}, count=64, block=1000)
        for entry_id, fields in answer[0][1] if answer else []:
            last_id = entry_id
            head = fields.get(b"m", b"")[:4096]
            found, published = FETCHED_AT.search(head), PUBLISHED_AT.search(head)
            if found and published and time.monotonic() > after:  # a snapshot
                delays.append(time.time() - float(found.group(1)))
                hub_delays.append(float(published.group(1)) - float(found.group(1)))


async def _worker(url: str, boards: int, decoding: int, interval_s: float, seconds: float) -> None:
    import redis.asyncio  # noqa: F401 - imported before the CPU is counted

    import wallboard.feed.follower  # noqa: F401
    from wallboard.launch import tune_garbage_collector

    tune_garbage_collector()  # as every board's process does
    decoded: list[float] = []
    received: list[float] = []
    in_hub: list[float] = []
    counts = {"resyncs": 0, "dropped": 0}
    warmup = interval_s + 2.0
    after = time.monotonic() + warmup
    tasks = [
        asyncio.create_task(_decoding_board(url, interval_s, decoded, counts, after))
        if n < decoding
        else asyncio.create_task(_receiving_board(url, "wallboard:feed", received, in_hub, after))
        for n in range(boards)
    ]
    await asyncio.sleep(warmup)
    cpu = time.process_time()
    await asyncio.sleep(seconds)
    cpu = time.process_time() - cpu
    pending = set(tasks)
    for _ in range(10):  # bounded: a cancellation lost in redis-py is asked again
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=2.0)
        if not pending:
            break
    report = {
        "decoded": decoded,
        "received": received,
        "in_hub": in_hub,
        "cpu_s": cpu,
        **counts,
    }
    print(json.dumps(report))


# --- the bench ------------------------------------------------------------------------------
@dataclass
class Result:
    """What one run measured (delays in seconds)."""

    boards: int
    decoding: int
    processes: int
    agents: int
    interval_s: float
    seconds: float
    hub_cpu: float  # share of one core
    decoded: list[float]
    received: list[float]
    in_hub: list[float]  # the answer to the start of the message's encoding, at the hub
    workers_cpu: float  # share of one core, all workers
    resyncs: int  # deltas that did not fit, all decoding boards
    stream_bytes: float  # median size of a stream message
    whole_bytes: int  # the whole snapshot under the latest key

    def figures(self) -> dict[str, Any]:
        """The figures as printed (ms, %, kB)."""
        out: dict[str, Any] = {
            "boards": self.boards,
            "decoding": self.decoding,
            "processes": self.processes,
            "agents": self.agents,
            "interval_s": self.interval_s,
            "hub_cpu_pct": round(100 * self.hub_cpu, 2),
            "boards_cpu_pct": round(100 * self.workers_cpu, 1),
            "resyncs": self.resyncs,
            "stream_message_kb": round(self.stream_bytes / 1000, 1),
            "whole_snapshot_kb": round(self.whole_bytes / 1000, 1),
        }
        kinds = (("decoded", self.decoded), ("received", self.received), ("in_hub", self.in_hub))
        for name, delays in kinds:
            if delays:
                ordered = sorted(delays)
                out[f"{name}_count"] = len(ordered)
                out[f"{name}_min_ms"] = round(1000 * ordered[0], 1)
                out[f"{name}_median_ms"] = round(1000 * statistics.median(ordered), 1)
                out[f"{name}_p90_ms"] = round(1000 * ordered[int(0.9 * len(ordered))], 1)
                out[f"{name}_max_ms"] = round(1000 * ordered[-1], 1)
        return out


def start_worker(
    url: str, boards: int, decoding: int, interval_s: float, seconds: float
) -> subprocess.Popen[str]:
    """A worker process running `boards` boards for `seconds`; prints its delays as JSON."""
    return subprocess.Popen(
        [sys.executable, "-m", "bench.feed_fanout", "--worker", url,
         "--boards", str(boards), "--decoding", str(decoding),
         "--interval", str(interval_s), "--seconds", str(seconds)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip


def measure(
    *,
    boards: int = 200,
    decoding: int | None = None,
    processes: int = 1,
    agents: int = 2000,
    interval_s: float = 5.0,
    seconds: float = 60.0,
) -> Result:
    """Run simulator, redis-server, hub and boards; measure for `seconds`."""
    import redis

    decoding = boards if decoding is None else min(decoding, boards)
    scratch = Path(tempfile.mkdtemp(prefix="wallboard-fanout-"))
    redis_port, sim_port = free_port(), free_port()
    env = {**os.environ, "VOICENTER_CODE": CODE, "XDG_DATA_HOME": str(scratch)}
    server = subprocess.Popen(
        ["redis-server", "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert server.stdin is not None
    server.stdin.write(f'bind 127.0.0.1\nport {redis_port}\nsave ""\ndir {scratch}\n')
    server.stdin.close()
    url = f"redis://127.0.0.1:{redis_port}"
    sim = subprocess.Popen(
        [sys.executable, "-m", "wallboard", "simulate", "--port", str(sim_port),
         "--agents", str(agents), "--queues", "20", "--code", CODE],
        env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    hub: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[str]] = []
    try:
        time.sleep(3)
        hub = subprocess.Popen(
            [sys.executable, "-m", "wallboard", "hub", "--base-url",
             f"http://127.0.0.1:{sim_port}/comet/API", "--interval", str(interval_s),
             "--store", str(scratch / "day.db"), "--redis", url],
            env=env, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(2 * interval_s + 3)  # the hub's start-up and first polls left out
        share = [boards // processes + (n < boards % processes) for n in range(processes)]
        share_decoding = [
            decoding // processes + (n < decoding % processes) for n in range(processes)
        ]
        for count, decode in zip(share, share_decoding, strict=True):
            if count:
                workers.append(start_worker(url, count, decode, interval_s, seconds))
        time.sleep(interval_s + 2.0)  # the workers' warm-up (each board reads the whole state)
        cpu_before, began = cpu_seconds(hub.pid), time.monotonic()
        outputs = [worker.communicate(timeout=seconds + 120)[0] for worker in workers]
        hub_cpu = (cpu_seconds(hub.pid) - cpu_before) / (time.monotonic() - began)
        client = redis.Redis.from_url(url)
        sizes = [len(fields[b"m"]) for _, fields in client.xrevrange("wallboard:feed", count=20)]
        whole = int(client.strlen("wallboard:latest"))
        client.close()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        for process in (hub, sim, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)
    reports = [json.loads(output) for output in outputs]
    return Result(
        boards=boards,
        decoding=decoding,
        processes=processes,
        agents=agents,
        interval_s=interval_s,
        seconds=seconds,
        hub_cpu=hub_cpu,
        decoded=[d for r in reports for d in r["decoded"]],
        received=[d for r in reports for d in r["received"]],
        in_hub=[d for r in reports for d in r["in_hub"]],
        workers_cpu=sum(r["cpu_s"] for r in reports) / seconds,
        resyncs=sum(r["resyncs"] for r in reports),
        stream_bytes=statistics.median(sizes) if sizes else 0.0,
        whole_bytes=whole,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--decoding", type=int, default=None, help="default: every board")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--worker", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        decoding = args.boards if args.decoding is None else args.decoding
        asyncio.run(_worker(args.worker, args.boards, decoding, args.interval, args.seconds))
        return
    result = measure(
        boards=args.boards,
        decoding=args.decoding,
        processes=max(1, args.processes),
        agents=args.agents,
        interval_s=args.interval,
        seconds=args.seconds,
    )
    print(json.dumps(result.figures(), indent=1))


if __name__ == "__main__":
    main()
