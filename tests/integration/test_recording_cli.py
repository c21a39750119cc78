"""`--record` and `stats --from-recording` as a user runs them: a hub polling a real
simulator on a loopback port for a simulated hour, then the figures recounted from the
recording must be the figures the hub saved."""

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
CODE = "rec-test-c0de-9931"


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


def wallboard(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wallboard", *args],
        cwd=ROOT,
        env=environment(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_simulated_hour_recounted_from_its_recording_gives_the_hubs_figures(start_sim, tmp_path):
    # 120x: a simulated hour in 30 s of polling, every half second, through the real
    # client and poller.
    sim = start_sim(speed=120.0, code=CODE)
    store, record = tmp_path / "day.db", tmp_path / "hour.rec"
    hub = subprocess.Popen(
        [
            sys.executable, "-m", "wallboard", "hub", "--base-url", sim.base_url,
            "--interval", "0.5", "--store", str(store), "--record", str(record),
        ],
        cwd=ROOT,
        env=environment(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        time.sleep(15)
        sim.force("http_500_html", 2)  # failed polls are recorded too
        time.sleep(15)
    finally:
        hub.send_signal(signal.SIGTERM)
        _, stderr = hub.communicate(timeout=30)
    assert hub.returncode == 0, stderr
    assert f"recording every poll to {record}" in stderr
    now = f"{time.time():.3f}"
    live = wallboard(tmp_path, "stats", "--json", "--store", str(store), "--now", now)
    again = wallboard(tmp_path, "stats", "--json", "--from-recording", str(record), "--now", now)
    assert live.returncode == 0, live.stderr
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    saved, recounted = json.loads(live.stdout), json.loads(again.stdout)
    assert sum(q["answered"] for q in saved["queues"]) > 30  # a busy hour, not an empty one
    for key in ("day", "generated_at", "queues", "agents"):
        assert recounted[key] == saved[key], key
    assert [a["text"] for a in recounted["alerts"]] == [a["text"] for a in saved["alerts"]]
    # The recording holds the failures, and never the code.
    from wallboard.sources.recording import RecordedFailure, RecordingReader

    reader = RecordingReader(record)
    failures = [r for r in reader.records() if isinstance(r, RecordedFailure)]
    assert reader.damage is None
    assert failures and all("HTTP 50" in f.message for f in failures)
    assert CODE.encode() not in record.read_bytes()
    assert (
        CODE.encode()
        not in subprocess.run(["zcat", str(record)], capture_output=True, check=True).stdout
    )
    assert (
        b"comet/API"
        not in subprocess.run(["zcat", str(record)], capture_output=True, check=True).stdout
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (None, "no recording at {path}"),
        (b"not gzip at all", "{path} is not a wallboard recording"),
    ],
)
def test_stats_from_a_missing_or_foreign_recording_exits_2_with_one_line(tmp_path, make, message):
    path = tmp_path / "x.rec"
    if make is not None:
        path.write_bytes(make)
    result = wallboard(tmp_path, "stats", "--json", "--from-recording", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"wallboard: {message.format(path=path)}\n"
