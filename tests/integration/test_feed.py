"""One hub, many boards, through a real `redis-server`: real hub processes against the
simulator on a loopback port, boards following in-process (`RedisFollower`, and the app).

Every wait is bounded; the hub polls every 0.5 s (1 s where staleness is timed)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis

from wallboard.core.clock import SystemClock
from wallboard.core.snapshot import Snapshot
from wallboard.feed.follower import RedisFollower
from wallboard.feed.redis_link import RedisLink
from wallboard.sim.server import create_app
from wallboard.sources.base import HubState, SourceFailure
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.widgets.health_line import health_text

ROOT = Path(__file__).resolve().parents[2]
CODE = "feed-test-c0de-9931"
REDIS_PASSWORD = "r3dis-pa55-4417"


class CountingApp:
    """An ASGI wrapper counting the API's requests by path."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: Counter[str] = Counter()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.requests[scope["path"].rsplit("/", 1)[-1]] += 1
        await self.app(scope, receive, send)


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().startswith(("WALLBOARD_", "REDIS_")) and name != "VOICENTER_CODE"
    }
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONIOENCODING="utf-8",
        VOICENTER_CODE=CODE,
        **extra,
    )
    return env


def start_hub(
    tmp_path: Path, base_url: str, redis_url: str, *extra: str, interval: float = 0.5, **env: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "wallboard", "hub", "--base-url", base_url,
            "--interval", str(interval), "--store", str(tmp_path / "day.db"),
            "--redis", redis_url, "--name", "floor-hub", *extra,
        ],
        cwd=ROOT,
        env=environment(tmp_path, **env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def stop(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> str:
    if process.poll() is None:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=20)
    return stderr


class Board:
    """A follower and everything it yielded, with when (monotonic)."""

    def __init__(self, url: str, password: str | None = None) -> None:
        self.follower = RedisFollower(RedisLink(url, password), SystemClock(), interval_s=0.5)
        self.events: list[tuple[float, Any]] = []
        self.task: asyncio.Task[None] | None = None

    def start(self) -> Board:
        self.task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        async for event in self.follower.events():
            self.events.append((time.monotonic(), event))

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    def snapshots(self, after: float = 0.0) -> list[Snapshot]:
        return [e for at, e in self.events if isinstance(e, Snapshot) and at > after]

    def failures(self, kind: str, after: float = 0.0) -> list[SourceFailure]:
        return [
            e
            for at, e in self.events
            if isinstance(e, SourceFailure) and e.kind == kind and at > after
        ]

    def last_day(self) -> dict[str, Any] | None:
        states = self.states()
        return states[-1].day if states else None

    def states(self) -> list[HubState]:
        return [e for _, e in self.events if isinstance(e, HubState)]


async def until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


def answered(day: dict[str, Any] | None) -> int:
    return sum(q["answered"] for q in (day or {}).get("queues", []))


@pytest.fixture
def counted_sim(start_app):
    app = CountingApp(create_app(code=CODE, seed=3, agents=60, queues=4, speed=30.0))
    return app, start_app(app)


async def test_one_hub_feeds_20_boards_and_the_api_sees_one_poll_per_interval(
    counted_sim, start_redis, tmp_path
):
    sim, base_url = counted_sim
    server = start_redis()
    hub = start_hub(tmp_path, base_url, server.url)
    boards = [Board(server.url).start() for _ in range(20)]
    try:
        assert await until(lambda: all(len(b.snapshots()) >= 2 for b in boards), 20)
        polls_before = sim.requests["GetExtensionsCalls"]
        began = time.monotonic()
        await asyncio.sleep(4.0)
        polls = sim.requests["GetExtensionsCalls"] - polls_before
        elapsed = time.monotonic() - began
        # one hub, one poll per 0.5 s interval, however many boards follow
        assert elapsed / 0.5 - 2 <= polls <= elapsed / 0.5 + 2, polls
        await until(lambda: answered(boards[0].last_day()) > 0, 10)
        # every board saw the same pictures: the oldest board's latest is on every board (a
        # poll may land between two boards' reads, so "the latest" is not compared as is)
        await asyncio.sleep(0.3)
        oldest_latest = min(b.snapshots()[-1].fetched_at for b in boards)
        assert all(oldest_latest in {s.fetched_at for s in b.snapshots()} for b in boards)
        # every board shows the same service level: the latest figures of the board that is
        # furthest behind are among every board's figures
        levels = [
            [
                json.dumps([(q["id"], q["service_level_pct"]) for q in s.day["queues"]])
                for s in b.states()
                if s.day is not None and answered(s.day) > 0
            ]
            for b in boards
        ]
        behind = min(levels, key=len)[-1]
        assert all(behind in board_levels for board_levels in levels)
        assert all(b.follower.dropped == 0 for b in boards)
        # the ticker's events: the same latest ones on every board, bounded, in time order
        await until(lambda: all(len(b.states()[-1].events) >= 5 for b in boards), 10)
        await asyncio.sleep(0.2)
        common = set.intersection(*({s.events for s in b.states()} for b in boards))
        events = max(common, key=lambda e: (len(e) >= 5, e[-1].at if e else 0.0))
        assert 5 <= len(events) <= 50
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert {"answered", "abandoned", "status"} & {e.kind for e in events}
    finally:
        for board in boards:
            await board.stop()
        stderr = stop(hub)
    assert "Traceback" not in stderr
    assert "publishing to redis://127.0.0.1:" in stderr


async def test_a_late_board_has_the_picture_at_once_and_a_malformed_message_is_named(
    counted_sim, start_redis, tmp_path
):
    _, base_url = counted_sim
    server = start_redis()
    hub = start_hub(tmp_path, base_url, server.url, interval=1.0)
    client = redis.Redis.from_url(server.url)
    try:
        deadline = time.monotonic() + 20
        while client.get("wallboard:latest") is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert client.ttl("wallboard:latest") > 0  # the latest state expires
        board = Board(server.url).start()
        began = time.monotonic()
        assert await until(lambda: bool(board.snapshots()), 2.0)
        first_at = board.events[0][0]
        assert first_at - began < 0.5  # from the latest key, not the next poll
        assert board.snapshots()[0].extensions
        assert board.states() and board.states()[0].day is not None  # the day came with it
        assert board.follower.resyncs == 0
        # a message that is not JSON, one from a newer hub, one with a bad item
        client.xadd("wallboard:feed", {"m": b"{not json"})
        client.xadd("wallboard:feed", {"m": json.dumps({"wallboard_feed": 99, "type": "x"})})
        assert await until(lambda: bool(board.failures("feed")), 3)
        assert await until(lambda: bool(board.failures("version")), 3)
        assert "upgrade wallboard" in board.failures("version")[0].message
        mark = time.monotonic()
        assert await until(lambda: len(board.snapshots(after=mark)) >= 2, 5)  # and goes on
        await board.stop()
    finally:
        stderr = stop(hub)
        client.close()
    assert "Traceback" not in stderr


async def test_the_board_turns_stale_when_the_hub_dies_and_recovers_when_it_returns(
    counted_sim, start_redis, tmp_path
):
    _, base_url = counted_sim
    server = start_redis()
    hub = start_hub(tmp_path, base_url, server.url, interval=1.0)
    follower = RedisFollower(RedisLink(server.url), SystemClock(), interval_s=5.0)
    app = WallboardApp(follower, SystemClock(), BoardOptions(interval_s=5.0, local_time=False))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            assert await until(lambda: answered(app.day_report) > 0, 20)
            assert app.recorder is None  # following, the board counts nothing itself
            assert app.health.interval_s == 1.0  # the hub's interval, not its own
            line = health_text(app.health, time.time(), None, False)
            assert "hub floor-hub via 127.0.0.1:" in line and "updated " in line, line
            before = answered(app.day_report)
            hub.kill()  # kill -9: the hub just stops
            killed = time.monotonic()
            hub.communicate(timeout=10)
            assert await until(lambda: app.screen.has_class("-stale"), 6)
            # two intervals of the hub's, then the next 1 Hz tick
            assert time.monotonic() - killed <= 2 * 1.0 + 1.0 + 0.5
            assert "said nothing" in (app.health.error or "")
            hub = start_hub(tmp_path, base_url, server.url, interval=1.0)  # same store
            assert await until(lambda: not app.screen.has_class("-stale"), 20)
            assert await until(lambda: app.health.error is None, 5)
            after = answered(app.day_report)
            assert after >= before  # the hub continued its store's day: not restarted
            assert follower.dropped == 0  # and no snapshot was taken twice
            await pilot.pause()
    finally:
        stderr = stop(hub)
    assert "Traceback" not in stderr


async def test_boards_and_the_hub_ride_out_a_redis_restart(counted_sim, start_redis, tmp_path):
    _, base_url = counted_sim
    server = start_redis()
    hub = start_hub(tmp_path, base_url, server.url)
    board = Board(server.url).start()
    try:
        assert await until(lambda: len(board.snapshots()) >= 2, 20)
        server.stop(kill=True)
        down = time.monotonic()
        assert await until(lambda: bool(board.failures("redis", after=down)), 5)
        assert "reconnecting" in board.failures("redis")[0].message
        await asyncio.sleep(1.5)
        server.start()  # the same port, empty: nothing kept
        back = time.monotonic()
        assert await until(lambda: len(board.snapshots(after=back)) >= 2, 20)
        taken = board.snapshots()
        assert all(a.fetched_at < b.fetched_at for a, b in itertools.pairwise(taken))
    finally:
        await board.stop()
        stderr = stop(hub)
    assert "feed: cannot publish to redis://127.0.0.1:" in stderr
    assert "feed: publishing to redis://127.0.0.1:" in stderr and " again" in stderr
    assert "Traceback" not in stderr


async def test_neither_the_code_nor_the_redis_password_is_published_shown_or_in_argv(
    counted_sim, start_redis, tmp_path
):
    _, base_url = counted_sim
    server = start_redis(password=REDIS_PASSWORD)
    hub = start_hub(tmp_path, base_url, server.url, REDIS_PASSWORD=REDIS_PASSWORD)
    board = Board(server.url, password=REDIS_PASSWORD).start()
    try:
        assert await until(lambda: len(board.snapshots()) >= 2, 20)
        argv = Path(f"/proc/{hub.pid}/cmdline").read_bytes()
        assert REDIS_PASSWORD.encode() not in argv and CODE.encode() not in argv
        client = redis.Redis.from_url(server.url, password=REDIS_PASSWORD)
        published = [fields[b"m"] for _, fields in client.xrange("wallboard:feed")]
        published.append(client.get("wallboard:latest"))
        client.close()
        assert len(published) >= 2
        for message in published:
            assert CODE.encode() not in message and REDIS_PASSWORD.encode() not in message
        # a wrong password is refused and the board says so, without saying the password
        wrong = Board(server.url, password="not-it").start()
        assert await until(lambda: bool(wrong.failures("redis")), 5)
        assert all("not-it" not in f.message for f in wrong.failures("redis"))
        await wrong.stop()
    finally:
        await board.stop()
        stderr = stop(hub)
    assert REDIS_PASSWORD not in stderr and CODE not in stderr
    # a password typed into the URL on the command line is refused, and not echoed
    typed = subprocess.run(
        [sys.executable, "-m", "wallboard", "run", "--from",
         f"redis://:{REDIS_PASSWORD}@127.0.0.1:{server.port}"],
        cwd=ROOT, env=environment(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert typed.returncode == 2
    assert "REDIS_PASSWORD" in typed.stderr and REDIS_PASSWORD not in typed.stderr


async def test_the_hub_serves_prometheus_metrics(counted_sim, start_redis, tmp_path, closed_port):
    from prometheus_client.parser import text_string_to_metric_families

    _, base_url = counted_sim
    server = start_redis()
    hub = start_hub(tmp_path, base_url, server.url, "--metrics-port", str(closed_port))
    try:
        families: dict[str, Any] = {}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{closed_port}/metrics", timeout=2
                ) as answer:
                    text = answer.read().decode()
            except OSError:
                await asyncio.sleep(0.2)
                continue
            families = {f.name: f for f in text_string_to_metric_families(text)}
            level = families.get("wallboard_queue_service_level_ratio")
            if level is not None and level.samples and families["wallboard_polls"].samples:
                break
            await asyncio.sleep(0.2)
    finally:
        stderr = stop(hub)
    for name in (
        "wallboard_queue_waiting_calls",
        "wallboard_queue_longest_wait_seconds",
        "wallboard_queue_service_level_ratio",
        "wallboard_queue_answered_calls_today",
        "wallboard_queue_abandoned_calls_today",
        "wallboard_agents",
        "wallboard_poll_latency_seconds",
        "wallboard_poll_failures",
        "wallboard_last_good_poll_age_seconds",
    ):
        assert name in families, name
    waiting = families["wallboard_queue_waiting_calls"].samples
    assert len(waiting) == 4 and set(waiting[0].labels) == {"queue_id", "queue"}
    agents = families["wallboard_agents"].samples
    assert sum(s.value for s in agents) == 60
    assert families["wallboard_polls"].samples[0].value >= 1
    assert "metrics for Prometheus on http://127.0.0.1:" in stderr


async def test_a_feed_over_tls_and_a_board_refuses_a_server_its_ca_did_not_sign(
    counted_sim, start_redis, tls_files, tmp_path
):
    _, base_url = counted_sim
    tls, other = tls_files("ca"), tls_files("other")
    server = start_redis(tls=tls)
    assert server.url.startswith("rediss://")
    hub = start_hub(tmp_path, base_url, server.url)
    board = Board(server.url).start()
    refused = {
        "another CA": Board(server.url.replace(str(tls["ca"]), str(other["ca"]))).start(),
        "the system's CAs": Board(f"rediss://127.0.0.1:{server.port}/0").start(),
        "no TLS": Board(f"redis://127.0.0.1:{server.port}/0").start(),
    }
    try:
        assert await until(lambda: len(board.snapshots()) >= 3, 20)
        assert board.snapshots()[-1].extensions and board.last_day() is not None
        assert await until(lambda: all(b.failures("redis") for b in refused.values()), 15)
        for why, other_board in refused.items():
            assert not other_board.snapshots(), why
            message = other_board.failures("redis")[0].message
            assert "127.0.0.1" in message and "ssl_ca_certs" not in message, message
    finally:
        for each in (board, *refused.values()):
            await each.stop()
        stderr = stop(hub)
    assert f"publishing to rediss://127.0.0.1:{server.port}/0 " in stderr
    assert "cannot publish" not in stderr and "Traceback" not in stderr
