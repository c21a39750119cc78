"""Private Textual API lives in `ui/_textual_compat` alone, and the board falls back to
Textual's stock code on any version, import error or mismatch it was not verified for."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual._compositor import ChopsUpdate
from textual.app import App
from textual.scroll_view import ScrollView
from ui_support import running

from wallboard.ui import _textual_compat
from wallboard.ui._textual_compat import SWITCH, VERIFIED, _chops

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "wallboard" / "ui"
INSTALLED = _textual_compat.textual_version()
verified_here = pytest.mark.skipif(
    INSTALLED not in VERIFIED["chops"], reason=f"Textual {INSTALLED} is not a verified version"
)


@pytest.fixture
def decide_again(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Lets a test take the start-up decision anew; the suite's own is restored after."""
    yield
    monkeypatch.undo()
    _textual_compat.redecide()


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != SWITCH} | env
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@verified_here
def test_the_version_says_which_fast_paths_run_and_why() -> None:
    on = subprocess.run(
        [sys.executable, "-m", "wallboard", "--version"],
        env={k: v for k, v in os.environ.items() if k != SWITCH},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert on.returncode == 0, on.stderr
    assert f"fast paths: on (Textual {INSTALLED})" in on.stdout
    assert f"chops: on, verified on Textual {INSTALLED}" in on.stdout
    off = subprocess.run(
        [sys.executable, "-m", "wallboard", "--version"],
        env=os.environ | {SWITCH: "off"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert off.returncode == 0, off.stderr
    assert "fast paths: off" in off.stdout
    assert f"chops: off, {SWITCH}=off" in off.stdout


def test_the_switch_turns_every_fast_path_off_in_the_running_board(
    monkeypatch: pytest.MonkeyPatch, decide_again: None, board_app
) -> None:
    monkeypatch.setenv(SWITCH, "off")
    decided = _textual_compat.redecide()
    assert not any(path.on for path in decided.paths)

    async def look() -> None:
        app = board_app()
        async with running(app):
            assert ChopsUpdate.render_segments is _chops._stock_render_segments

    import asyncio

    asyncio.run(look())


def test_an_unverified_textual_runs_the_stock_path(
    monkeypatch: pytest.MonkeyPatch, decide_again: None
) -> None:
    monkeypatch.delenv(SWITCH, raising=False)
    monkeypatch.setattr(_textual_compat, "textual_version", lambda: "8.0.0")
    decided = _textual_compat.redecide()
    assert [(p.name, p.on) for p in decided.paths] == [(name, False) for name in VERIFIED]
    assert f"not verified on Textual 8.0.0 ({', '.join(VERIFIED['chops'])})" in decided.describe()
    _textual_compat.install()
    assert ChopsUpdate.render_segments is _chops._stock_render_segments


@verified_here
def test_private_code_of_another_shape_runs_the_stock_path(
    monkeypatch: pytest.MonkeyPatch, decide_again: None
) -> None:
    monkeypatch.delenv(SWITCH, raising=False)

    def changed(self: ChopsUpdate, chops: object, spans: object) -> None:
        """An `__init__` that lost an argument."""

    monkeypatch.setattr(ChopsUpdate, "__init__", changed)
    decided = _textual_compat.redecide()
    assert not decided.is_on("chops")
    assert "chops: off, Textual's private code differs (TypeError" in decided.describe()


def test_the_board_starts_when_textuals_private_modules_are_gone() -> None:
    # A Textual release that renames its private modules: Textual holds them under their
    # new names (here: already imported), the names the board knew are gone.
    result = _run(
        """
import asyncio, importlib.abc, sys

import textual.app, textual.scroll_view, textual.widgets._input  # Textual's own imports

GONE = ("textual._compositor", "textual._styles_cache", "textual._ansi_theme")
for name in GONE:
    sys.modules.pop(name)
    setattr(sys.modules["textual"], name.split(".")[1], None)

class Gone(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in GONE:
            raise ImportError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, Gone())

from wallboard.ui.app import BoardOptions
from wallboard.launch import make_demo_app, version_text

print(version_text())

async def main():
    app = make_demo_app(BoardOptions(interval_s=1.0), agents=20, queues=2)
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.board.agents:
                break
        await pilot.pause(0.3)
        print("agents", len(app.board.agents))
        await pilot.press("q")

asyncio.run(main())
"""
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "fast paths: off" in result.stdout
    if INSTALLED in VERIFIED["chops"]:  # else it is off for that reason first
        assert "chops: off, Textual's private code differs (ImportError" in result.stdout
    assert "agents 20" in result.stdout


def _private_names_of_textual() -> set[str]:
    """Private attribute names of the Textual objects the UI subclasses or holds."""
    names: set[str] = set()
    for obj in (App, App(), ScrollView, ScrollView()):
        names |= {name for name in dir(obj) if name.startswith("_") and not name.startswith("__")}
    return names


def test_the_rest_of_the_ui_uses_only_public_textual_and_rich_api() -> None:
    private = _private_names_of_textual()
    found: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        if "_textual_compat" in path.parts:
            continue
        where = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                top, *rest = module.split(".")
                if top in ("textual", "rich") and any(part.startswith("_") for part in rest):
                    found.append(f"{where}:{node.lineno} imports {module}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in private
                and not (isinstance(node.value, ast.Name) and node.value.id in ("os", "sys"))
            ):
                found.append(f"{where}:{node.lineno} uses .{node.attr}")
            if isinstance(node, ast.Constant) and node.value in private:
                found.append(f"{where}:{node.lineno} names {node.value!r}")
    assert not found, "\n".join(found)


def test_the_scan_knows_the_private_names_the_line_views_need() -> None:
    # The scan above would see these uses (so its silence means something).
    private = _private_names_of_textual()
    assert {"_dirty_regions", "_styles_cache", "_refresh_scrollbars"} <= private
