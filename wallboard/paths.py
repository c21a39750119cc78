"""Where wallboard keeps the user's files; no dependencies, so that any layer may ask."""

from __future__ import annotations

import os
from pathlib import Path


def config_dir() -> Path:
    """The user's wallboard config directory (XDG)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "wallboard"
