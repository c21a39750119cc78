"""`wallboard snapshot`, the real command in a subprocess, against the simulator on a port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[2]
CALL_STATES = {"Ringing", "Dialing", "Talking", "Hold"}
EXTENSION_KEYS = {
    "username",
    "name",
    "representative",
    "userID",
    "onlineUserID",
    "extensionID",
    "onlineUserStatus",
    "status_label",
    "calls",
}
CALL_KEYS = {
    "callStarted",
    "callAnswered",
    "answered",
    "callername",
    "callerphone",
    "callstatus",
    "customdata",
    "direction",
    "ivrid",
    "recording",
    "did",
    "duration_s",
    "recorded",
}
QUEUE_KEYS = {"ID", "Name", "Weight", "callers"}
CALLER_KEYS = {"Phone", "CallID", "JoinTime", "wait_s"}


@pytest.fixture
def run_cli(tmp_path):
    """Run `python -m wallboard snapshot ...` with a clean environment and config dir."""
    seen_codes: list[str] = []

    def run(
        *args: str,
        code: str | None = None,
        base_url: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            name: value
            for name, value in os.environ.items()
            if not name.upper().startswith("WALLBOARD_")
            and name.upper() not in ("VOICENTER_CODE", "CODE")
        }
        environment["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
        environment["PYTHONIOENCODING"] = "utf-8"
        if code is not None:
            environment["VOICENTER_CODE"] = code
            seen_codes.append(code)
        environment.update(env or {})
        command = [sys.executable, "-m", "wallboard", "snapshot", *args]
        if base_url is not None:
            command += ["--base-url", base_url]
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
        for secret in seen_codes:
            assert secret not in result.stdout
            assert secret not in result.stderr
        assert "Traceback" not in result.stderr
        return result

    return run


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wallboard: ")
    assert result.stdout == ""
    return lines[0]


def raw_answer(sim, endpoint: str) -> dict[str, Any]:
    response = httpx.post(f"{sim.base_url}/{endpoint}", json={"code": sim.code}, timeout=10)
    return response.json()


# --- good answers ---------------------------------------------------------------------------


def test_the_summary_says_what_the_centre_is_doing(sim, run_cli):
    result = run_cli(code=sim.code, base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Agents 40:" in out
    assert "logged in" in out and "available" in out and "talking" in out
    assert "Queues 4:" in out
    assert "callers waiting" in out
    assert "server clock UTC+0:00" in out
    assert result.stderr == ""


def test_json_has_the_documented_shape(sim, run_cli):
    result = run_cli("--json", code=sim.code, base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)

    assert set(document) == {"fetched_at", "clock_offset_s", "extensions", "queues", "skipped"}
    assert abs(document["fetched_at"] - time.time()) < 30
    assert isinstance(document["clock_offset_s"], int | float)
    assert document["skipped"] == []
    assert len(document["extensions"]) == 40
    assert len(document["queues"]) == 4

    calls = 0
    for extension in document["extensions"]:
        assert set(extension) == EXTENSION_KEYS
        assert isinstance(extension["username"], str) and extension["username"]
        assert isinstance(extension["onlineUserStatus"], int)
        assert isinstance(extension["status_label"], str)
        for field in ("userID", "onlineUserID", "extensionID"):
            assert extension[field] is None or isinstance(extension[field], int)
        for call in extension["calls"]:
            calls += 1
            assert set(call) == CALL_KEYS
            assert call["callstatus"] in CALL_STATES
            assert isinstance(call["customdata"], dict)
            assert set(call["recording"]) == {"Filename", "IsMuted"}
            assert call["recorded"] in (True, False, None)
            assert call["recorded"] == (
                None if call["recording"]["IsMuted"] is None else call["recording"]["IsMuted"] == 0
            )
            assert isinstance(call["duration_s"], int | float) and call["duration_s"] >= 0
            assert isinstance(call["callStarted"], int)
    assert calls > 0

    callers = 0
    for queue in document["queues"]:
        assert set(queue) == QUEUE_KEYS
        assert isinstance(queue["ID"], int)
        assert isinstance(queue["Name"], str)
        for caller in queue["callers"]:
            callers += 1
            assert set(caller) == CALLER_KEYS
            assert isinstance(caller["JoinTime"], int)
            assert isinstance(caller["wait_s"], int | float) and caller["wait_s"] >= 0
    assert callers > 0


def test_filters_pick_one_extension_and_one_queue(sim, run_cli):
    username = raw_answer(sim, "GetExtensionsCalls")["EXTENSIONS"][5]["username"]
    queue_id = raw_answer(sim, "GetQueuesCallers")["QUEUES"][2]["ID"]
    result = run_cli(
        "--json",
        "--extension",
        username,
        "--queue",
        str(queue_id),
        code=sim.code,
        base_url=sim.base_url,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [e["username"] for e in document["extensions"]] == [username]
    assert [q["ID"] for q in document["queues"]] == [queue_id]


def test_the_code_can_come_from_a_private_code_file(sim, run_cli, tmp_path):
    code_file = tmp_path / "code"
    code_file.write_text(sim.code + "\n", encoding="utf-8")
    code_file.chmod(0o600)
    result = run_cli("--code-file", str(code_file), base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert sim.code not in result.stdout
    assert sim.code not in result.stderr


def test_a_code_file_others_can_read_works_with_a_warning(sim, run_cli, tmp_path):
    code_file = tmp_path / "code"
    code_file.write_text(sim.code, encoding="utf-8")
    code_file.chmod(0o644)
    result = run_cli("--code-file", str(code_file), base_url=sim.base_url)
    assert result.returncode == 0
    assert "chmod 600" in result.stderr
    assert sim.code not in result.stderr


def test_the_code_can_come_from_the_config_file(sim, run_cli, tmp_path):
    config = tmp_path / "board.toml"
    config.write_text(f'code = "{sim.code}"\nbase_url = "{sim.base_url}"\n', encoding="utf-8")
    config.chmod(0o600)
    result = run_cli("--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "Agents 40:" in result.stdout


# --- true durations whatever the server's zone -------------------------------------------------


@pytest.mark.parametrize("offset_h", [2, 3])
def test_waits_and_durations_are_true_when_the_server_sends_local_time(
    start_sim, run_cli, offset_h
):
    sim = start_sim(utc_offset_hours=offset_h)
    result = run_cli("--json", code=sim.code, base_url=sim.base_url)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    truth = raw_answer(sim, "GetQueuesCallers")

    assert document["clock_offset_s"] == pytest.approx(offset_h * 3600, abs=2)
    fetched_at = document["fetched_at"]
    server_shift = offset_h * 3600

    true_waits = {
        caller["CallID"]: caller["Duration"] for q in truth["QUEUES"] for caller in q["Callers"]
    }
    compared = 0
    for queue in document["queues"]:
        for caller in queue["callers"]:
            assert caller["wait_s"] < 3600  # not off by hours
            if caller["CallID"] in true_waits:
                assert caller["wait_s"] == pytest.approx(true_waits[caller["CallID"]], abs=3)
                compared += 1
    assert compared > 0

    durations = 0
    for extension in document["extensions"]:
        for call in extension["calls"]:
            epoch = call["callAnswered"] or call["callStarted"]
            true_duration = fetched_at - (epoch - server_shift)
            assert call["duration_s"] == pytest.approx(true_duration, abs=2)
            assert call["duration_s"] < 3600
            durations += 1
    assert durations > 0


# --- failures: exit codes and one clear line ------------------------------------------------


def test_a_wrong_code_exits_3_with_the_authorized_ips_hint(sim, run_cli):
    result = run_cli(code="wrong-code-55555", base_url=sim.base_url)
    assert result.returncode == 3
    line = one_line_error(result)
    assert "Authorized IPs" in line


def test_err_2_exits_4(sim, run_cli):
    sim.force("err_2", 2)
    result = run_cli(code=sim.code, base_url=sim.base_url)
    assert result.returncode == 4
    one_line_error(result)


@pytest.mark.parametrize("fault", ["http_500_html", "truncated_json"])
def test_server_and_protocol_failures_exit_5(sim, run_cli, fault):
    sim.force(fault, 2)
    result = run_cli(code=sim.code, base_url=sim.base_url)
    assert result.returncode == 5
    line = one_line_error(result)
    if fault == "http_500_html":
        assert "HTTP 50" in line


def test_nothing_listening_exits_5(run_cli, closed_port):
    result = run_cli(code="abc-secret-1", base_url=f"http://127.0.0.1:{closed_port}/comet/API")
    assert result.returncode == 5
    assert "network error" in one_line_error(result)


def test_a_hanging_server_exits_5_after_the_configured_timeout(sim, run_cli):
    sim.force("hang", 2)
    started = time.monotonic()
    result = run_cli(code=sim.code, base_url=sim.base_url, env={"WALLBOARD_READ_TIMEOUT_S": "0.5"})
    assert time.monotonic() - started < 10
    assert result.returncode == 5
    one_line_error(result)


def test_a_missing_code_exits_2_with_guidance(sim, run_cli):
    result = run_cli(base_url=sim.base_url)
    assert result.returncode == 2
    line = one_line_error(result)
    assert "VOICENTER_CODE" in line
    assert "--code-file" in line


def test_a_missing_config_file_exits_2(run_cli, tmp_path):
    result = run_cli("--config", str(tmp_path / "absent.toml"), code="abc-secret-2")
    assert result.returncode == 2
    assert "not found" in one_line_error(result)


def test_an_invalid_setting_exits_2_without_echoing_the_code(run_cli, tmp_path):
    config = tmp_path / "board.toml"
    config.write_text('code = "abc-secret-3"\ninterval_s = "abc-secret-3"\n', encoding="utf-8")
    config.chmod(0o600)
    result = run_cli("--config", str(config))
    assert result.returncode == 2
    line = one_line_error(result)
    assert "abc-secret-3" not in line
    assert "interval_s" in line


def _answering(body: str) -> Starlette:
    async def endpoint(request: Any) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(
        routes=[
            Route("/comet/API/GetExtensionsCalls", endpoint, methods=["GET", "POST"]),
            Route("/comet/API/GetQueuesCallers", endpoint, methods=["GET", "POST"]),
        ]
    )


def test_an_html_page_with_status_200_exits_5_and_says_html(start_app, run_cli):
    async def endpoint(request: Any) -> Response:
        return Response("<html><body>Login</body></html>", media_type="text/html")

    app = Starlette(
        routes=[
            Route("/comet/API/GetExtensionsCalls", endpoint, methods=["POST"]),
            Route("/comet/API/GetQueuesCallers", endpoint, methods=["POST"]),
        ]
    )
    result = run_cli(code="abc-secret-4", base_url=start_app(app))
    assert result.returncode == 5
    assert "HTML" in one_line_error(result)


def test_an_answer_of_the_wrong_shape_exits_5(start_app, run_cli):
    result = run_cli(code="abc-secret-5", base_url=start_app(_answering('{"ERR": 0}')))
    assert result.returncode == 5
    one_line_error(result)


def test_an_absurd_err_field_exits_5_without_a_traceback(start_app, tmp_path):
    base_url = start_app(_answering('{"ERR": 1e999, "DESC": "?"}'))
    environment = dict(os.environ, VOICENTER_CODE="abc-secret-6", XDG_CONFIG_HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "wallboard", "snapshot", "--base-url", base_url],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 5
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("base_url", ["http://[::1/comet/API", "http://127.0.0.1:99999/comet/API"])
def test_a_malformed_base_url_is_one_clear_line(run_cli, base_url):
    result = run_cli(code="abc-secret-7", base_url=base_url)
    assert result.returncode in (2, 5)
    one_line_error(result)


def _serving(extensions: str, queues: str) -> Starlette:
    """Both endpoints, each answering a fixed body (raw text, so any JSON can be sent)."""

    def answer(body: str) -> Any:
        async def endpoint(request: Any) -> Response:
            return Response(body, media_type="application/json")

        return endpoint

    return Starlette(
        routes=[
            Route("/comet/API/GetExtensionsCalls", answer(extensions), methods=["POST"]),
            Route("/comet/API/GetQueuesCallers", answer(queues), methods=["POST"]),
        ]
    )


def test_json_is_strict_and_keeps_every_string_the_api_sent(start_app, run_cli):
    """A lone surrogate, a tag character above U+FFFF and `1e400`: strict JSON, said so."""
    extensions = (
        '{"ERR":0,"DESC":"OK","EXTENSIONS":[{"username":"S1","name":"Dana \\ud800 Levi",'
        '"representative":"flag \\udb40\\udc67 \\ud83d\\ude00","onlineUserStatus":1,"calls":'
        '[{"callStarted":1,"callstatus":"Talking","ivrid":"i1","customdata":{"big":1e400}}]}]}'
    )
    queues = '{"ERR":0,"DESC":"OK","QUEUES":[{"ID":1,"Name":"\\u202eq","Callers":[]}]}'
    base_url = start_app(_serving(extensions, queues))
    result = run_cli("--json", code="abc-secret-j", base_url=base_url)
    assert result.returncode == 0, result.stderr

    def refuse(constant: str) -> Any:
        raise AssertionError(f"bare {constant} is not JSON")

    document = json.loads(result.stdout, parse_constant=refuse)
    agent = document["extensions"][0]
    assert agent["name"] == "Dana \ufffd Levi"
    assert agent["representative"] == "flag \U000e0067 \U0001f600"
    assert agent["calls"][0]["customdata"] == {"big": None}
    assert document["queues"][0]["Name"] == "\u202eq"
    assert "\\udb40\\udc67" in result.stdout and "\\ue0067" not in result.stdout
    assert "lone surrogates" in result.stderr and "not finite" in result.stderr


def test_a_config_file_that_is_not_utf8_exits_2_with_one_line(run_cli, tmp_path):
    config = tmp_path / "latin1.toml"
    config.write_bytes(b'theme = "caf\xe9"\n')
    result = run_cli("--config", str(config), code="abc-secret-8")
    assert result.returncode == 2
    assert "not UTF-8" in one_line_error(result)


def test_a_code_file_that_never_ends_exits_2_at_once(run_cli):
    started = time.monotonic()
    result = run_cli("--code-file", "/dev/zero")
    assert result.returncode == 2
    assert "larger than" in one_line_error(result)
    assert time.monotonic() - started < 20


def test_an_unknown_config_key_exits_2_naming_the_nearest(run_cli, tmp_path):
    config = tmp_path / "typo.toml"
    config.write_text("intervall_s = 3\n", encoding="utf-8")
    result = run_cli("--config", str(config), code="abc-secret-9")
    assert result.returncode == 2
    assert "did you mean `interval_s`?" in one_line_error(result)


@pytest.mark.parametrize(
    "base_url",
    ["https://h.example/comet/API?code=abc-secret-q", "https://u:abc-secret-q@h.example/"],
)
def test_a_base_url_with_a_query_or_credentials_exits_2(run_cli, base_url):
    result = run_cli(code="abc-secret-10", base_url=base_url)
    assert result.returncode == 2
    assert "abc-secret-q" not in one_line_error(result)


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [("--extension", "NO-SUCH-9999", "no extension with SIP id"), ("--queue", "9999", "no queue")],
)
def test_a_filter_that_matches_nothing_says_so_and_exits_2(sim, run_cli, flag, value, words):
    result = run_cli(flag, value, code=sim.code, base_url=sim.base_url)
    assert result.returncode == 2
    line = one_line_error(result)
    assert words in line and f"'{value}'" in line


def test_both_filters_matching_nothing_are_both_named(sim, run_cli):
    result = run_cli(
        "--json", "--extension", "nope", "--queue", "424242", code=sim.code, base_url=sim.base_url
    )
    assert result.returncode == 2
    line = one_line_error(result)
    assert "no extension" in line and "no queue" in line
