"""Soak: the real board on the simulator at high speed; memory, tasks and caches stay flat.

The work is done by `bench/soak.py` (run it directly for long soaks and JSON figures). The
short soak runs in the default suite; the long one is marked `soak` (excluded by default):

    pytest tests/soak -m soak                               # WALLBOARD_SOAK_SECONDS (60)
    WALLBOARD_SOAK_SECONDS=1010 pytest tests/soak -m soak   # a simulated week at speed 600
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

SOAK_PATH = Path(__file__).resolve().parents[2] / "bench" / "soak.py"
SHORT_SECONDS = 10.0


def _bench_soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wallboard_bench_soak", SOAK_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def _run(seconds: float, **options: object) -> dict:
    soak = _bench_soak()
    result = await soak.soak(seconds=seconds, **options)
    summary = {"problems": result.problems, **result.figures}
    print(json.dumps(summary, indent=1))
    assert result.ok, result.problems
    return summary


async def test_short_soak_keeps_memory_tasks_and_caches_flat() -> None:
    figures = await _run(SHORT_SECONDS, warmup_s=4.0, sample_every=1.0)
    assert figures["polls"] >= 20
    assert figures["tracked_max"] <= 40


@pytest.mark.soak
async def test_long_soak_keeps_memory_tasks_and_caches_flat() -> None:
    seconds = float(os.environ.get("WALLBOARD_SOAK_SECONDS", "60"))
    figures = await _run(seconds)
    assert figures["failures"] == 0


@pytest.mark.soak
async def test_long_soak_with_chaos_recovers_and_stays_flat() -> None:
    seconds = float(os.environ.get("WALLBOARD_SOAK_SECONDS", "60"))
    figures = await _run(seconds, faults="chaos,hang=0.002,hang_seconds=3,down_seconds=3")
    assert figures["failures"] > 0  # the faults did happen
