"""Processes under test: the simulator serving the load, and the board in a pseudo-terminal
we record.

The board runs as its own process with a pty as stdin, stdout and stderr (Textual writes to
stderr), sized with TIOCSWINSZ. A thread reads the master side and keeps every chunk with
its arrival time (`time.monotonic()`), so the bytes can be replayed through pyte afterwards
without the emulator competing with the board for CPU while it is being measured.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")
BENCH_CODE = "bench-code-not-a-secret"
_EMPTY_CONFIG = Path(tempfile.gettempdir()) / "wallboard-bench-empty-config"
_EMPTY_CONFIG.mkdir(exist_ok=True)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout_s: float = 15.0) -> None:
    """Block until something accepts connections on `port`."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listening on port {port}") from None
            time.sleep(0.05)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process `pid` (all its threads) so far, in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # After the name: state(3) ... utime is field 14, stime 15 (1-based over the whole line).
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def system_busy_seconds() -> float:
    """CPU seconds all cores have spent busy (not idle, not waiting for I/O) since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLK_TCK


def self_cpu_seconds() -> float:
    """CPU seconds of this process (the harness: its pty reader thread)."""
    times = os.times()
    return times.user + times.system


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of `pid`, in KiB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "WALLBOARD"))}
    env.pop("COLORTERM", None)
    env.pop("NO_COLOR", None)
    env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    if extra and extra.get("PYTHONPATH"):  # a candidate copy of the package comes first
        env["PYTHONPATH"] = extra.pop("PYTHONPATH") + os.pathsep + env["PYTHONPATH"]
    # No user config file may change what is measured.
    env["XDG_CONFIG_HOME"] = str(_EMPTY_CONFIG)
    if extra:
        env.update(extra)
    return env


@dataclass
class SimServer:
    """The load: the project's simulator, `bench/sim_server.py`, in its own process."""

    extensions: int
    queues: int
    seed: int = 1
    log_path: Path | None = None
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> SimServer:
        self.port = self.port or free_port()
        args = [
            sys.executable, "-m", "bench.sim_server",
            "--port", str(self.port),
            "--agents", str(self.extensions),
            "--queues", str(self.queues),
            "--seed", str(self.seed),
        ]  # fmt: skip
        if self.log_path is not None:
            args += ["--log", str(self.log_path)]
        self.process = subprocess.Popen(
            args,
            cwd=REPO,
            env=_env({"VOICENTER_CODE": BENCH_CODE}),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/comet/API"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class RecordingServer:
    """The load from a recording, `bench/recording_server.py`, in its own process: the
    recorded polls served in their own rhythm, a fixed and realistic load."""

    recording: Path
    log_path: Path | None = None
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> RecordingServer:
        self.port = self.port or free_port()
        args = [
            sys.executable, "-m", "bench.recording_server",
            "--port", str(self.port),
            "--recording", str(self.recording),
        ]  # fmt: skip
        if self.log_path is not None:
            args += ["--log", str(self.log_path)]
        self.process = subprocess.Popen(
            args,
            cwd=REPO,
            env=_env({"VOICENTER_CODE": BENCH_CODE}),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    base_url = SimServer.base_url
    stop = SimServer.stop

    def __enter__(self) -> RecordingServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class PtyProcess:
    """A command running in a pseudo-terminal of `cols` x `rows`, every output byte kept."""

    argv: Sequence[str]
    cols: int = 200
    rows: int = 60
    env: dict[str, str] | None = None
    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    spawned_at: float = 0.0
    process: subprocess.Popen[bytes] | None = None
    _master: int = -1
    _reader: threading.Thread | None = None

    def start(self) -> PtyProcess:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self._master = master
        self.spawned_at = time.monotonic()
        self.process = subprocess.Popen(
            list(self.argv),
            cwd=REPO,
            env=_env(self.env),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def _read(self) -> None:
        chunks = self.chunks
        while True:
            try:
                data = os.read(self._master, 1 << 16)
            except OSError:
                return
            if not data:
                return
            chunks.append((time.monotonic(), data))

    def write(self, data: bytes) -> None:
        """Type `data` into the terminal."""
        os.write(self._master, data)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, quit_keys: bytes = b"q", timeout_s: float = 5.0) -> int | None:
        """Ask politely (the quit key), then terminate, then kill."""
        if self.process is None:
            return None
        if self.process.poll() is None and quit_keys:
            with contextlib.suppress(OSError):
                self.write(quit_keys)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout_s)
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._reader is not None:
            self._reader.join(2.0)
        with contextlib.suppress(OSError):
            os.close(self._master)
        return self.process.returncode

    def __enter__(self) -> PtyProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wallboard_argv(*args: str) -> list[str]:
    """The `wallboard` console script of this interpreter's environment (the venv), with `args`."""
    script = Path(sys.executable).parent / "wallboard"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "wallboard", *args]


@contextlib.contextmanager
def board(
    base_url: str,
    *,
    compact: bool,
    metrics_path: Path,
    interval_s: float = 2.0,
    cols: int = 200,
    rows: int = 60,
    pythonpath: str | None = None,
) -> Iterator[PtyProcess]:
    """`wallboard run` against `base_url` in a recorded pty; the code travels in the env."""
    argv = wallboard_argv("run", "--base-url", base_url, "--interval", f"{interval_s:g}")
    if compact:
        argv.append("--compact")
    env = {"VOICENTER_CODE": BENCH_CODE, "WALLBOARD_METRICS_FILE": str(metrics_path)}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    proc = PtyProcess(argv, cols=cols, rows=rows, env=env)
    try:
        yield proc.start()
    finally:
        proc.stop()
