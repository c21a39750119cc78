"""Smoke test of the benchmark harness: it runs, and its numbers are sane (not the targets)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

pyte = pytest.importorskip("pyte")

from bench import floor  # noqa: E402
from bench.run import main  # noqa: E402
from bench.sim_server import AnswerLog  # noqa: E402


def test_floor_of_one_changed_run() -> None:
    """Two screens that differ in four adjacent cells cost one run: move, SGR, text."""
    before = pyte.Screen(20, 2)
    after = pyte.Screen(20, 2)
    pyte.ByteStream(before).feed(b"agent 0:07")
    pyte.ByteStream(after).feed(b"agent 0:08\x1b[1;5H\x1b[31mX")
    cost = floor.frame_floor(floor.grab(before), floor.grab(after))
    assert cost.changed_cells == 2  # the 8, and the red X on row 2
    assert cost.runs == 2
    # Run 1: move (6) + CSI m (3) + "8" (1); run 2: move (6) + CSI 0;31m (7) + "X" (1).
    assert cost.floor_bytes == 6 + 3 + 1 + 6 + 7 + 1


def test_the_tick_checks_count_running_timers_and_leave_other_figures_out() -> None:
    """A timer ticking each second; one that stalls, then jumps, every fifth second; a
    still "ASA 0:14"; a time of day moving in steps of a 2 s poll (the ticker's)."""
    late = [0, 1, 2, 3, 3, 5, 6, 7, 8, 8, 10, 11, 12]
    chunks = []
    for second in range(12):
        line = (
            f"t 0:{10 + second:02d} s 0:{30 + late[second]:02d} ASA 0:14 "
            f"21:02:{40 + second - second % 2:02d}"
        )
        chunks.append((100.0 + second + 0.5, f"\x1b[H{line}".encode()))
    report = floor.analyse(chunks, 100.0, 111.0, cols=40, rows=2)
    pairs = report.frames - 1  # one reading a frame: a pair for each frame but the first
    assert report.timers_seen == 2 * pairs  # t and s; not the ASA, not the time of day
    assert report.timers_ticked < report.timers_seen  # s stood still now and then
    assert report.timer_stall_jumps >= 1
    assert report.stall_jump_share is not None and report.stall_jump_share > 0.05


def test_sgr_lengths() -> None:
    default = ("default", "default", False, False, False, False, False, False)
    red_bold = ("red", "default", True, False, False, False, False, False)
    palette = ("ffaf00", "000000", False, False, False, False, False, False)  # 214 on 16
    assert floor.absolute_sgr(default) == 3
    assert floor.absolute_sgr(red_bold) == len("\x1b[0;31;1m")
    assert floor.absolute_sgr(palette) == len("\x1b[0;38;5;214;40m")
    assert floor.transition_sgr(red_bold, red_bold) == 0
    assert floor.transition_sgr(default, red_bold) == len("\x1b[31;1m")


async def test_the_load_is_the_simulator_and_each_answer_is_logged() -> None:
    import io

    import httpx

    from wallboard.api.client import ActiveCallsClient
    from wallboard.sim.server import create_app

    log = io.StringIO()
    app = AnswerLog(create_app(code="bench", agents=50, queues=4), log)
    client = ActiveCallsClient(
        base_url="http://sim/comet/API", code="bench", transport=httpx.ASGITransport(app=app)
    )
    try:
        answers = await client.fetch()
    finally:
        await client.aclose()
    records = [json.loads(line) for line in log.getvalue().splitlines()]
    assert sorted(r["endpoint"] for r in records) == ["GetExtensionsCalls", "GetQueuesCallers"]
    assert all(r["bytes"] > 0 and r["t"] > 0 for r in records)
    (queues,) = [r for r in records if r["endpoint"] == "GetQueuesCallers"]
    assert queues["waiting"] == sum(len(q.callers) for q in answers.queues)
    assert len(answers.extensions) == 50


def test_quick_run_gives_sane_numbers(tmp_path: Path) -> None:
    """The whole harness end to end on a small centre: every figure present and plausible."""
    out = tmp_path / "quick.json"
    assert main(["--quick", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    (result,) = report["scenarios"]
    assert result["checks"]["board_alive_at_end"]
    assert result["checks"]["data_on_screen"]
    assert 0 < result["cpu_percent"] < 200
    assert 20 < result["rss_mb"] < 1000
    assert result["bytes_per_s"] > 0 and result["floor_bytes_per_s"] > 0
    # The floor charges a cursor move for every run of changed cells; re-sending the few
    # unchanged cells between two near runs is cheaper, so a frugal renderer can come in
    # just under it. Far under would mean written bytes went uncounted.
    assert result["ratio_to_floor"] >= 0.8
    assert result["rts_samples"] >= 1 and result["rts_median_ms"] > 0
    assert result["polls_answered"] >= 1
    assert result["screen"]["timer_tick_share"] > 0.5
    (first_picture,) = report["demo_first_picture_s"]["tiles"]
    assert first_picture is not None and 0 < first_picture < 15
