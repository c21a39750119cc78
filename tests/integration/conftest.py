"""The simulator on a real loopback port, served by uvicorn from a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from wallboard.sim.server import API_PREFIX, create_app

CODE = "s3cret-0rg-c0de-7731"


@dataclass
class Sim:
    """A running simulator: its base URL and its app (for forcing faults)."""

    base_url: str
    app: Starlette
    port: int
    code: str

    def force(self, kind: str, count: int = 1) -> None:
        """Make the next `count` requests fail with fault `kind`."""
        self.app.state.faults.force(kind, count)


def _serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, int]:
    config = uvicorn.Config(
        app,
        log_level="critical",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the simulator did not start")
        time.sleep(0.01)
    return server, thread, port


@pytest.fixture
def start_app() -> Iterator[Callable[[Any], str]]:
    """Serve any ASGI app on a loopback port; returns its base URL (`.../comet/API`)."""
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: Any) -> str:
        server, thread, port = _serve(app)
        running.append((server, thread))
        return f"http://127.0.0.1:{port}{API_PREFIX}"

    yield start
    for server, _ in running:
        server.should_exit = True
    for _, thread in running:
        thread.join(timeout=10)


@pytest.fixture
def start_sim(start_app: Callable[[Any], str]) -> Callable[..., Sim]:
    """Start simulators (`start_sim(utc_offset_hours=2)`); all are stopped after the test."""

    def start(**options: Any) -> Sim:
        options.setdefault("code", CODE)
        app = create_app(**options)
        app.state.faults.hang_seconds = 20.0
        app.state.faults.down_seconds = 1.0
        base_url = start_app(app)
        port = int(base_url.split(":")[2].split("/")[0])
        return Sim(base_url, app, port, options["code"])

    return start


@pytest.fixture
def sim(start_sim: Callable[..., Sim]) -> Sim:
    """A 40-agent, 4-queue centre (seed 1) on server time = UTC."""
    return start_sim()


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
