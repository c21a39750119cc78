"""Limits: an answer too large is refused clearly; nesting of any depth never crashes.

- Over `max_response_bytes`, declared (Content-Length) or streamed without a length, the
  client stops reading and raises a ProtocolError that says so; the board's health line
  names it and the poller backs off as for any failure.
- JSON nested deeper than the decoder allows is a ProtocolError ("not JSON"); nesting it can
  decode, in custom data where it is allowed, goes through the board and the detail pane.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hostile_data import HOSTILE_INDEX, T0, centre_payloads
from reliability_support import (
    SIM_CODE,
    LoopbackServer,
    ObservedApp,
    make_sim,
    make_source,
    run_board,
    wait_until,
)

from wallboard.api.client import DEFAULT_MAX_RESPONSE_BYTES, ActiveCallsClient
from wallboard.api.errors import ProtocolError
from wallboard.core.board import Board
from wallboard.core.clock import FakeClock, SystemClock
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import build_snapshot
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.detail import DetailPane, agent_detail

LIMIT = 4096  # the simulator's 40 agents answer with ~8 KB


class _Endless:
    """Answers 200 with a JSON-looking body that never ends (no Content-Length)."""

    def __init__(self, cap_bytes: int = 64 * 1024 * 1024) -> None:
        self.cap = cap_bytes
        self.sent = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send(
            {"type": "http.response.body", "body": b'{"ERR":0,"EXTENSIONS":[', "more_body": True}
        )
        chunk = b'{"username":"x","name":"' + b"y" * 65_000 + b'"},'
        while self.sent < self.cap:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            self.sent += len(chunk)
        await send({"type": "http.response.body", "body": b"{}]}", "more_body": False})


class _Fixed:
    """Answers both endpoints with fixed bodies."""

    def __init__(self, extensions: bytes, queues: bytes) -> None:
        self.bodies = {"GetExtensionsCalls": extensions, "GetQueuesCallers": queues}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        body = self.bodies[scope["path"].rsplit("/", 1)[-1]]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _client(app: Any, **options: Any) -> ActiveCallsClient:
    return ActiveCallsClient(
        base_url="http://fixture/comet/API",
        code=SIM_CODE,
        transport=httpx.ASGITransport(app=app),
        **options,
    )


# --- size ---------------------------------------------------------------------------------
async def test_an_answer_declared_over_the_limit_is_refused() -> None:
    switch = make_sim()
    async with _client(switch, max_response_bytes=LIMIT) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.fetch()
    assert "too large" in caught.value.message
    assert "bytes" in caught.value.message
    assert SIM_CODE not in str(caught.value) + repr(caught.value)


async def test_an_endless_answer_is_cut_at_the_limit_over_a_real_socket() -> None:
    endless = _Endless()
    limit = 1024 * 1024
    with LoopbackServer(endless) as server:
        client = ActiveCallsClient(
            base_url=server.base_url,
            code=SIM_CODE,
            connect_timeout_s=2,
            read_timeout_s=2,
            max_response_bytes=limit,
        )
        began = time.perf_counter()
        async with client:
            with pytest.raises(ProtocolError) as caught:
                await client.fetch()
        took = time.perf_counter() - began
    assert f"larger than the {limit} byte limit" in caught.value.message
    assert took < 5  # refused while streaming, not after the whole 64 MB


async def test_the_board_names_the_size_limit_and_backs_off() -> None:
    switch = make_sim()
    source = make_source(switch, max_response_bytes=LIMIT)
    app = ObservedApp(source, SystemClock(), BoardOptions(interval_s=0.3))
    async with run_board(app, (120, 40)):
        assert await wait_until(lambda: app.health.error is not None, 5)
        said = app.health_says()
        assert "⚠ protocol: " in said and "too large" in said
        assert not app.board.agents  # nothing was taken from the refused answer
        failure = next(e for e in app.events if e.what == "failure")
        assert 0.5 <= failure.retry_in_s <= 1.0  # the first retry of the backoff


# --- nesting ------------------------------------------------------------------------------
def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [100, 900, 5_000, 200_000])
async def test_deep_nesting_anywhere_never_crashes(depth: int) -> None:
    extensions, queues = centre_payloads(None)
    text = json.dumps(extensions)
    deep = _nested(depth)
    # Deep in custom data (allowed), in a name (wrong type), and as a whole item.
    text = text.replace('"Campaign": "spring"', f'"Campaign": {deep}', 1)
    text = text.replace('"representative": "Agent Dial"', f'"representative": {deep}', 1)
    text = text.replace('"EXTENSIONS": [', f'"EXTENSIONS": [{deep}, ', 1)
    queue_text = json.dumps(queues).replace('"Weight": 1', f'"Weight": {deep}', 1)
    async with _client(_Fixed(text.encode(), queue_text.encode())) as client:
        try:
            answers = await client.fetch()
        except ProtocolError as error:
            # Deeper than the decoder goes: refused as a whole, with a clear message.
            assert depth > 900
            assert "not JSON" in error.message
            return
    assert depth <= 900
    usernames = [ext.username for ext in answers.extensions]
    assert len(usernames) == 8  # the agent whose name is a nested list is skipped
    assert answers.skipped
    snapshot = build_snapshot(
        answers.extensions,
        answers.queues,
        answers.skipped,
        fetched_at=T0,
        latency_s=0.0,
        estimator=ServerClockEstimator(0.0),
    )
    board = Board()
    board.apply(snapshot, T0)
    for agent in board.agents:
        agent_detail(agent, snapshot, T0, False)


async def test_deep_custom_data_shows_in_the_detail_pane() -> None:
    extensions, queues = centre_payloads(None)
    call = extensions["EXTENSIONS"][HOSTILE_INDEX]["calls"][0]
    call["customdata"] = {"deep": json.loads(_nested(900))}
    from hostile_data import snapshot_of

    class _NoSource:
        name = "fixture"

        async def fetch(self) -> Any:
            raise AssertionError

    app = WallboardApp(_NoSource(), FakeClock(T0), BoardOptions(poll=False))
    # Tall enough that the call's custom data, last in the pane, is on screen under the
    # queue table.
    async with run_board(app, (120, 50)) as pilot:
        app.show_snapshot(snapshot_of((extensions, queues)))
        await pilot.pause()
        grid = app.query_one(AgentGrid)
        grid.select(next(i for i, a in enumerate(grid.agents) if a.username == "SIP1004"))
        await pilot.press("enter")
        await pilot.pause()
        pane = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert app.query_one(DetailPane).display
        assert "[[[[" in pane and "deep" in pane


async def test_a_huge_string_within_the_limit_is_cut_for_display() -> None:
    extensions, queues = centre_payloads(None)
    huge = "\u202e\x1b[31m" + "N" * 5_000_000
    extensions["EXTENSIONS"][HOSTILE_INDEX]["representative"] = huge
    body = json.dumps(extensions).encode()
    async with _client(_Fixed(body, json.dumps(queues).encode())) as client:
        began = time.perf_counter()
        answers = await client.fetch()
        snapshot = build_snapshot(
            answers.extensions,
            answers.queues,
            answers.skipped,
            fetched_at=T0,
            latency_s=0.0,
            estimator=ServerClockEstimator(0.0),
        )
        board = Board()
        board.apply(snapshot, T0)
        took = time.perf_counter() - began
    names = [agent.name for agent in board.agents]
    assert len(board.agents) == 9
    assert max(len(name) for name in names) <= 201
    assert any(name.endswith("N…") for name in names)
    assert took < 3


# --- memory under hostile bodies ---------------------------------------------------------------
HOSTILE_SERVER = Path(__file__).with_name("hostile_server.py")


@contextlib.contextmanager
def _hostile_server(*args: str) -> Iterator[str]:
    """`hostile_server.py` in its own process; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, str(HOSTILE_SERVER), *args, "--seconds", "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}/comet/API"
    finally:
        process.kill()
        process.wait(timeout=10)


async def _peak_bytes_of_a_refused_fetch(*server_args: str, **options: Any) -> tuple[int, str]:
    """The traced memory peak of one fetch that must be refused, and its message."""
    with _hostile_server(*server_args) as base_url:
        client = ActiveCallsClient(
            base_url=base_url,
            code=SIM_CODE,
            connect_timeout_s=2,
            read_timeout_s=5,
            **options,
        )
        tracemalloc.start()
        try:
            async with client:
                with pytest.raises(ProtocolError) as caught:
                    await client.fetch()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, caught.value.message


async def test_a_compressed_bomb_is_cut_at_the_limit_as_it_inflates() -> None:
    """A ~130 KB gzip body inflating to 128 MB: never more than the limit is inflated.

    (A 1 MB body inflating to 1 GiB behaves alike: `hostile_server.py gzip --megabytes 1024`.)
    """
    limit = 2 * 1024 * 1024
    peak, message = await _peak_bytes_of_a_refused_fetch(
        "gzip", "--megabytes", "128", max_response_bytes=limit
    )
    assert f"larger than the {limit} byte limit" in message
    # One network read (64 KB) inflated at once would be ~64 MB.
    assert peak < 3 * limit, f"peak {peak / 2**20:.1f} MiB"


async def test_an_endless_body_at_the_default_limit_holds_little_memory() -> None:
    """The default limit fits the largest real account (4.2 MB at 10,000 extensions) with
    room, and bounds what a 64 MB answer can take."""
    assert 8 * 1024 * 1024 <= DEFAULT_MAX_RESPONSE_BYTES <= 16 * 1024 * 1024
    peak, message = await _peak_bytes_of_a_refused_fetch("endless", "--megabytes", "100")
    assert "byte limit" in message
    # Both endpoints are read at once, each up to the limit (32 MiB each before the fix).
    assert peak < DEFAULT_MAX_RESPONSE_BYTES * 2.5, f"peak {peak / 2**20:.1f} MiB"
