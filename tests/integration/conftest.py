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


# --- a real redis-server on a free loopback port ----------------------------------------------
def _openssl(*args: str, cwd: Any) -> None:
    import subprocess

    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_tls_files(directory: Any, name: str = "ca") -> dict[str, Any]:
    """A throwaway CA (`<name>.pem`) and a server certificate it signed for 127.0.0.1
    (`<name>-server.pem`, `<name>-server.key`), made with the openssl CLI; returns the paths."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (apt-get install openssl)")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl("req", "-x509", *ec, "-keyout", f"{name}.key", "-out", f"{name}.pem",
             "-days", "2", "-subj", f"/CN=wallboard test {name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)  # fmt: skip
    _openssl("req", *ec, "-keyout", f"{name}-server.key", "-out", f"{name}-server.csr",
             "-subj", "/CN=127.0.0.1", cwd=directory)  # fmt: skip
    (directory / f"{name}-server.ext").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl("x509", "-req", "-in", f"{name}-server.csr", "-CA", f"{name}.pem",
             "-CAkey", f"{name}.key", "-CAcreateserial", "-out", f"{name}-server.pem",
             "-days", "2", "-extfile", f"{name}-server.ext", cwd=directory)  # fmt: skip
    return {
        "ca": directory / f"{name}.pem",
        "cert": directory / f"{name}-server.pem",
        "key": directory / f"{name}-server.key",
    }


class RedisServer:
    """A `redis-server` process; its config (password included) goes in on stdin, not argv.
    With `tls` (from `make_tls_files`) it listens with TLS only."""

    def __init__(
        self, workdir: Any, password: str | None = None, tls: dict[str, Any] | None = None
    ) -> None:
        self.workdir = workdir
        self.password = password
        self.tls = tls
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.process: Any = None

    @property
    def url(self) -> str:
        if self.tls is not None:  # redis-py reads ssl_ca_certs from the URL's query
            return f"rediss://127.0.0.1:{self.port}/0?ssl_ca_certs={self.tls['ca']}"
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        import shutil
        import subprocess

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        config = [
            "bind 127.0.0.1",
            f"port {self.port}" if self.tls is None else "port 0",
            'save ""',
            "appendonly no",
            f"dir {self.workdir}",
            "loglevel warning",
        ]
        if self.password:
            config.append(f"requirepass {self.password}")
        if self.tls is not None:
            config += [
                f"tls-port {self.port}",
                f"tls-cert-file {self.tls['cert']}",
                f"tls-key-file {self.tls['key']}",
                f"tls-ca-cert-file {self.tls['ca']}",
                "tls-auth-clients no",
            ]
        self.process = subprocess.Popen(
            [binary, "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.process.stdin.write("\n".join(config) + "\n")
        self.process.stdin.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with self._connect() as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(64):
                        return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def _connect(self) -> socket.socket:
        conn = socket.create_connection(("127.0.0.1", self.port), timeout=0.2)
        if self.tls is None:
            return conn
        import ssl

        context = ssl.create_default_context(cafile=str(self.tls["ca"]))
        return context.wrap_socket(conn, server_hostname="127.0.0.1")

    def stop(self, kill: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def tls_files(tmp_path: Any) -> Callable[[str], dict[str, Any]]:
    """Make a throwaway CA and a server certificate for 127.0.0.1 (`tls_files("ca")`)."""

    def make(name: str = "ca") -> dict[str, Any]:
        directory = tmp_path / f"tls-{name}"
        directory.mkdir()
        return make_tls_files(directory, name)

    return make


@pytest.fixture
def start_redis(tmp_path: Any) -> Iterator[Callable[..., RedisServer]]:
    """Start `redis-server`s on free loopback ports; all are stopped after the test."""
    servers: list[RedisServer] = []

    def start(password: str | None = None, tls: dict[str, Any] | None = None) -> RedisServer:
        workdir = tmp_path / f"redis{len(servers)}"
        workdir.mkdir()
        server = RedisServer(workdir, password, tls).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop(kill=True)
