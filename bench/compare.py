"""Measure a candidate change against the working tree, interleaved, before anyone lands it.

    python -m bench.compare --candidate /tmp/copy [--candidate …] [--scenario tiles]
                            [--rounds 3] [--window 20]

A candidate is a directory holding a modified copy of the `wallboard` package (and the
`themes` directory beside it, which the package finds by relative path). The working
tree and each candidate run in turn, round after round, so that the load other processes
put on the (shared) machine falls on all of them alike; the table shows each variant's
medians over the rounds.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
from pathlib import Path
from typing import Any

from bench.run import MAIN, Scenario, run_scenario, scaled, wait_for_quiet

FIELDS = [
    ("cpu_percent", "CPU %"),
    ("quiet_cpu", "CPU % quiet 10s"),
    ("bytes_per_s", "bytes/s"),
    ("ratio_to_floor", "× floor"),
    ("rts_median_ms", "rts med"),
    ("rts_p95_ms", "rts p95"),
    ("rss_mb", "RSS MB"),
    ("timer_tick_share", "ticks"),
    ("timer_stall_jump_share", "stall-jumps"),
    ("background_cores", "others' load"),
]


def _value(result: dict[str, Any], key: str) -> float | None:
    if key == "quiet_cpu":
        quiet = result.get("cpu_quietest_10s")
        return quiet["cpu_percent"] if quiet else None
    if key.startswith("timer_"):
        return result["screen"].get(key)
    value = result.get(key)
    return float(value) if value is not None else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidate", action="append", default=[], type=Path)
    parser.add_argument("--scenario", default="tiles", help="tiles, compact, detail or tiles-N")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--quiet-below", type=float, default=0.5)
    parser.add_argument("--out", type=Path, help="also write every run's figures here (JSON)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up the children

    known: dict[str, Scenario] = {s.name: s for s in MAIN}
    name = args.scenario
    scenario = known.get(name) or (scaled(int(name[6:])) if name.startswith("tiles-") else None)
    if scenario is None:
        parser.error(f"unknown scenario {name!r}")
    for candidate in args.candidate:
        if not (candidate / "wallboard").is_dir() or not (candidate / "themes").is_dir():
            parser.error(f"{candidate} must hold wallboard/ and themes/")
    variants: list[tuple[str, str | None]] = [("working tree", None)]
    variants += [(str(c), str(c)) for c in args.candidate]
    results: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in variants}
    for round_number in range(1, args.rounds + 1):
        for label, path in variants:
            print(f"… round {round_number}: {label}", flush=True)
            wait_for_quiet(args.quiet_below, 60.0)
            results[label].append(run_scenario(scenario, args.warmup, args.window, path))

    print(f"\n{scenario.name}: medians of {args.rounds} rounds of {args.window:g}s\n")
    print("| variant | " + " | ".join(title for _, title in FIELDS) + " |")
    print("|---|" + "---|" * len(FIELDS))
    for label, runs in results.items():
        cells = []
        for key, _ in FIELDS:
            values = [v for r in runs if (v := _value(r, key)) is not None]
            cells.append(f"{statistics.median(values):.2f}" if values else "—")
        print(f"| {label} | " + " | ".join(cells) + " |")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
