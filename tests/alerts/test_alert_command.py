"""The user's alert command: argv (no shell), the alert as JSON on stdin, a timeout, and
never a blocked or crashed caller."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from wallboard.core.alerts import Alert, Level
from wallboard.hub.notify_command import MAX_RUNNING, CommandNotifier

T0 = 1_800_000_000.0


def alert(text: str = "Support: a caller has waited 3:12") -> Alert:
    return Alert("queue:7:wait", Level.ALERT, "queue", "Support", "7", text, T0, T0)


def script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "notify.py"
    path.write_text(body, encoding="utf-8")
    return [sys.executable, str(path)]


async def settle(notifier: CommandNotifier, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while notifier._running and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def test_the_command_gets_the_alert_as_json_on_stdin(tmp_path):
    out = tmp_path / "got.json"
    argv = script(
        tmp_path,
        f"import sys, pathlib; pathlib.Path({str(out)!r}).write_bytes(sys.stdin.buffer.read())",
    )
    logged: list[str] = []
    notifier = CommandNotifier([*argv], timeout_s=10, log=logged.append)
    hostile = "Dana \x1b]9;x\x07 [b]; rm -rf / $(id) `id` ליאור 😀 \U000e0067"
    notifier.notify(alert(hostile))
    await settle(notifier)
    raw = out.read_bytes()
    assert raw.isascii()  # every non-ASCII character escaped: nothing for a terminal to eat
    assert b"\x1b" not in raw and b"\x07" not in raw
    document = json.loads(raw)
    assert document["alert"]["text"] == hostile  # and still exactly the alert's text
    assert document["alert"]["key"] == "queue:7:wait"
    assert document["alert"]["level"] == "alert"
    assert logged == []


async def test_a_hanging_command_is_stopped_and_blocks_nothing(tmp_path):
    argv = script(tmp_path, "import time\ntime.sleep(60)\n")
    logged: list[str] = []
    notifier = CommandNotifier(argv, timeout_s=0.5, log=logged.append)
    began = time.monotonic()
    notifier.notify(alert())
    assert time.monotonic() - began < 0.2  # returns at once
    ticks = 0
    while notifier._running and ticks < 200:  # the loop keeps running meanwhile
        await asyncio.sleep(0.02)
        ticks += 1
    assert ticks >= 10
    assert len(logged) == 1 and "took over 0.5s and was stopped" in logged[0]


async def test_a_failing_or_missing_command_is_reported_in_one_line(tmp_path):
    logged: list[str] = []
    failing = CommandNotifier(
        script(tmp_path, "import sys\nprint('no route to pager', file=sys.stderr)\nsys.exit(3)"),
        timeout_s=10,
        log=logged.append,
    )
    failing.notify(alert())
    await settle(failing)
    missing = CommandNotifier([str(tmp_path / "nope")], timeout_s=10, log=logged.append)
    missing.notify(alert())
    await settle(missing)
    assert logged[0].endswith("failed (exit 3): no route to pager")
    assert "could not start" in logged[1]


async def test_a_storm_runs_a_bounded_number_at_once(tmp_path):
    logged: list[str] = []
    notifier = CommandNotifier(
        script(tmp_path, "import time\ntime.sleep(0.5)"), timeout_s=10, log=logged.append
    )
    for _ in range(MAX_RUNNING + 3):
        notifier.notify(alert())
    assert len(notifier._running) == MAX_RUNNING
    assert len(logged) == 3
    await notifier.aclose()
    assert not notifier._running
