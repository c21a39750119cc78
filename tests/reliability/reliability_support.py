"""Shared machinery of the reliability tests: the real app against the simulator, watched.

- `FaultSwitch` wraps a simulator app: it turns one fault kind on for every request (and off
  again), and records what each request looked like (URL, headers, body) for the secret tests.
- `LoopbackServer` serves an ASGI app with uvicorn on a real 127.0.0.1 port, in its own thread.
- `ObservedApp` is the real `WallboardApp`, recording each snapshot, failure and tick.
- `run_fault_scenario` drives one fault from live, to failing, to STALE, to recovered, and
  returns what it saw and how long each step took; `fault_matrix` formats those as a table.

`python tests/reliability/fault_matrix.py` runs the scenarios standalone (see there).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import select
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
import uvicorn

from wallboard.api.client import ActiveCallsClient
from wallboard.core.backoff import AUTH_MAX_BACKOFF_S, AUTH_MIN_BACKOFF_S, MAX_BACKOFF_S
from wallboard.core.clock import SystemClock
from wallboard.core.health import STALE_INTERVALS
from wallboard.sim.faults import FaultKind, FaultProfile
from wallboard.sim.server import create_app
from wallboard.sources.api_source import ApiSource
from wallboard.sources.polling import PollingSource
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.messages import PollFailed
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.health_line import health_text

SIM_CODE = "reliability-sim-code"
ERROR_FAULTS = (
    FaultKind.HTTP_500_HTML,
    FaultKind.HANG,
    FaultKind.RESET,
    FaultKind.TRUNCATED_JSON,
    FaultKind.ERR_2,
    FaultKind.ERR_1,
    FaultKind.SERVER_DOWN,
)
# What the health line must say for each failing kind (a fragment of the error text).
EXPECTED_MESSAGE: dict[FaultKind, tuple[str, ...]] = {
    FaultKind.HTTP_500_HTML: ("server error HTTP 50",),
    FaultKind.HANG: ("no answer within", "timed out"),
    FaultKind.RESET: ("network error",),
    FaultKind.TRUNCATED_JSON: ("not JSON",),
    FaultKind.ERR_2: ("ERR 2",),
    FaultKind.ERR_1: ("Authorized IPs",),
    FaultKind.SERVER_DOWN: ("network error",),
}
EXPECTED_KIND: dict[FaultKind, str] = {
    FaultKind.HTTP_500_HTML: "network",
    FaultKind.HANG: "network",
    FaultKind.RESET: "network",
    FaultKind.TRUNCATED_JSON: "protocol",
    FaultKind.ERR_2: "api",
    FaultKind.ERR_1: "auth",
    FaultKind.SERVER_DOWN: "network",
}


# --- the simulator, switched and recorded -------------------------------------------------
@dataclass(frozen=True)
class SeenRequest:
    """One request as the server received it."""

    method: str
    path: str
    query: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class FaultSwitch:
    """An ASGI wrapper of a simulator app: `on(kind)` makes every request suffer `kind`.

    It sets the simulator's fault probabilities (1.0 for the kind, nothing else), so that
    concurrent requests cannot steal each other's forced faults. It also records the last
    `keep` requests.
    """

    def __init__(self, sim: Any, keep: int = 200) -> None:
        self.sim = sim
        self.faults: FaultProfile = sim.state.faults
        self.kind: FaultKind | None = None
        self.requests: deque[SeenRequest] = deque(maxlen=keep)
        self.count = 0

    def on(self, kind: FaultKind | str) -> None:
        self.kind = FaultKind(kind)
        self.faults.probabilities = {self.kind: 1.0}

    def off(self) -> None:
        self.kind = None
        self.faults.probabilities = {}
        self.faults._down_until = float("-inf")  # a server_down outage ends now

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.sim(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        self.count += 1
        self.requests.append(
            SeenRequest(
                scope["method"],
                scope["path"],
                scope.get("query_string", b""),
                tuple(scope.get("headers", ())),
                body,
            )
        )
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.sim(scope, replay, send)


def make_sim(
    *,
    code: str = SIM_CODE,
    seed: int = 7,
    agents: int = 40,
    queues: int = 4,
    speed: float = 1.0,
    hang_seconds: float = 30.0,
    slow_seconds: float = 0.5,
) -> FaultSwitch:
    """A fresh simulated centre behind a fault switch."""
    profile = FaultProfile(
        seed=seed, hang_seconds=hang_seconds, slow_seconds=slow_seconds, down_seconds=0.0
    )
    sim = create_app(
        code=code, seed=seed, agents=agents, queues=queues, speed=speed, faults=profile
    )
    return FaultSwitch(sim)


class LoopbackServer:
    """Serve an ASGI app with uvicorn on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, app: Any) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="critical",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/comet/API"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=5)
        self._sock.close()


def make_source(
    switch: FaultSwitch | None,
    *,
    base_url: str | None = None,
    code: str = SIM_CODE,
    connect_timeout_s: float = 0.5,
    read_timeout_s: float = 0.5,
    max_response_bytes: int | None = None,
    name: str = "reliability sim",
    event_hooks: dict[str, list[Callable[..., Any]]] | None = None,
) -> ApiSource:
    """An ApiSource over the switch in-process (ASGI), or over `base_url` (a real port)."""
    extra: dict[str, Any] = {}
    if max_response_bytes is not None:
        extra["max_response_bytes"] = max_response_bytes
    transport = None
    if base_url is None:
        assert switch is not None
        transport = httpx.ASGITransport(app=switch)
        base_url = "http://simulator/comet/API"
    client = ActiveCallsClient(
        base_url=base_url,
        code=code,
        connect_timeout_s=connect_timeout_s,
        read_timeout_s=read_timeout_s,
        transport=transport,
        **extra,
    )
    if event_hooks:
        client._http.event_hooks = event_hooks
    return ApiSource(client, SystemClock(), name=name)


# --- the app, watched ---------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    """A snapshot or a failure as the app took it; `at` is perf_counter()."""

    what: str
    at: float
    kind: str = ""
    message: str = ""
    retry_in_s: float = 0.0
    failures: int = 0


class ObservedApp(WallboardApp):
    """The real app, recording each snapshot, each failure and each 1 Hz tick.

    A failure is timed when the poller reports it (posts `PollFailed`), not when the app
    gets round to it, so that the backoff is measured from where the poller counts it.
    """

    def __init__(self, source: Any, clock: Any, options: BoardOptions, **kwargs: Any) -> None:
        # The app consumes a source of events; the scenarios give it the poller over an
        # `ApiSource`, as `wallboard run` does.
        if not hasattr(source, "events"):
            source = PollingSource(source, clock, interval_s=options.interval_s)
        super().__init__(source, clock, options, **kwargs)
        self.events: deque[Event] = deque(maxlen=5000)
        self.tick_times: deque[float] = deque(maxlen=5000)
        self._failures_posted: deque[float] = deque()

    def post_message(self, message: Any) -> bool:
        if isinstance(message, PollFailed):
            self._failures_posted.append(time.perf_counter())
        return super().post_message(message)

    def show_snapshot(self, snapshot: object) -> None:
        super().show_snapshot(snapshot)
        self.events.append(Event("snapshot", time.perf_counter()))

    def show_failure(self, kind: str, text: str, retry_in_s: float) -> None:
        super().show_failure(kind, text, retry_in_s)
        at = self._failures_posted.popleft() if self._failures_posted else time.perf_counter()
        self.events.append(Event("failure", at, kind, text, retry_in_s, self.health.failures))

    def tick(self) -> None:
        super().tick()
        self.tick_times.append(time.perf_counter())

    # What a user reads ----------------------------------------------------------------
    def is_live(self) -> bool:
        """The totals say Live (which they also say before the first data)."""
        return self.query_one("#totals").border_title == "Live"

    def has_data(self) -> bool:
        """Live, with agents on the board."""
        return bool(self.board.agents) and self.is_live()

    def shows_stale(self) -> bool:
        return self.query_one("#totals").border_title == "STALE"

    def health_says(self) -> str:
        return health_text(self.health, self.clock.now(), self.board.suspicious, False)


@asynccontextmanager
async def run_board(app: WallboardApp, size: tuple[int, int] = (120, 40)) -> AsyncIterator[Any]:
    """`app.run_test()`, left the way a user leaves (`app.exit()`, as `q` does).

    `run_test` alone tears the screens down without `exit()`, and the app's 1 Hz tick can
    then fire on a screen with no widgets (a test-only race: `exit()` stops the timers).
    """
    async with app.run_test(size=size) as pilot:
        try:
            yield pilot
        finally:
            app.exit()


def screen_lines(app: WallboardApp) -> list[str]:
    """The text of every line of the app's screen as a terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def region_lines(app: WallboardApp, selector: str | type, content: bool = True) -> list[str]:
    """The screen text inside one widget (its content region, or its whole region)."""
    widget = app.query_one(selector)  # type: ignore[call-overload]
    region = widget.content_region if content else widget.region
    strips = app.screen._compositor.render_strips()
    return [s.crop(region.x, region.right).text for s in strips[region.y : region.bottom]]


_DIGITS = re.compile(r"\d")


def grid_picture(app: WallboardApp) -> list[str]:
    """The agent tiles as drawn (timers masked): the lines holding tiles, scrollbar cut off."""
    grid = app.query_one(AgentGrid)
    width = grid.per_row * grid.cell_width
    lines = region_lines(app, AgentGrid)[: grid.line_count()]
    return masked([line[:width] for line in lines])


def masked(lines: list[str]) -> list[str]:
    """Lines with digits masked: ticking timers differ, the picture must not."""
    return [_DIGITS.sub("#", line) for line in lines]


async def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.02) -> bool:
    """Poll `condition` until it holds (True) or `timeout` passes (False)."""
    deadline = time.perf_counter() + timeout
    while True:
        if condition():
            return True
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(step)


class LoopProbe:
    """Measures how late the event loop wakes a sleeper: the UI's responsiveness."""

    def __init__(self, period: float = 0.02) -> None:
        self.period = period
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.period)
            self.lags.append(time.perf_counter() - before - self.period)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> float:
        assert self._task is not None
        self._task.cancel()
        with suppress(asyncio.CancelledError):
            await self._task
        return max(self.lags, default=0.0)


# --- one fault, end to end ----------------------------------------------------------------
@dataclass
class FaultRun:
    """What one fault scenario saw, and when (seconds)."""

    kind: str
    via: str
    interval_s: float
    agents_before: int = 0
    agents_during: list[int] = field(default_factory=list)
    grid_before: list[str] = field(default_factory=list)
    grid_during: list[str] = field(default_factory=list)
    health_during: str = ""
    health_at_off: str = ""
    first_failure_after_fault_s: float | None = None
    screen_during: list[str] = field(default_factory=list)
    error_kind: str | None = None
    error_message: str | None = None
    failures: list[Event] = field(default_factory=list)
    poller_failures_max: int = 0
    stale_after_fault_s: float | None = None
    stale_after_last_good_s: float | None = None
    suspicious: str | None = None
    skipped_shown: int = 0
    latency_ms_during: float | None = None
    ticks_during_fault: int = 0
    fault_window_s: float = 0.0
    max_loop_lag_s: float = 0.0
    recovered: bool = False
    recover_s: float | None = None
    recover_manual: bool = False
    retry_scheduled_s: float | None = None
    health_after: str = ""
    stale_after_recovery: bool = True
    poller_failures_after: int = -1
    failures_after_off: list[Event] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def delays(self) -> list[float]:
        return [event.retry_in_s for event in self.failures]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultRun:
        data = dict(data)
        data["failures"] = [Event(**event) for event in data["failures"]]
        data["failures_after_off"] = [Event(**event) for event in data["failures_after_off"]]
        return cls(**data)


async def run_fault_scenario(
    kind: FaultKind | str,
    *,
    interval_s: float = 0.3,
    via: str = "asgi",
    connect_timeout_s: float = 0.5,
    read_timeout_s: float = 0.5,
    slow_seconds: float | None = None,
    # Tall enough that every agent's tile shows under the queue table, with a line to spare
    # for the STALE banner: the test compares the whole grid before and during a fault.
    size: tuple[int, int] = (120, 50),
    manual_refresh_auth: bool = True,
    hold_s: float | None = None,
    recover_timeout_s: float = 90.0,
) -> FaultRun:
    """Live, then `kind` on every request until the board is STALE (or `hold_s` passes),
    then off until the board is live again. Returns what was seen.

    `manual_refresh_auth`: an authorization failure backs off 15-30 s; with this set the
    scenario presses `r` (poll now) after switching the fault off, instead of waiting.
    """
    kind = FaultKind(kind)
    run = FaultRun(kind.value, via, interval_s)
    if slow_seconds is None:
        slow_seconds = min(interval_s * 1.5, (connect_timeout_s + read_timeout_s) * 0.6)
    switch = make_sim(slow_seconds=slow_seconds)
    server = LoopbackServer(switch) if via == "uvicorn" else None
    if server is not None:
        server.__enter__()
    try:
        source = make_source(
            None if server else switch,
            base_url=server.base_url if server else None,
            connect_timeout_s=connect_timeout_s,
            read_timeout_s=read_timeout_s,
        )
        app = ObservedApp(source, SystemClock(), BoardOptions(interval_s=interval_s))
        async with run_board(app, size) as pilot:
            await _scenario(
                app, pilot, switch, kind, run, hold_s, manual_refresh_auth, recover_timeout_s
            )
    finally:
        if server is not None:
            server.__exit__(None, None, None)
    return run


async def _scenario(
    app: ObservedApp,
    pilot: Any,
    switch: FaultSwitch,
    kind: FaultKind,
    run: FaultRun,
    hold_s: float | None,
    manual_refresh_auth: bool,
    recover_timeout_s: float,
) -> None:
    interval = run.interval_s
    if not await wait_until(app.has_data, 15):
        run.problems.append("never became live")
        return
    # One more good poll, so the picture is settled and the parse memo warm.
    good = sum(1 for e in app.events if e.what == "snapshot")
    await wait_until(lambda: sum(1 for e in app.events if e.what == "snapshot") >= good + 1, 10)
    await pilot.pause()
    run.agents_before = len(app.board.agents)
    run.grid_before = grid_picture(app)
    last_good = max(e.at for e in app.events if e.what == "snapshot")
    events_before = len(app.events)
    ticks_before = len(app.tick_times)

    probe = LoopProbe()
    probe.start()
    switch.on(kind)
    fault_on = time.perf_counter()
    error_like = kind in ERROR_FAULTS
    if hold_s is None:
        # Errors: until STALE shows. Others: long enough for STALE to have shown if it would.
        hold_s = 60.0 if error_like else STALE_INTERVALS * interval + 1.3
    stale_seen = False
    deadline = fault_on + hold_s
    while time.perf_counter() < deadline:
        now_good = [e for e in app.events if e.what == "snapshot" and e.at > fault_on]
        surprise = "a good snapshot arrived while the fault was on"
        if now_good and error_like and surprise not in run.problems:
            run.problems.append(surprise)
        run.agents_during.append(len(app.board.agents))
        if app.health.skipped:
            run.skipped_shown = max(run.skipped_shown, app.health.skipped)
        if app.board.suspicious:
            run.suspicious = app.board.suspicious
        if app.shows_stale() and not stale_seen:
            stale_seen = True
            seen = time.perf_counter()
            run.stale_after_fault_s = seen - fault_on
            run.stale_after_last_good_s = seen - last_good
            await pilot.pause()
            run.health_during = app.health_says()
            run.screen_during = screen_lines(app)
            run.grid_during = grid_picture(app)
            if error_like:
                # A little longer, so that at least two failures show the backoff.
                await wait_until(
                    lambda: (
                        sum(1 for e in app.events if e.what == "failure") >= 2
                        or app.health.error_kind == "auth"
                    ),
                    10,
                )
                break
        await asyncio.sleep(0.02)
    if not stale_seen:
        await pilot.pause()
        run.health_during = app.health_says()
        run.screen_during = screen_lines(app)
        run.grid_during = grid_picture(app)
    run.health_at_off = app.health_says()
    run.error_kind = app.health.error_kind
    run.error_message = app.health.error
    run.latency_ms_during = None if app.health.latency_s is None else app.health.latency_s * 1000
    run.poller_failures_max = app.source.failures
    fault_off = time.perf_counter()
    run.fault_window_s = fault_off - fault_on
    run.ticks_during_fault = len(app.tick_times) - ticks_before
    switch.off()
    run.max_loop_lag_s = await probe.stop()
    run.failures = [e for e in list(app.events)[events_before:] if e.what == "failure"]
    if run.failures:
        run.first_failure_after_fault_s = run.failures[0].at - fault_on
    if run.failures:
        last = run.failures[-1]
        run.retry_scheduled_s = last.retry_in_s - (fault_off - last.at)
    if manual_refresh_auth and app.health.error_kind == "auth":
        run.recover_manual = True
        await pilot.press("r")

    def recovered() -> bool:
        return (
            app.is_live()
            and app.health.error is None
            and app.board.suspicious is None
            and not app.health.skipped
            and any(e.what == "snapshot" and e.at > fault_off for e in app.events)
        )

    run.recovered = await wait_until(recovered, recover_timeout_s)
    if run.recovered:
        run.recover_s = time.perf_counter() - fault_off
    await pilot.pause()
    run.health_after = app.health_says()
    run.stale_after_recovery = app.shows_stale()
    run.poller_failures_after = app.source.failures
    run.failures_after_off = [e for e in app.events if e.what == "failure" and e.at > fault_off]


# --- the backoff rule the scenarios check against -----------------------------------------
def nominal_delay(failures: int, interval_s: float, auth: bool) -> float:
    """The nominal retry delay (before jitter) of `core.backoff.retry_delay`."""
    floor = AUTH_MIN_BACKOFF_S if auth else 1.0
    cap = AUTH_MAX_BACKOFF_S if auth else MAX_BACKOFF_S
    return min(cap, max(floor, interval_s) * 2.0 ** min(max(failures - 1, 0), 16))


# --- the fault matrix ---------------------------------------------------------------------
USER_SEES: dict[str, str] = {
    "http_500_html": "last picture kept; health line `⚠ network: …server error HTTP 50x`; "
    "STALE banner with the same reason",
    "hang": "timers keep ticking; `⚠ network: …timed out (ReadTimeout)` at the read timeout "
    "(socket) or `…no answer within Ns` at the whole-request deadline; when that is longer "
    "than 3 intervals, STALE shows while the request still hangs",
    "reset": "last picture kept; `⚠ network: …network error (ReadError)`; STALE",
    "truncated_json": "last picture kept; `⚠ protocol: …answer is not JSON (…)`; STALE",
    "err_2": "last picture kept; `⚠ api: the API refused the request (ERR 2…)`; STALE",
    "err_1": "last picture kept; `⚠ auth: authorization failed (ERR 1): check the code, and "
    "that this machine's IP is listed under Authorized IPs`; retry in 15-30 s; STALE",
    "slow": "nothing alarming: `poll NNN ms` shows the slow answer; no STALE while answers "
    "come within 3 intervals",
    "empty_extensions": "agents kept; STALE banner and `⚠ suspicious: the API returned no "
    "extensions (had N); showing the last agents seen`; queues still update",
    "schema_drift": "good items shown; `N malformed item(s) skipped` on the health line; no STALE",
    "server_down": "last picture kept; `⚠ network: …network error (…)`; STALE",
}


def _secs(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def fault_matrix(runs: list[FaultRun]) -> str:
    """A markdown table of the runs."""
    head = (
        "| fault | via | what the user sees | time to STALE (from fault / from last good "
        "data) | retries (delays, s) | time to recover |\n|---|---|---|---|---|---|\n"
    )
    rows = []
    for run in runs:
        stale = (
            "never"
            if run.stale_after_fault_s is None
            else f"{run.stale_after_fault_s:.2f} s / {run.stale_after_last_good_s:.2f} s"
        )
        delays = ", ".join(f"{d:.2f}" for d in run.delays) or "-"
        recover = _secs(run.recover_s)
        if run.recover_manual:
            recover += f" after `r` (automatic retry was due in {run.retry_scheduled_s:.1f} s)"
        rows.append(
            f"| {run.kind} | {run.via} | {USER_SEES.get(run.kind, '')} | {stale} | {delays} "
            f"| {recover} |"
        )
    return head + "\n".join(rows) + "\n"


# --- a process on a pseudo-terminal -------------------------------------------------------
class PtyProcess:
    """A command running on a fresh pty: stdin, stdout and stderr are the pty's slave side.

    `controlling=True` makes the pty the process's controlling terminal in a new session
    (as a login shell's terminal is), so closing the master side hangs it up like an SSH
    drop. `ignore_sighup=True` starts the process with SIGHUP ignored (as `nohup` does).
    """

    def __init__(
        self,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (120, 40),
        controlling: bool = True,
        ignore_sighup: bool = False,
        cwd: str | None = None,
    ) -> None:
        master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        # A trampoline (not preexec_fn, which is unsafe with threads running) takes the pty
        # as controlling terminal in its new session, sets SIGHUP, then becomes the command.
        trampoline = (
            "import fcntl, os, signal, sys, termios\n"
            "if sys.argv[1] == '1': fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
            "if sys.argv[2] == '1': signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
            "os.execvp(sys.argv[3], sys.argv[3:])\n"
        )
        # The pty's size is the size: COLUMNS/LINES left in the environment (pytest-xdist's
        # workers have 80x24 there) would win over it in Textual.
        env = {
            k: v for k, v in (os.environ if env is None else env).items()
            if k not in ("COLUMNS", "LINES")
        }  # fmt: skip
        self.master: int | None = master
        self.output = bytearray()
        self.process = subprocess.Popen(
            [sys.executable, "-c", trampoline, str(int(controlling)), str(int(ignore_sighup)),
             *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )  # fmt: skip
        os.close(slave)

    @property
    def pid(self) -> int:
        return self.process.pid

    def read(self, seconds: float, until: bytes | None = None) -> bytes:
        """Collect output for `seconds` (or until `until` has appeared); returns all so far."""
        deadline = time.monotonic() + seconds
        while self.master is not None and time.monotonic() < deadline:
            if until is not None and until in self.output:
                break
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                if self.process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the slave side has no process left
                break
            if not chunk:
                break
            self.output += chunk
        return bytes(self.output)

    def hang_up(self) -> None:
        """Close the master side: the terminal is gone (an SSH drop)."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def wait(self, timeout: float) -> int | None:
        """The exit status within `timeout` s, or None if still running."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        self.hang_up()
