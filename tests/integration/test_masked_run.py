"""A masked centre, end to end: the hub's log, the alert command's JSON, `stats --mask` and
`snapshot --json --mask` hold no caller number in full (real processes, a real simulator)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_hub_cli import CODE, ROOT, environment, finish, start_hub, stats, wait_for_counts

# The simulator's callers: 05X-XXXXXXX, and 9725X... in recording file names.
FULL_NUMBER = re.compile(r"(?<![\d•])(?:05\d{8}|9725\d{8})(?!\d)")


def run_wallboard(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wallboard", *args],
        cwd=ROOT,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_masked_run_prints_no_full_caller_number_anywhere(start_sim, tmp_path):
    sim = start_sim(speed=30.0, code=CODE)
    sent = tmp_path / "alerts.jsonl"
    config = tmp_path / "config.toml"
    keeper = f"import sys; open({str(sent)!r}, 'a').write(sys.stdin.read() + '\\n')"
    config.write_text(
        'mask_callers = "always"\nrecording_required = true\n'
        f'[alerts]\ncommand = [{json.dumps(sys.executable)}, "-c", {json.dumps(keeper)}]\n',
        encoding="utf-8",
    )
    # Unmasked, the same centre is full of numbers: the pattern finds them (it can fail).
    plain_snapshot = run_wallboard(
        tmp_path, "snapshot", "--json", "--base-url", sim.base_url, "--config", str(config)
    )
    assert plain_snapshot.returncode == 0, plain_snapshot.stderr
    assert FULL_NUMBER.search(plain_snapshot.stdout)

    store = tmp_path / "day.db"
    hub = start_hub(tmp_path, sim.base_url, store, "--config", str(config))
    try:
        wait_for_counts(tmp_path, store)
        deadline = time.monotonic() + 20
        while not sent.exists() and time.monotonic() < deadline:
            time.sleep(0.2)  # an unrecorded call raises an alert within seconds
    finally:
        code, hub_log = finish(hub, signal.SIGTERM)
    assert code == 0, hub_log
    outputs = {"hub log": hub_log}
    assert sent.exists(), "no alert reached the command"
    outputs["alert command"] = sent.read_text(encoding="utf-8")
    assert "not recorded" in outputs["alert command"]
    for args in (["--json"], []):
        result = stats(tmp_path, "--store", str(store), "--mask", *args)
        assert result.returncode == 0, result.stderr
        outputs[f"stats {args}"] = result.stdout + result.stderr
    masked = run_wallboard(
        tmp_path, "snapshot", "--json", "--mask", "--base-url", sim.base_url, "--config",
        str(config),
    )  # fmt: skip
    assert masked.returncode == 0, masked.stderr
    outputs["snapshot --json --mask"] = masked.stdout + masked.stderr
    assert "•" in outputs["snapshot --json --mask"]
    for where, text in outputs.items():
        found = FULL_NUMBER.findall(text)
        assert not found, f"{where} shows {found[:3]}"
