"""The board on the oldest Textual the dependency range allows and on the newest 8.x, each
installed into a fresh venv from the package index: it starts, draws the simulated centre
headless, changes layout, theme and detail, and quits with 0.

Slow (two venvs, a few minutes) and needs the package index, so not in the default suite:

    .venv/bin/python -m pytest -m compat
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from wallboard.ui._textual_compat import SWITCH, VERIFIED

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.compat


def _textual_range() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (spec,) = [d for d in project["dependencies"] if d.startswith("textual")]
    return spec


def _oldest_allowed() -> str:
    """The lower bound of the declared range (`textual>=X,<Y`)."""
    spec = _textual_range()
    lower = [part for part in spec.removeprefix("textual").split(",") if part.startswith(">=")]
    assert lower, f"{spec}: no lower bound"
    return lower[0][2:]


def _venv_with(tmp_path: Path, requirement: str) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The package first (it brings the newest Textual its range allows), then the Textual
    # under test in its place.
    for args in ([str(ROOT)], [requirement]):
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
            check=True,
            timeout=600,
        )
    return python


def _run_demo(python: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in (SWITCH, "PYTHONPATH")}
    result = subprocess.run(
        [str(python), str(HERE / "headless_demo.py")],
        cwd=HERE,  # not the checkout: the installed package is the one under test
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return result.stdout


def test_the_oldest_allowed_textual(tmp_path: Path) -> None:
    oldest = _oldest_allowed()
    python = _venv_with(tmp_path, f"textual=={oldest}")
    out = _run_demo(python)
    print(out)
    assert f"(Textual {oldest})" in out
    if oldest not in VERIFIED["chops"]:
        assert "fast paths: off" in out  # not verified there: the stock path
    assert "agents 30 queues 3" in out and "detail True" in out and "exit 0" in out


def test_the_newest_textual_of_the_range(tmp_path: Path) -> None:
    python = _venv_with(tmp_path, _textual_range())
    out = _run_demo(python)
    print(out)
    version = out.split("(Textual ", 1)[1].split(")", 1)[0]
    if version in VERIFIED["chops"]:
        assert "chops: on" in out
    else:  # a release newer than any verified one: it must run, on the stock path
        assert f"chops: off, not verified on Textual {version}" in out
    assert "agents 30 queues 3" in out and "detail True" in out and "exit 0" in out
