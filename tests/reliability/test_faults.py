"""Every fault the service and the network can throw, against the real app and the simulator.

For each fault kind the real `WallboardApp` (headless, `run_test`, polling) reads the
simulator, in-process through `httpx.ASGITransport` and, for the socket-level faults, over a
real uvicorn port on 127.0.0.1. The fault is switched on until the board shows STALE, then
off until it is live again (`reliability_support.run_fault_scenario`). The scenarios run in
worker processes (`fault_matrix.run_matrix`) so one board's work never delays another's
timers; the tests below check what each one saw.

Set `WALLBOARD_FAULT_MATRIX_OUT=path.md` to keep the measured table (docs/RELIABILITY.md).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from pathlib import Path

import pytest
from fault_matrix import ALL_KINDS, SOCKET_KINDS, run_matrix
from reliability_support import (
    EXPECTED_KIND,
    EXPECTED_MESSAGE,
    FaultRun,
    LoopProbe,
    ObservedApp,
    fault_matrix,
    make_sim,
    make_source,
    nominal_delay,
    region_lines,
    run_board,
    wait_until,
)

from wallboard.api.errors import AuthorizationError, PollError, TransportError
from wallboard.core.backoff import MAX_BACKOFF_S
from wallboard.core.clock import FakeClock, SystemClock
from wallboard.core.health import STALE_INTERVALS
from wallboard.core.snapshot import Snapshot
from wallboard.sim.faults import FaultKind
from wallboard.sources.poller import Poller
from wallboard.ui.app import BoardOptions
from wallboard.ui.widgets.health_line import HealthLine

INTERVAL_S = 0.3
CONNECT_S = 0.5
READ_S = 0.5
DEADLINE_S = CONNECT_S + 2 * READ_S  # the client's whole-request deadline
TICK_S = 1.0  # the app re-evaluates staleness on its 1 Hz tick
SLACK_S = 1.0  # scheduling slack: the scenarios share a small machine
JOBS = 4  # worker processes for the scenarios

CASES = [(kind, "asgi") for kind in ALL_KINDS] + [(kind, "uvicorn") for kind in SOCKET_KINDS]
ERROR_CASES = [
    case for case in CASES if case[0] not in ("slow", "empty_extensions", "schema_drift")
]


def _case_id(case: tuple[str, str]) -> str:
    return f"{case[0]}@{case[1]}"


@pytest.fixture(scope="module")
def matrix() -> dict[tuple[str, str], FaultRun]:
    runs = run_matrix(
        CASES,
        interval_s=INTERVAL_S,
        connect_timeout_s=CONNECT_S,
        read_timeout_s=READ_S,
        jobs=JOBS,
    )
    table = fault_matrix(runs)
    print("\n" + table)
    target = os.environ.get("WALLBOARD_FAULT_MATRIX_OUT")
    if target:
        Path(target).write_text(table, encoding="utf-8")
    return {(run.kind, run.via): run for run in runs}


def _flat(lines: list[str]) -> str:
    """Screen text with borders and line breaks gone, so wrapped banners read as one line."""
    text = re.sub(r"[│┃║╭╮╰╯┏┓┗┛━─▁▂▃▄▅▆▇█▏]", " ", "\n".join(lines))
    return re.sub(r"\s+", " ", text)


# --- every fault that makes a poll fail ---------------------------------------------------
@pytest.mark.parametrize("case", ERROR_CASES, ids=_case_id)
def test_failing_poll_keeps_picture_goes_stale_backs_off_and_recovers(
    matrix: dict[tuple[str, str], FaultRun], case: tuple[str, str]
) -> None:
    run = matrix[case]
    kind = FaultKind(case[0])
    assert not run.problems, run.problems

    # The last good picture is kept: the same agents, the same tiles.
    assert run.agents_before > 0
    assert set(run.agents_during) == {run.agents_before}
    assert run.grid_during == run.grid_before

    # The health line names what went wrong.
    assert run.error_kind == EXPECTED_KIND[kind]
    assert any(fragment in (run.error_message or "") for fragment in EXPECTED_MESSAGE[kind])
    assert f"⚠ {run.error_kind}: " in run.health_at_off
    assert any(fragment in run.health_at_off for fragment in EXPECTED_MESSAGE[kind])

    # STALE once the data is older than 3 intervals: not before, and within a tick after.
    threshold = STALE_INTERVALS * INTERVAL_S
    assert run.stale_after_last_good_s is not None, "never showed STALE"
    assert run.stale_after_last_good_s > threshold
    assert run.stale_after_last_good_s <= threshold + TICK_S + SLACK_S
    screen = _flat(run.screen_during)
    assert "STALE" in screen
    if kind is not FaultKind.HANG:  # a hang is STALE before it has failed: see below
        assert any(fragment in screen for fragment in EXPECTED_MESSAGE[kind]), screen

    # Retries back off: each delay within the jittered band of its nominal, bounded by 60 s,
    # and the poller really waits that long before the next try.
    assert run.failures, "no failure reported"
    for number, event in enumerate(run.failures, start=1):
        assert event.failures == number
        nominal = nominal_delay(number, INTERVAL_S, auth=kind is FaultKind.ERR_1)
        assert nominal / 2 - 1e-6 <= event.retry_in_s <= nominal + 1e-6
        assert event.retry_in_s <= (300 if kind is FaultKind.ERR_1 else MAX_BACKOFF_S)
    for before, after in zip(run.failures, run.failures[1:], strict=False):
        assert after.at - before.at >= before.retry_in_s - 0.05
    assert run.poller_failures_max == len(run.failures)

    # The first success returns to normal: live, error cleared, failure count reset.
    assert run.recovered, run.health_after
    assert not run.stale_after_recovery
    assert "⚠" not in run.health_after
    assert "failures in a row" not in run.health_after
    assert run.poller_failures_after == 0
    if not run.recover_manual:
        assert run.recover_s is not None and run.retry_scheduled_s is not None
        # Not before the retry was due, and soon after it (a hang in flight may end first).
        assert run.recover_s >= run.retry_scheduled_s - 0.05
        next_nominal = nominal_delay(len(run.failures) + 1, INTERVAL_S, auth=False)
        bound = max(run.retry_scheduled_s, 0) + INTERVAL_S + SLACK_S
        if kind is FaultKind.HANG:
            bound += DEADLINE_S + next_nominal
        assert run.recover_s <= bound
        assert len(run.failures_after_off) <= (1 if kind is FaultKind.HANG else 0)


def test_authorization_failure_says_check_the_code_and_backs_off_hard(
    matrix: dict[tuple[str, str], FaultRun],
) -> None:
    run = matrix[("err_1", "asgi")]
    assert run.error_kind == "auth"
    assert "check the code" in run.health_at_off
    assert "Authorized IPs" in run.health_at_off
    # The STALE banner carries the whole hint, wrapped if need be.
    assert "check the code" in _flat(run.screen_during)
    assert "Authorized IPs" in _flat(run.screen_during)
    # Hard backoff: nominal 30 s at least, so never sooner than 15 s (equal jitter).
    assert len(run.failures) == 1
    assert nominal_delay(1, INTERVAL_S, auth=True) >= 30
    assert 15 <= run.failures[0].retry_in_s <= 30
    # Pressing r polls at once, and the first success clears everything.
    assert run.recover_manual and run.recovered
    assert run.recover_s is not None and run.recover_s < 3


@pytest.mark.parametrize("via", ["asgi", "uvicorn"])
def test_a_hanging_request_never_freezes_the_board(
    matrix: dict[tuple[str, str], FaultRun], via: str
) -> None:
    run = matrix[("hang", via)]
    # Timers kept ticking at 1 Hz through the hang, and the loop answered promptly.
    assert run.ticks_during_fault >= max(1, int(run.fault_window_s) - 1)
    assert run.max_loop_lag_s < 0.5
    assert run.stale_after_fault_s is not None
    assert run.first_failure_after_fault_s is not None
    if via == "asgi":
        # In-process only the whole-request deadline (1.5 s) ends a hang: STALE (0.9 s)
        # showed while the first hung request was still waiting.
        assert run.stale_after_fault_s < run.first_failure_after_fault_s
        assert run.first_failure_after_fault_s <= INTERVAL_S + DEADLINE_S + SLACK_S
    else:
        # Over a socket the read timeout (0.5 s) ends it first.
        assert run.first_failure_after_fault_s <= INTERVAL_S + READ_S + SLACK_S


# --- faults that do not fail the poll -----------------------------------------------------
def test_slow_answers_are_shown_as_latency_not_as_errors(
    matrix: dict[tuple[str, str], FaultRun],
) -> None:
    run = matrix[("slow", "asgi")]
    assert not run.problems, run.problems
    assert run.error_kind is None and not run.failures
    assert run.stale_after_fault_s is None, "a slow but steady feed was marked STALE"
    assert run.latency_ms_during is not None and run.latency_ms_during >= 0.9 * 450
    assert re.search(r"poll [4-9]\d\d ms", run.health_at_off), run.health_at_off
    assert set(run.agents_during) == {run.agents_before}
    assert run.recovered


def test_empty_extensions_keep_the_agents_and_say_it_is_suspicious(
    matrix: dict[tuple[str, str], FaultRun],
) -> None:
    run = matrix[("empty_extensions", "asgi")]
    assert not run.problems, run.problems
    assert run.error_kind is None
    assert set(run.agents_during) == {run.agents_before}
    assert run.grid_during == run.grid_before
    assert run.suspicious is not None and f"had {run.agents_before}" in run.suspicious
    assert "⚠ suspicious" in run.health_at_off
    screen = _flat(run.screen_during)
    assert "STALE" in screen and "no extensions" in screen
    # Marked at once, on the first empty answer.
    assert run.stale_after_fault_s is not None
    assert run.stale_after_fault_s <= INTERVAL_S + SLACK_S
    assert run.recovered and "suspicious" not in run.health_after


def test_schema_drift_keeps_good_items_and_counts_the_skipped(
    matrix: dict[tuple[str, str], FaultRun],
) -> None:
    run = matrix[("schema_drift", "asgi")]
    assert not run.problems, run.problems
    assert run.error_kind is None and not run.failures
    assert run.stale_after_fault_s is None
    # The drift removes one extension's SIP id (it cannot be keyed): the rest survive.
    assert min(run.agents_during) >= run.agents_before - 1
    assert run.skipped_shown >= 1
    assert "malformed item(s) skipped" in run.health_at_off
    assert run.recovered and "skipped" not in run.health_after


# --- the backoff rule itself, over many failures ------------------------------------------
class _ScriptedSource:
    name = "scripted"

    def __init__(self, script: list[PollError | Exception | None], snapshot: Snapshot) -> None:
        self.script = script
        self.snapshot = snapshot

    async def fetch(self) -> Snapshot:
        step = self.script.pop(0)
        if step is not None:
            raise step
        return self.snapshot


async def test_poller_backoff_is_bounded_and_the_first_success_resets_it() -> None:
    clock = FakeClock()
    snapshot = Snapshot(extensions=(), queues=(), fetched_at=clock.now(), clock_offset_s=0.0)
    script: list[PollError | Exception | None] = [TransportError("down")] * 40
    script += [RuntimeError("a bug")] + [None] + [AuthorizationError("no")] * 12 + [None]
    source = _ScriptedSource(script, snapshot)
    failures: list[tuple[PollError, float]] = []
    snapshots: list[Snapshot] = []
    poller = Poller(
        source,
        clock,
        interval_s=5.0,
        on_snapshot=snapshots.append,
        on_failure=lambda error, delay: failures.append((error, delay)),
        rng=random.Random(4),
    )
    delays = [await poller.poll_once() for _ in range(40)]
    assert poller.failures == 40
    for number, delay in enumerate(delays, start=1):
        nominal = nominal_delay(number, 5.0, auth=False)
        assert nominal / 2 <= delay <= nominal <= MAX_BACKOFF_S
    assert max(delays) > MAX_BACKOFF_S / 2  # it does reach the cap
    # A bug in the source is a failure like any other; the loop carries on.
    bug_delay = await poller.poll_once()
    assert failures[-1][0].kind == "protocol" and "RuntimeError" in failures[-1][0].message
    assert bug_delay <= MAX_BACKOFF_S
    assert await poller.poll_once() == pytest.approx(5.0)
    assert poller.failures == 0 and len(snapshots) == 1
    auth = [await poller.poll_once() for _ in range(12)]
    assert all(15 <= delay <= 300 for delay in auth)
    assert max(auth) > 150
    assert await poller.poll_once() == pytest.approx(5.0)
    assert poller.failures == 0


async def test_a_first_authorization_failure_after_an_outage_backs_off_15_to_30_s() -> None:
    clock = FakeClock()
    snapshot = Snapshot(extensions=(), queues=(), fetched_at=clock.now(), clock_offset_s=0.0)
    script: list[PollError | Exception | None] = [TransportError("down")] * 5
    script.append(AuthorizationError("refused"))
    poller = Poller(
        _ScriptedSource(script, snapshot),
        clock,
        interval_s=5.0,
        on_snapshot=lambda _snapshot: None,
        on_failure=lambda _error, _delay: None,
        rng=random.Random(9),
    )
    for _ in range(5):
        assert await poller.poll_once() <= MAX_BACKOFF_S
    assert 15 <= await poller.poll_once() <= 30


# --- responsiveness during a hang, measured in this process --------------------------------
async def test_keys_are_answered_while_a_request_hangs() -> None:
    switch = make_sim()
    source = make_source(switch, connect_timeout_s=1.0, read_timeout_s=1.0)  # 3 s deadline
    app = ObservedApp(source, SystemClock(), BoardOptions(interval_s=INTERVAL_S))
    async with run_board(app, (120, 40)) as pilot:
        assert await wait_until(app.has_data, 10)
        agents = len(app.board.agents)
        switch.on(FaultKind.HANG)
        asked = switch.count
        assert await wait_until(lambda: switch.count > asked, 5)  # a request now hangs
        probe = LoopProbe()
        probe.start()
        ticks = len(app.tick_times)
        sort_before = app.sort
        began = time.perf_counter()
        await pilot.press("s")
        answered = await wait_until(lambda: app.sort != sort_before, 1.0, step=0.005)
        key_latency = time.perf_counter() - began
        assert await wait_until(app.shows_stale, 3)
        await asyncio.sleep(1.2)
        lag = await probe.stop()
        still_hanging = not [e for e in app.events if e.what == "failure"]
        switch.off()
        window = time.perf_counter() - began
        print(
            f"during a hang: key answered in {key_latency * 1000:.0f} ms, max loop lag "
            f"{lag * 1000:.0f} ms, {len(app.tick_times) - ticks} ticks in {window:.1f} s"
        )
        assert answered and key_latency < 0.3
        assert len(app.tick_times) - ticks >= 2
        assert lag < 0.25
        assert still_hanging, "the request should still have been hanging"
        assert len(app.board.agents) == agents


# --- what an 80-column terminal shows on the first failure --------------------------------
async def test_health_line_names_the_error_at_80_columns() -> None:
    """With the production base URL as source, the first failure is named at once (before
    STALE), even at 80 columns: the error comes first on the health line."""
    switch = make_sim()
    source = make_source(switch, name="https://monapisec.voicenter.co.il/comet/API")
    app = ObservedApp(source, SystemClock(), BoardOptions(interval_s=INTERVAL_S))
    async with run_board(app, (80, 24)) as pilot:
        assert await wait_until(app.has_data, 10)
        switch.on(FaultKind.ERR_1)
        assert await wait_until(lambda: app.health.error is not None, 5)
        await pilot.pause()
        line = " ".join(region_lines(app, HealthLine, content=False))
        stale = app.shows_stale()
        switch.off()
    assert not stale
    assert "⚠ auth: authorization failed" in line and "check the code" in line, line
