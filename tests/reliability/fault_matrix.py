"""Measure the fault matrix: for each fault kind, what the board shows and how long it takes.

Each scenario runs the real `WallboardApp` (headless, `run_test`) polling the simulator,
switches one fault on until the board shows STALE (or, for faults that should not make the
board stale, long enough that it would have), switches it off, and times the recovery.
See `reliability_support.run_fault_scenario`.

    python tests/reliability/fault_matrix.py                      # the test settings
    python tests/reliability/fault_matrix.py --interval 2 --connect-timeout 5 \\
        --read-timeout 10 --jobs 5 --markdown docs-table.md       # the demo's cadence

Scenarios run in separate processes (`--jobs`), so that one board's work never delays
another's timers. `tests/reliability/test_faults.py` runs this at the test settings and
checks the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reliability_support import FaultRun, fault_matrix, run_fault_scenario  # noqa: E402

ALL_KINDS = (
    "http_500_html",
    "hang",
    "reset",
    "truncated_json",
    "err_2",
    "err_1",
    "slow",
    "empty_extensions",
    "schema_drift",
    "server_down",
)
SOCKET_KINDS = ("reset", "server_down", "hang")


def run_matrix(
    cases: list[tuple[str, str]],
    *,
    interval_s: float = 0.3,
    connect_timeout_s: float = 0.5,
    read_timeout_s: float = 0.5,
    jobs: int = 4,
    manual_refresh_auth: bool = True,
    timeout_s: float = 600.0,
) -> list[FaultRun]:
    """Run `(kind, via)` cases in `jobs` worker processes; results in the order given."""
    jobs = max(1, min(jobs, len(cases)))
    shares: list[list[tuple[str, str]]] = [cases[i::jobs] for i in range(jobs)]
    workers = []
    for share in shares:
        args = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--cases",
            ",".join(f"{kind}@{via}" for kind, via in share),
            "--interval",
            str(interval_s),
            "--connect-timeout",
            str(connect_timeout_s),
            "--read-timeout",
            str(read_timeout_s),
        ]
        if not manual_refresh_auth:
            args.append("--wait-auth")
        workers.append(
            subprocess.Popen(
                args,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        )
    found: dict[tuple[str, str], FaultRun] = {}
    for worker in workers:
        out, err = worker.communicate(timeout=timeout_s)
        if worker.returncode != 0:
            raise RuntimeError(f"fault worker failed ({worker.returncode}):\n{err[-4000:]}")
        for item in json.loads(out):
            run = FaultRun.from_json(item)
            found[(run.kind, run.via)] = run
    return [found[case] for case in cases]


async def _worker(cases: list[tuple[str, str]], options: argparse.Namespace) -> list[Any]:
    results = []
    for kind, via in cases:
        run = await run_fault_scenario(
            kind,
            via=via,
            interval_s=options.interval,
            connect_timeout_s=options.connect_timeout,
            read_timeout_s=options.read_timeout,
            manual_refresh_auth=not options.wait_auth,
        )
        results.append(run.to_json())
    return results


def _parse_cases(text: str) -> list[tuple[str, str]]:
    cases = []
    for item in text.split(","):
        kind, _, via = item.partition("@")
        cases.append((kind, via or "asgi"))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=0.3, help="poll interval, s")
    parser.add_argument("--connect-timeout", type=float, default=0.5)
    parser.add_argument("--read-timeout", type=float, default=0.5)
    parser.add_argument("--jobs", type=int, default=4, help="worker processes")
    parser.add_argument(
        "--cases",
        help="kind@via,... (via: asgi or uvicorn); default every kind in-process and "
        "the socket kinds over uvicorn",
    )
    parser.add_argument(
        "--wait-auth",
        action="store_true",
        help="after ERR 1, wait for the automatic retry (15-30 s) instead of pressing r",
    )
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--markdown", type=Path, help="write the table here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.cases:
        cases = _parse_cases(options.cases)
    else:
        cases = [(kind, "asgi") for kind in ALL_KINDS] + [
            (kind, "uvicorn") for kind in SOCKET_KINDS
        ]
    if options.worker:
        print(json.dumps(asyncio.run(_worker(cases, options))))
        return
    runs = run_matrix(
        cases,
        interval_s=options.interval,
        connect_timeout_s=options.connect_timeout,
        read_timeout_s=options.read_timeout,
        jobs=options.jobs,
        manual_refresh_auth=not options.wait_auth,
    )
    table = fault_matrix(runs)
    settings = (
        f"poll interval {options.interval:g} s, connect timeout {options.connect_timeout:g} s, "
        f"read timeout {options.read_timeout:g} s (STALE after {3 * options.interval:g} s)"
    )
    print(settings)
    print(table)
    for run in runs:
        if run.problems:
            print(f"PROBLEMS in {run.kind}@{run.via}: {run.problems}")
    if options.json:
        options.json.write_text(json.dumps([run.to_json() for run in runs], indent=1))
    if options.markdown:
        options.markdown.write_text(settings + "\n\n" + table)


if __name__ == "__main__":
    main()
