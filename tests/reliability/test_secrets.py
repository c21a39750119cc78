"""The account code is a secret everywhere: screen, logs, errors, output, `ps`, URLs.

A canary code is used for every run, and each place the code could leak is searched for
it (and for its distinctive middle, in case it were cut):

- the screen: text and SVG exports of the real app, live, with details and help open, and
  after every fault kind;
- logs: Python logging at DEBUG (httpx, httpcore, everything) and Textual's own log file;
- errors: str, repr and the whole chain of every PollError raised by every fault kind, in
  process and over a real socket;
- `wallboard snapshot`: stdout and stderr on success and for every failure exit code;
- process arguments: `/proc/<pid>/cmdline` of a running `wallboard run` and `snapshot`
  given the code by VOICENTER_CODE or `--code-file` (and `snapshot` by the config file);
- requests: URL, query and headers as the client sent them (httpx event hooks) and as the
  server received them; the code travels only in the POST body;
- a config file holding the code: a warning when others can read it, none at 0600.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import httpx
import pytest
import textual.constants
from reliability_support import (
    FaultSwitch,
    LoopbackServer,
    ObservedApp,
    PtyProcess,
    make_sim,
    make_source,
    run_board,
    screen_lines,
    wait_until,
)

from wallboard.api.errors import PollError
from wallboard.core.clock import SystemClock
from wallboard.sim.faults import FaultKind, FaultProfile
from wallboard.sim.server import create_app
from wallboard.ui.app import BoardOptions

CANARY = "CANARY-7f3a9c-SECRET"
FRAGMENTS = (CANARY, "7f3a9c", CANARY.lower())
FAILING = [
    FaultKind.HTTP_500_HTML,
    FaultKind.HANG,
    FaultKind.RESET,
    FaultKind.TRUNCATED_JSON,
    FaultKind.ERR_2,
    FaultKind.ERR_1,
    FaultKind.SERVER_DOWN,
]


def _leaks(text: str | bytes) -> list[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return [fragment for fragment in FRAGMENTS if fragment in text]


# --- the app: screen, logs, request URLs --------------------------------------------------
async def test_the_code_never_reaches_screen_logs_or_urls(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "asyncio", "textual"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    textual_log = tmp_path / "textual.log"
    monkeypatch.setattr(textual.constants, "LOG_FILE", str(textual_log))

    sent: list[httpx.Request] = []

    async def on_request(request: httpx.Request) -> None:
        sent.append(request)

    switch = make_sim(code=CANARY)
    source = make_source(
        switch, code=CANARY, connect_timeout_s=0.3, read_timeout_s=0.3,
        event_hooks={"request": [on_request]},
    )  # fmt: skip
    app = ObservedApp(source, SystemClock(), BoardOptions(interval_s=0.3))
    screens: dict[str, str] = {}

    def keep(state: str) -> None:
        screens[state] = "\n".join(screen_lines(app)) + app.export_screenshot(title=state)

    async with run_board(app, (120, 40)) as pilot:
        assert await wait_until(app.has_data, 10)
        await pilot.pause()
        keep("live")
        await pilot.press("enter")  # the selected agent's details
        await pilot.pause()
        keep("detail")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        keep("help")
        await pilot.press("escape")
        for kind in [*FAILING, FaultKind.EMPTY_EXTENSIONS, FaultKind.SCHEMA_DRIFT]:
            switch.on(kind)
            failures = len([e for e in app.events if e.what == "failure"])
            polls = switch.count
            assert await wait_until(
                lambda failures=failures, polls=polls, kind=kind: (
                    len([e for e in app.events if e.what == "failure"]) > failures
                    or (kind not in FAILING and switch.count >= polls + 2 and app.is_live())
                    or app.board.suspicious is not None
                ),
                5,
            ), kind
            await pilot.pause()
            keep(kind.value)
            switch.off()
            await pilot.press("r")  # poll now: back to live before the next fault
            assert await wait_until(
                lambda: app.health.error is None and app.board.suspicious is None, 5
            )
        await pilot.pause()
        keep("recovered")

    for state, screen in screens.items():
        assert not _leaks(screen), f"the code is on screen ({state})"
    assert "authorization failed" in screens["err_1"]  # the states really were captured

    logged = caplog.text + "".join(
        f"{record.getMessage()} {record.args!r}" for record in caplog.records
    )
    assert caplog.records, "nothing was logged: the capture is not working"
    assert not _leaks(logged)
    assert textual_log.exists() and not _leaks(textual_log.read_text(encoding="utf-8"))

    # Requests: the code is in the POST body only, never in the URL, query or headers.
    assert sent
    for request in sent:
        assert request.method == "POST"
        assert not _leaks(str(request.url)) and not request.url.query
        assert not _leaks(repr(request)) and not _leaks(repr(request.headers))
        assert CANARY in request.content.decode()
    for seen in switch.requests:
        assert not _leaks(seen.path) and not _leaks(seen.query)
        assert not any(_leaks(value) for _name, value in seen.headers)
        assert CANARY in seen.body.decode()


# --- every PollError, in process and over a socket ----------------------------------------
def _chain(error: BaseException) -> list[BaseException]:
    chain, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


async def _errors_of_every_fault(switch: FaultSwitch, base_url: str | None) -> list[PollError]:
    errors = []
    for kind in FAILING:
        source = make_source(
            None if base_url else switch,
            base_url=base_url,
            code=CANARY,
            connect_timeout_s=0.3,
            read_timeout_s=0.3,
        )
        switch.on(kind)
        try:
            await source.fetch()
        except PollError as error:
            errors.append(error)
        else:
            raise AssertionError(f"{kind} did not fail")
        finally:
            switch.off()
            await source.aclose()
    # And a wrong code: the service's ERR 1.
    source = make_source(None if base_url else switch, base_url=base_url, code="wrong-code")
    with pytest.raises(PollError) as caught:
        await source.fetch()
    await source.aclose()
    errors.append(caught.value)
    return errors


@pytest.mark.parametrize("via", ["asgi", "uvicorn"])
async def test_no_poll_error_holds_the_code(via: str) -> None:
    switch = make_sim(code=CANARY)
    if via == "uvicorn":
        with LoopbackServer(switch) as server:
            errors = await _errors_of_every_fault(switch, server.base_url)
    else:
        errors = await _errors_of_every_fault(switch, None)
    assert len(errors) == len(FAILING) + 1
    for error in errors:
        for link in _chain(error):
            texts = [str(link), repr(link), *map(repr, link.args)]
            assert not any(_leaks(text) for text in texts), (type(link), texts)
        shown = "".join(traceback.format_exception(error))
        assert not _leaks(shown)


# --- the command line ---------------------------------------------------------------------
class _Router:
    """`/<kind>/comet/API/...` is served by a simulator failing every request with <kind>;
    `/ok/comet/API/...` by a healthy one. Every sim accepts only the canary code."""

    def __init__(self) -> None:
        self.sims: dict[str, Any] = {"ok": create_app(code=CANARY, seed=3, agents=12)}
        for kind in FAILING:
            profile = FaultProfile({kind: 1.0}, hang_seconds=30, down_seconds=0)
            self.sims[kind.value] = create_app(code=CANARY, seed=3, agents=12, faults=profile)
        self.paths: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        name, _, rest = scope["path"].lstrip("/").partition("/")
        self.paths.append(scope["path"] + "?" + scope.get("query_string", b"").decode())
        inner = dict(scope, path="/" + rest, raw_path=("/" + rest).encode())
        await self.sims[name](inner, receive, send)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WALLBOARD_", "VOICENTER_"))
    }
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        WALLBOARD_CONNECT_TIMEOUT_S="1",
        WALLBOARD_READ_TIMEOUT_S="1",
        NO_COLOR="1",
        **extra,
    )
    return env


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "wallboard", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_snapshot_output_and_arguments_never_hold_the_code(tmp_path: Path) -> None:
    code_file = tmp_path / "code"
    code_file.write_text(CANARY + "\n")
    code_file.chmod(0o600)
    router = _Router()
    with LoopbackServer(router) as server:
        root = f"http://127.0.0.1:{server.port}"

        def url(name: str) -> str:
            return f"{root}/{name}/comet/API"

        by_env = _env(tmp_path, VOICENTER_CODE=CANARY)
        plain = _env(tmp_path)
        runs: dict[str, tuple[subprocess.Popen[bytes], int]] = {
            "ok (VOICENTER_CODE)": (_start(["snapshot", "--base-url", url("ok")], by_env), 0),
            "ok --json (--code-file)": (
                _start(["snapshot", "--json", "--code-file", str(code_file),
                        "--base-url", url("ok")], plain),
                0,
            ),
            "no code": (_start(["snapshot", "--base-url", url("ok")], plain), 2),
            "wrong code": (
                _start(["snapshot", "--base-url", url("ok")], _env(tmp_path, VOICENTER_CODE="x")),
                3,
            ),
        }  # fmt: skip
        expected = {
            FaultKind.ERR_1: 3,
            FaultKind.ERR_2: 4,
        }
        for kind in FAILING:
            runs[kind.value] = (
                _start(["snapshot", "--base-url", url(kind.value)], by_env),
                expected.get(kind, 5),
            )
        # What `ps` shows while they run: once the hanging one is waiting for its answer.
        deadline = time.monotonic() + 15
        while not any(p.startswith("/hang/") for p in router.paths):
            assert time.monotonic() < deadline, "the hanging snapshot never asked"
            time.sleep(0.05)
        cmdlines = {name: _cmdline(process.pid) for name, (process, _) in runs.items()}
        results = {name: (*process.communicate(timeout=30), want, process.returncode)
                   for name, (process, want) in runs.items()}  # fmt: skip

    assert cmdlines[FaultKind.HANG.value], "the hanging snapshot had already exited"
    for name, cmdline in cmdlines.items():
        assert not _leaks(cmdline), f"the code is in the arguments of {name}"
    for name, (out, err, want, status) in results.items():
        assert status == want, (name, err)
        assert not _leaks(out), f"the code is on stdout of {name}"
        assert not _leaks(err), f"the code is on stderr of {name}"
        if status != 0:
            assert err.startswith(b"wallboard: ") and b"Traceback" not in err, (name, err)
    assert b"Authorized IPs" in results["wrong code"][1]
    assert router.paths and not any(_leaks(path) for path in router.paths)


def test_a_running_board_keeps_the_code_out_of_ps_screen_and_log(tmp_path: Path) -> None:
    switch = make_sim(code=CANARY)
    code_file = tmp_path / "code"
    code_file.write_text(CANARY)
    code_file.chmod(0o600)
    textual_log = tmp_path / "textual.log"
    with LoopbackServer(switch) as server:
        env = _env(tmp_path, TERM="xterm-256color", TEXTUAL_LOG=str(textual_log))
        env.pop("NO_COLOR")
        boards = {
            "--code-file": PtyProcess(
                [sys.executable, "-m", "wallboard", "run", "--interval", "0.5",
                 "--base-url", server.base_url, "--code-file", str(code_file)],
                env=env,
            ),
            "VOICENTER_CODE": PtyProcess(
                [sys.executable, "-m", "wallboard", "run", "--interval", "0.5",
                 "--base-url", server.base_url],
                env={**env, "VOICENTER_CODE": CANARY},
            ),
        }  # fmt: skip
        try:
            outputs = {
                name: board.read(20, until=b"Agents 40/40") for name, board in boards.items()
            }
            switch.on(FaultKind.ERR_1)
            outputs = {name: board.read(4, until=b"Authorized") for name, board in boards.items()}
            cmdlines = {name: _cmdline(board.pid) for name, board in boards.items()}
            alive = {name: board.process.poll() is None for name, board in boards.items()}
        finally:
            for board in boards.values():
                board.kill()
    for name in boards:
        assert alive[name] and cmdlines[name], f"{name}: the board was not running"
        assert b"Agents 40/40" in outputs[name], f"{name}: the board never showed its data"
        assert not _leaks(cmdlines[name]), f"the code is in the arguments ({name})"
        assert not _leaks(outputs[name]), f"the code reached the terminal ({name})"
    assert textual_log.exists() and not _leaks(textual_log.read_text(encoding="utf-8"))
    for seen in switch.requests:
        assert not _leaks(seen.path + seen.query.decode()) and CANARY in seen.body.decode()


# --- config file permissions --------------------------------------------------------------
def test_a_config_file_holding_the_code_warns_when_others_can_read_it(tmp_path: Path) -> None:
    modes = {0o644: True, 0o640: True, 0o600: False}
    with LoopbackServer(create_app(code=CANARY, seed=3, agents=5)) as server:
        runs = {}
        for mode in modes:
            config = tmp_path / f"config-{mode:o}.toml"
            config.write_text(f'code = "{CANARY}"\n')
            config.chmod(mode)
            runs[mode] = (
                config,
                _start(
                    ["snapshot", "--config", str(config), "--base-url", server.base_url],
                    _env(tmp_path),
                ),
            )
        done = {mode: (config, *process.communicate(timeout=60), process.returncode)
                for mode, (config, process) in runs.items()}  # fmt: skip
    for mode, warned in modes.items():
        config, out, err, status = done[mode]
        assert status == 0, err
        text = err.decode()
        assert ("other users can read it" in text) is warned, (oct(mode), text)
        if warned:
            assert f"chmod 600 {config}" in text
        assert not _leaks(text) and not _leaks(out)
