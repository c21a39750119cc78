"""The board's widgets and app keep Textual's names for Textual's meanings."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.dom import DOMNode

import wallboard.ui.widgets
from wallboard.ui.app import WallboardApp

HANDLER_PREFIXES = ("on_", "watch_", "action_", "compute_", "validate_", "key_", "_")


def _board_classes() -> list[type[DOMNode]]:
    found: list[type[DOMNode]] = [WallboardApp]
    for info in pkgutil.iter_modules(wallboard.ui.widgets.__path__):
        module = importlib.import_module(f"wallboard.ui.widgets.{info.name}")
        found += [
            cls
            for cls in vars(module).values()
            if isinstance(cls, type)
            and issubclass(cls, DOMNode)
            and cls.__module__ == module.__name__
        ]
    return found


def test_no_method_shadows_a_textual_method_of_the_same_name_with_another_meaning() -> None:
    shadows: list[str] = []
    for cls in _board_classes():
        textual_base = next(c for c in cls.__mro__ if c.__module__.startswith("textual."))
        for name, ours in vars(cls).items():
            if name.startswith(HANDLER_PREFIXES) or not callable(ours):
                continue
            theirs = getattr(textual_base, name, None)
            if theirs is None or not callable(theirs):
                continue
            if list(inspect.signature(ours).parameters) != list(
                inspect.signature(theirs).parameters
            ):
                shadows.append(f"{cls.__name__}.{name} shadows {textual_base.__name__}.{name}")
    assert not shadows, "\n".join(shadows)
