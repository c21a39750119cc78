"""The simulated API on a real loopback port, served by uvicorn as `wallboard simulate` does."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from wallboard.sim.faults import FaultKind
from wallboard.sim.server import API_PREFIX, build_server, run_server

CODE = "s3cret-0rg-code"
REPO = Path(__file__).resolve().parents[2]


class _Records(logging.Handler):
    """Collects what uvicorn logs (its loggers do not reach pytest's caplog)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Served:
    """A simulator served on a loopback port from a background thread."""

    def __init__(
        self, server: uvicorn.Server, thread: threading.Thread, port: int, log: _Records
    ) -> None:
        self.server = server
        self.thread = thread
        self.url = f"http://127.0.0.1:{port}{API_PREFIX}"
        self.log = log

    @property
    def app(self) -> Starlette:
        app = self.server.config.app
        assert isinstance(app, Starlette)
        return app


@pytest.fixture
def served() -> Iterator[Served]:
    server = build_server(host="127.0.0.1", port=0, code=CODE, faults="hang_seconds=30")
    log = _Records()
    uvicorn_logger = logging.getLogger("uvicorn.error")
    uvicorn_logger.addHandler(log)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield Served(server, thread, sock.getsockname()[1], log)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        uvicorn_logger.removeHandler(log)
        assert not thread.is_alive()


def test_get_and_post_over_a_real_socket(served: Served) -> None:
    with httpx.Client(timeout=5) as client:
        by_post = client.post(f"{served.url}/GetExtensionsCalls", json={"code": CODE}).json()
        by_get = client.get(f"{served.url}/GetQueuesCallers", params={"code": CODE}).json()
        refused = client.get(f"{served.url}/GetQueuesCallers", params={"code": "x"}).json()
    assert by_post["ERR"] == 0 and len(by_post["EXTENSIONS"]) == 40
    assert by_get["ERR"] == 0 and len(by_get["QUEUES"]) == 4
    assert refused == {"ERR": 1, "DESC": "Authorization failed"}


@pytest.mark.parametrize("kind", [FaultKind.RESET, FaultKind.SERVER_DOWN])
def test_a_dropped_connection_is_a_transport_error_not_a_500(
    served: Served, kind: FaultKind
) -> None:
    served.app.state.faults.down_seconds = 0.5
    served.app.state.faults.force(kind)
    with httpx.Client(timeout=5) as client:
        with pytest.raises(httpx.TransportError) as raised:
            client.post(f"{served.url}/GetExtensionsCalls", json={"code": CODE})
        assert isinstance(raised.value, httpx.ReadError | httpx.RemoteProtocolError)
        time.sleep(0.6)
        ok = client.post(f"{served.url}/GetExtensionsCalls", json={"code": CODE})
    assert ok.json()["ERR"] == 0
    # uvicorn saw a client that went away, not an application error.
    assert [r.getMessage() for r in served.log.records if r.levelno >= logging.WARNING] == []


def test_a_hang_outlasts_the_client_timeout_and_does_not_block_the_server(
    served: Served,
) -> None:
    served.app.state.faults.force(FaultKind.HANG)
    with httpx.Client(timeout=0.3) as client:
        began = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            client.post(f"{served.url}/GetExtensionsCalls", json={"code": CODE})
        assert time.monotonic() - began < 2
        ok = client.post(f"{served.url}/GetQueuesCallers", json={"code": CODE})
    assert ok.json()["ERR"] == 0
    # The hanging handler noticed the client leave, so stopping is quick (hang_seconds is 30).
    began = time.monotonic()
    served.server.should_exit = True
    served.thread.join(timeout=5)
    assert time.monotonic() - began < 1.5


def test_run_server_reports_a_busy_port_as_an_oserror() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            run_server(host="127.0.0.1", port=taken.getsockname()[1], code=CODE)


def test_run_server_never_prints_the_code_even_for_get_requests() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = (
        "from wallboard.sim.server import run_server; "
        f"run_server(host='127.0.0.1', port={port}, code={CODE!r}, "
        "faults='chaos,down_seconds=0.5,hang_seconds=2,slow_seconds=0.1')"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}{API_PREFIX}/GetExtensionsCalls"
        deadline = time.monotonic() + 15
        answered = 0
        with httpx.Client(timeout=1) as client:
            while answered < 20:
                assert time.monotonic() < deadline, "the simulator did not answer"
                try:
                    client.get(url, params={"code": CODE})
                    client.get(url, params={"code": CODE + "-wrong"})
                    answered += 1
                except httpx.TransportError:
                    time.sleep(0.05)  # starting up, or a chaos fault
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert CODE not in out and CODE not in err
    assert "Traceback" not in err  # Ctrl+C is the normal way to stop it
