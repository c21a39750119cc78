"""One hub feeding many followers through a real redis-server: the hub's CPU and the delay
from the API's answer (the hub's `fetched_at`) to each follower's decoded snapshot.

    python -m bench.feed_fanout --boards 200 --agents 2000 --seconds 60

The simulator runs in its own process (`wallboard simulate`), the hub in its own
(`wallboard hub --redis`), the followers in this one (one asyncio loop, `RedisFollower`
each, decoding every snapshot as a board does). Needs `redis-server` on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wallboard.core.clock import SystemClock
from wallboard.core.snapshot import Snapshot
from wallboard.feed.follower import RedisFollower
from wallboard.feed.redis_link import RedisLink

CODE = "bench-code"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def follow(follower: RedisFollower, delays: list[float], until: float) -> None:
    async for event in follower.events():
        if isinstance(event, Snapshot):
            delays.append(time.time() - event.fetched_at)
        if time.monotonic() > until:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="wallboard-fanout-"))
    redis_port, sim_port = free_port(), free_port()
    env = {**os.environ, "VOICENTER_CODE": CODE, "XDG_DATA_HOME": str(scratch)}
    redis = subprocess.Popen(
        ["redis-server", "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert redis.stdin is not None
    redis.stdin.write(f'bind 127.0.0.1\nport {redis_port}\nsave ""\ndir {scratch}\n')
    redis.stdin.close()
    sim = subprocess.Popen(
        [sys.executable, "-m", "wallboard", "simulate", "--port", str(sim_port),
         "--agents", str(args.agents), "--queues", "20", "--code", CODE],
        env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(3)
    url = f"redis://127.0.0.1:{redis_port}"
    hub = subprocess.Popen(
        [sys.executable, "-m", "wallboard", "hub", "--base-url",
         f"http://127.0.0.1:{sim_port}/comet/API", "--interval", str(args.interval),
         "--store", str(scratch / "day.db"), "--redis", url],
        env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(2 * args.interval + 3)  # the hub's start-up and first polls left out
        delays: list[float] = []
        followers = [
            RedisFollower(RedisLink(url), SystemClock(), interval_s=args.interval)
            for _ in range(args.boards)
        ]
        cpu_before, began = cpu_seconds(hub.pid), time.monotonic()

        async def run() -> None:
            until = time.monotonic() + args.seconds
            tasks = [asyncio.create_task(follow(f, delays, until)) for f in followers]
            await asyncio.sleep(args.seconds + args.interval)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run(run())
        hub_cpu = (cpu_seconds(hub.pid) - cpu_before) / (time.monotonic() - began)
    finally:
        for process in (hub, sim, redis):
            process.terminate()
            process.wait(timeout=20)
    # the first snapshot of each follower comes from the latest key: not a delivery delay
    steady = sorted(delays[args.boards :]) or sorted(delays)
    print(
        f"boards {args.boards}, agents {args.agents}, interval {args.interval:g}s, "
        f"{args.seconds:g}s measured, {len(steady)} snapshots taken"
    )
    print(f"hub CPU: {100 * hub_cpu:.2f} % of a core")
    print(
        f"delay API answer -> follower snapshot: median {1000 * statistics.median(steady):.0f} ms, "
        f"p90 {1000 * steady[int(0.9 * len(steady))]:.0f} ms, max {1000 * steady[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
