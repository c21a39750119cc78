"""The one place the board uses Textual's and Rich's private API, each use behind a guard.

The rest of the UI uses Textual's public API only, and works the same without anything here
(the suite runs the UI tests a second time with `WALLBOARD_FAST_PATHS=off` and compares the
same SVG snapshots). What is here:

- **Fast paths**, worth their fragility by the figures in docs/PERFORMANCE.md ("Fast
  paths"). Each runs only when the switch allows it, the installed Textual is one of the
  versions it was verified against (`VERIFIED`), and its private names import and have the
  shapes it was written for; otherwise Textual's stock code runs. Decided once, the first
  time the app (or `wallboard --version`) asks, and shown by `wallboard --version`.
  - `chops` (`_chops.py`): the compositor sends only the dirty cells of a line, not the
    line from its widget's left edge up to them.
- **A hook**, `forget_dirty_regions`, where no public API exists: it empties the
  per-widget set of dirty regions that Textual's own `render_line` empties and a line
  view's `render_line` replaces. It does nothing when that set is not there (which is what
  Textual's own line-API widgets do anyway).

To delete a fast path: drop its module, its `VERIFIED` row and its branch in `_load`.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from textual.widget import Widget

SWITCH = "WALLBOARD_FAST_PATHS"
"""Environment switch: `off` (or `0`, `no`, `false`) runs Textual's stock code everywhere."""

VERIFIED: dict[str, tuple[str, ...]] = {
    # Each fast path runs only on these exact Textual versions: the ones whose private code
    # it was read against and whose UI tests (its own comparisons with the stock path, and
    # the SVG snapshots) passed with it on. Add a version only after doing both.
    "chops": ("8.2.8",),
}


@dataclass(frozen=True, slots=True)
class FastPath:
    """One fast path: whether it runs, and why (or why not)."""

    name: str
    on: bool
    why: str


@dataclass(frozen=True, slots=True)
class FastPaths:
    """What was decided at start-up for every fast path."""

    textual_version: str
    paths: tuple[FastPath, ...]

    def is_on(self, name: str) -> bool:
        """Whether fast path `name` runs."""
        return any(path.name == name and path.on for path in self.paths)

    def describe(self) -> str:
        """A few lines for `wallboard --version` and the log: on/off, and why."""
        on = [path for path in self.paths if path.on]
        summary = "on" if len(on) == len(self.paths) else "off" if not on else "partly on"
        lines = [f"fast paths: {summary} (Textual {self.textual_version})"]
        lines += [f"  {path.name}: {'on' if path.on else 'off'}, {path.why}" for path in self.paths]
        return "\n".join(lines)


def textual_version() -> str:
    """The installed Textual's version, as its package metadata says."""
    try:
        return metadata.version("textual")
    except metadata.PackageNotFoundError:  # run from a source tree: ask the module
        import textual

        return str(getattr(textual, "__version__", "unknown"))


# Name → what the fast path provides once its private names have been checked.
_loaded: dict[str, Any] = {}


def _load(name: str) -> Any:
    """Import fast path `name`'s module and check the private shapes it relies on; raises
    (anything) when they are not there or not as written."""
    if name == "chops":
        from wallboard.ui._textual_compat import _chops

        _chops.check()
        return _chops
    raise KeyError(name)


def _decide(name: str, switch: str, version: str) -> FastPath:
    if switch in ("off", "0", "no", "false"):
        return FastPath(name, False, f"{SWITCH}={switch}")
    verified = VERIFIED[name]
    if version not in verified:
        return FastPath(name, False, f"not verified on Textual {version} ({', '.join(verified)})")
    try:
        _loaded[name] = _load(name)
    except Exception as error:  # any failure at all means Textual's own code runs
        return FastPath(name, False, f"Textual's private code differs ({error!r})")
    return FastPath(name, True, f"verified on Textual {version}")


@functools.cache
def fast_paths() -> FastPaths:
    """Decide, once per process, which fast paths run (see the module's docstring)."""
    switch = os.environ.get(SWITCH, "").strip().lower()
    version = textual_version()
    return FastPaths(version, tuple(_decide(name, switch, version) for name in VERIFIED))


def redecide() -> FastPaths:
    """Forget the decision and take it again from the environment (for tests)."""
    fast_paths.cache_clear()
    _loaded.clear()
    uninstall()
    return fast_paths()


def install() -> FastPaths:
    """Put the process-wide fast paths that were decided on in place (idempotent)."""
    decided = fast_paths()
    if decided.is_on("chops"):
        _loaded["chops"].install()
    return decided


def uninstall() -> None:
    """Put Textual's own code back everywhere (tests compare the two)."""
    chops = sys.modules.get("wallboard.ui._textual_compat._chops")
    if chops is not None:
        chops.uninstall()


def forget_dirty_regions(widget: Widget) -> None:
    """Empty the set of regions `widget.refresh(*regions)` marked dirty, as Textual's own
    `Widget.render_line` does as it renders; a line view's own `render_line` must, or every
    distinct region ever refreshed stays in the set (docs/RELIABILITY.md, bug 5)."""
    regions = getattr(widget, "_dirty_regions", None)
    if isinstance(regions, set) and regions:
        regions.clear()


def write_to_terminal(app: object, sequence: str) -> bool:
    """Send an escape sequence to the app's terminal, in order with its frames.

    Textual has no public call for this; its own bell and clipboard write through the
    driver, so this does too, guarded: without a driver (headless, or a Textual that
    renamed it) nothing is sent and the caller's on-screen alert still shows.
    """
    driver = getattr(app, "_driver", None)
    write = getattr(driver, "write", None)
    if write is None:
        return False
    write(sequence)
    return True
