"""Shared test helpers: where the API fixtures live, and how to read one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The vendor's samples travel with the tests: a fresh clone needs nothing beside it.
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    """The directory of the vendor's sample answers, rewritten as valid JSON."""
    if not FIXTURES_DIR.is_dir():
        pytest.fail(f"API fixtures not found at {FIXTURES_DIR.resolve()}")
    return FIXTURES_DIR


@pytest.fixture
def load_fixture(fixtures_dir: Path) -> Callable[[str], Any]:
    """Read one fixture by file name (`GetExtensionsCalls.json`) as decoded JSON."""

    def load(name: str) -> Any:
        return json.loads((fixtures_dir / name).read_text(encoding="utf-8"))

    return load
