"""`wallboard hub` and `wallboard stats` as a user runs them: real processes, a real
simulator on a loopback port, real signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATS_KEYS = {"day", "generated_at", "queues", "agents", "alerts"}
QUEUE_KEYS = {
    "id", "name", "waiting", "answered", "abandoned", "short_abandoned", "unknown",
    "answered_within_sl", "service_level_pct", "abandon_pct", "asa_s", "avg_abandon_wait_s",
    "longest_wait_s", "ewt_s",
}  # fmt: skip
AGENT_KEYS = {
    "username", "name", "answered", "missed", "outgoing", "handled", "aht_s", "talk_s",
    "hold_s", "status_s",
}  # fmt: skip


CODE = "hub-test-c0de-5517"


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().startswith("WALLBOARD_") and name.upper() != "VOICENTER_CODE"
    }
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["PYTHONIOENCODING"] = "utf-8"
    env["VOICENTER_CODE"] = CODE
    return env


def start_hub(tmp_path: Path, base_url: str, store: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "wallboard", "hub", "--base-url", base_url,
            "--interval", "0.5", "--store", str(store), *extra,
        ],
        cwd=ROOT,
        env=environment(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def stats(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wallboard", "stats", *args],
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )


def wait_for_counts(tmp_path: Path, store: Path, timeout_s: float = 30.0) -> dict:
    """Poll `stats --json` until the hub has counted some answered calls."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = stats(tmp_path, "--json", "--store", str(store))
        if result.returncode == 0:
            document = json.loads(result.stdout)
            if sum(q["answered"] for q in document["queues"]) >= 3:
                return document
        time.sleep(0.5)
    pytest.fail("the hub counted nothing")


def finish(process: subprocess.Popen[str], signum: int) -> tuple[int, str]:
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=20)
    return process.returncode, stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_the_hub_counts_the_day_and_a_signal_ends_it_cleanly(start_sim, tmp_path, signum):
    sim = start_sim(speed=30.0, code=CODE)
    store = tmp_path / "day.db"
    hub = start_hub(tmp_path, sim.base_url, store, "--status-every", "1")
    try:
        counted = wait_for_counts(tmp_path, store)
    finally:
        code, stderr = finish(hub, signum)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert CODE not in stderr
    lines = stderr.splitlines()
    assert lines[0].startswith("wallboard hub: polling 127.0.0.1:")
    status = [line for line in lines if " polls: " in line]
    assert status, stderr
    assert "today: " in status[-1] and "store: ok" in status[-1]
    assert set(counted) == STATS_KEYS
    assert all(set(q) == QUEUE_KEYS for q in counted["queues"])
    assert all(set(a) == AGENT_KEYS for a in counted["agents"])
    assert len(counted["agents"]) == 40
    # what the hub saved on its way out is all there, and the code is nowhere in it
    final = json.loads(stats(tmp_path, "--json", "--store", str(store)).stdout)
    assert sum(q["answered"] for q in final["queues"]) >= sum(
        q["answered"] for q in counted["queues"]
    )
    for path in tmp_path.iterdir():
        if path.name.startswith("day.db"):
            assert CODE.encode() not in path.read_bytes()


def test_a_second_hub_on_one_store_is_refused_and_a_killed_hub_frees_it(start_sim, tmp_path):
    sim = start_sim(speed=30.0, code=CODE)
    store = tmp_path / "day.db"
    first = start_hub(tmp_path, sim.base_url, store)
    try:
        wait_for_counts(tmp_path, store)
        second = start_hub(tmp_path, sim.base_url, store)
        _, stderr = second.communicate(timeout=30)
        assert second.returncode == 2
        assert stderr.count("\n") == 1, stderr
        assert "is being written by another wallboard process (pid" in stderr
        before = json.loads(stats(tmp_path, "--json", "--store", str(store)).stdout)
    finally:
        first.kill()  # kill -9: no clean-up at all
        first.communicate(timeout=20)
    again = start_hub(tmp_path, sim.base_url, store)
    try:
        time.sleep(2)
        after = wait_for_counts(tmp_path, store)
    finally:
        code, stderr = finish(again, signal.SIGTERM)
    assert code == 0, stderr
    answered = {q["id"]: q["answered"] for q in after["queues"]}
    for queue in before["queues"]:
        assert answered[queue["id"]] >= queue["answered"]


def test_stats_prints_a_readable_table(start_sim, tmp_path):
    sim = start_sim(speed=30.0, code=CODE)
    store = tmp_path / "day.db"
    hub = start_hub(tmp_path, sim.base_url, store)
    try:
        wait_for_counts(tmp_path, store)
    finally:
        finish(hub, signal.SIGTERM)
    result = stats(tmp_path, "--store", str(store))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Day ")
    assert lines[2].split()[:5] == ["Queue", "Waiting", "Answered", "Abandoned", "Aband%"]
    assert any(line.startswith("Agent ") for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "{tmp}/none.db"], "no store at {tmp}/none.db"),
        (["--store", "{tmp}/none.db", "--day", "5 May"], "--day must be YYYY-MM-DD"),
    ],
)
def test_stats_without_a_store_exits_2_with_one_line(tmp_path, args, message):
    result = stats(tmp_path, *[arg.format(tmp=tmp_path) for arg in args])
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "wallboard: " + message.format(tmp=tmp_path) or (
        message.format(tmp=tmp_path) in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_stats_of_a_damaged_store_exits_2_with_one_line(tmp_path):
    store = tmp_path / "bad.db"
    store.write_bytes(b"\x00garbage" * 1000)
    result = stats(tmp_path, "--json", "--store", str(store))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "damaged or not a wallboard store" in result.stderr
