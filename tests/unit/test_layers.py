"""The headless layers stay headless: core and api never pull in the UI or the network."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    if found is None:
        pytest.skip("import-linter is not installed")
    return found


def _run_lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_lint_imports(), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_in_pyproject_are_kept():
    result = _run_lint_imports()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"Contracts: \d+ kept, 0 broken", output), output


def _modules_after_import(*modules: str) -> set[str]:
    code = (
        "import json, sys\n"
        + "".join(f"import {module}\n" for module in modules)
        + "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


def test_the_board_and_the_models_load_without_textual_or_httpx():
    loaded = _modules_after_import(
        "wallboard.core.board",
        "wallboard.core.agent_order",
        "wallboard.core.summary",
        "wallboard.core.export",
        "wallboard.core.health",
    )
    assert "wallboard" in loaded
    assert not loaded & {"textual", "rich", "httpx", "httpcore", "starlette", "uvicorn"}


def test_the_models_load_without_textual_or_httpx():
    loaded = _modules_after_import("wallboard.api.models", "wallboard.api.parse")
    assert "pydantic" in loaded
    assert not loaded & {"textual", "rich", "httpx", "httpcore"}
