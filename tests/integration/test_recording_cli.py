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


def _recording(path: Path, polls: int = 5, version: int | None = None) -> Path:
    """A small recording of the simulator (or only a header of format `version`)."""
    import gzip

    if version is not None:
        header = f'{{"wallboard_recording": {version}, "created_at": 1, "interval_s": 2}}\n'
        path.write_bytes(gzip.compress(header.encode()))
        return path
    from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues
    from wallboard.core.server_clock import ServerClockEstimator
    from wallboard.core.snapshot import build_snapshot
    from wallboard.sim.centre import CallCentre
    from wallboard.sources.recording import RecordingWriter

    start = 1_800_000_000.0
    centre = CallCentre(seed=2, agents=10, queues=2, start=start)
    writer = RecordingWriter(path, interval_s=2.0, max_bytes=1 << 30, keep_days=1)
    estimator, memo = ServerClockEstimator(None), ParseMemo()
    for i in range(polls):
        centre.advance_to(start + 2 * i)
        extensions, skipped = parse_extensions(
            {"ERR": 0, "EXTENSIONS": centre.extensions_payload()}, memo
        )
        queues, _ = parse_queues({"ERR": 0, "QUEUES": centre.queues_payload()}, ParseMemo())
        writer.record_snapshot(
            build_snapshot(
                extensions, queues, skipped, fetched_at=start + 2 * i, latency_s=0.0,
                estimator=estimator,
            )
        )  # fmt: skip
    assert writer.close(10)
    return path


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (None, [], "no recording at {path}"),
        (lambda p: p.write_text("hello\n"), [], "{path} is not a wallboard recording"),
        (
            lambda p: _recording(p, version=7),
            [],
            "{path} is a recording in format 7; this wallboard reads format 1: "
            "upgrade wallboard to replay it",
        ),
        (lambda p: _recording(p, version=1), [], "{path} holds no poll to replay"),
        (
            lambda p: _recording(p),
            ["--from", "25:00"],
            "Invalid value for '--from': '25:00' is not a time of day (HH:MM)",
        ),
        (lambda p: _recording(p), [], "no terminal (stdin is not a TTY)"),
    ],
    ids=["missing", "text", "newer", "empty", "bad-time", "no-terminal"],
)
def test_replay_refuses_what_it_cannot_replay_with_one_clear_line(tmp_path, make, args, message):
    path = tmp_path / "x.rec"
    if make is not None:
        make(path)
    result = wallboard(tmp_path, "replay", str(path), *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert message.format(path=path) in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 3


def test_a_hub_killed_mid_recording_leaves_a_file_that_replays(start_sim, tmp_path):
    sim = start_sim(speed=30.0, code=CODE)
    record = tmp_path / "killed.rec"
    hub = subprocess.Popen(
        [
            sys.executable, "-m", "wallboard", "hub", "--base-url", sim.base_url,
            "--interval", "0.3", "--store", str(tmp_path / "day.db"), "--record", str(record),
        ],
        cwd=ROOT,
        env=environment(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            not record.exists() or record.stat().st_size < 20_000
        ):
            time.sleep(0.1)
    finally:
        hub.kill()  # kill -9: no clean-up at all
        hub.wait(timeout=20)
    from wallboard.sources.recording import RecordingReader

    reader = RecordingReader(record)
    polls = list(reader.records())
    assert len(polls) >= 3
    # At most the record being written is lost, and only at the very end.
    if reader.damage is not None:
        assert reader.damage.reason == "cut short"
        assert reader.damage.record == len(polls) + 1
    again = wallboard(tmp_path, "stats", "--json", "--from-recording", str(record))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["agents"]
