"""The benchmark's load from a recording: the recorded polls, in their rhythm, with their
epochs moved to now, through the real client; and the harness measuring a board on it."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.recording_server import RecordedLoad, create_app  # noqa: E402
from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues  # noqa: E402
from wallboard.core.server_clock import ServerClockEstimator  # noqa: E402
from wallboard.core.snapshot import build_snapshot  # noqa: E402
from wallboard.sim.centre import CallCentre  # noqa: E402
from wallboard.sources.recording import RecordingWriter  # noqa: E402

START = 1_800_000_000.0
INTERVAL = 2.0


def make_recording(path: Path, polls: int, agents: int = 60) -> list:
    centre = CallCentre(seed=6, agents=agents, queues=3, start=START)
    writer = RecordingWriter(path, interval_s=INTERVAL, max_bytes=1 << 30, keep_days=1)
    estimator, memo, queue_memo = ServerClockEstimator(None), ParseMemo(), ParseMemo()
    made = []
    for i in range(polls):
        at = START + INTERVAL * i
        centre.advance_to(at)
        extensions, skipped = parse_extensions(
            {"ERR": 0, "EXTENSIONS": centre.extensions_payload()}, memo
        )
        queues, _ = parse_queues({"ERR": 0, "QUEUES": centre.queues_payload()}, queue_memo)
        snap = build_snapshot(
            extensions, queues, skipped, fetched_at=at, latency_s=0.0, estimator=estimator
        )
        made.append(snap)
        writer.record_snapshot(snap)
        while writer._queue.qsize() > 32:
            time.sleep(0.001)
    assert writer.close(30)
    return made


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_recorded_polls_come_in_their_rhythm_moved_to_now_and_start_again(tmp_path):
    polls = make_recording(tmp_path / "load.rec", 10)
    clock = Clock(5_000_000.0)
    load = RecordedLoad(tmp_path / "load.rec", clock)
    shift = clock.now - START

    def served() -> tuple[dict, dict]:
        answers = load.answers()
        assert answers is not None
        return json.loads(answers[0]), json.loads(answers[1])

    def joins(queues: dict) -> list[int]:
        return sorted(c["JoinTime"] for q in queues["QUEUES"] for c in q["Callers"])

    for i in (0, 3, 9):
        clock.now = START + shift + INTERVAL * i + 0.5
        extensions, queues = served()
        assert len(extensions["EXTENSIONS"]) == 60
        want = sorted(c.join_time + round(shift) for q in polls[i].queues for c in q.callers)
        assert joins(queues) == want
    # After the last poll the recording starts again, moved on by its length.
    clock.now = START + shift + INTERVAL * 10 + 0.5
    _, queues = served()
    length = INTERVAL * 10
    again = sorted(c.join_time + round(shift + length) for q in polls[0].queues for c in q.callers)
    assert joins(queues) == again


async def test_the_real_client_reads_the_recorded_load(tmp_path):
    import httpx

    from wallboard.api.client import ActiveCallsClient

    make_recording(tmp_path / "load.rec", 3)
    app = create_app(tmp_path / "load.rec", "bench-code")
    client = ActiveCallsClient(
        base_url="http://rec/comet/API", code="bench-code", transport=httpx.ASGITransport(app=app)
    )
    try:
        answers = await client.fetch()
    finally:
        await client.aclose()
    assert len(answers.extensions) == 60 and len(answers.queues) == 3
    assert not answers.skipped


def test_the_harness_measures_a_board_on_a_recording(tmp_path):
    pytest.importorskip("pyte")
    from bench.run import main

    make_recording(tmp_path / "load.rec", 60, agents=100)
    out = tmp_path / "rec.json"
    assert main(["--recording", str(tmp_path / "load.rec"), "--warmup", "4", "--window", "5",
                 "--quiet-below", "99", "--out", str(out)]) == 0  # fmt: skip
    report = json.loads(out.read_text())
    (result,) = report["scenarios"]
    assert result["scenario"] == "recording" and result["extensions"] == 100
    assert "recording_server" in report["load"]
    assert result["checks"]["board_alive_at_end"]
    assert result["checks"]["data_on_screen"]
    assert result["polls_answered"] >= 1
