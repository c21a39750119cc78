"""Fixtures for the board's UI tests: a fake clock, a private config dir, an app factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ui_support import make_app

from wallboard.core.clock import FakeClock
from wallboard.ui.app import WallboardApp


@pytest.fixture(autouse=True)
def _private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user theme or config file of the machine running the tests may leak in."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("NO_COLOR", "TEXTUAL_ANIMATIONS", "WALLBOARD_THEME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> FakeClock:
    """Board time, moved by hand."""
    return FakeClock()


@pytest.fixture
def board_app(clock: FakeClock) -> Callable[..., WallboardApp]:
    """Build the board on the fixed centre's clock: `board_app(theme=..., compact=...)`."""

    def build(theme: str | None = "dark", **options: Any) -> WallboardApp:
        return make_app(clock, theme=theme, **options)

    return build
