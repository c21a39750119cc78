"""The command palette (Ctrl+P): the board's own actions and the board's own themes.

Textual's palette lists its system commands (keys panel, screenshot, maximize, ...) and
every theme Textual ships; a supervisor looking for "wall" or "light" should find the
board's, and nothing that does not belong to the board. `BoardCommands` lists an entry for
each key the board binds (named by the key's description, explained by its action's
docstring), "Theme", which opens the board's themes (`BoardThemes`), and "Quit".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

# Keys that are not commands: Escape closes whatever is open, Quit has its own entry.
NOT_COMMANDS = frozenset({"close", "quit_board"})


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc and doc.strip() else ""


class BoardCommands(Provider):
    """The board's actions, one per bound key, plus Theme and Quit."""

    def commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(name, help, callback) for every entry, in the order the keys are bound."""
        app = self.app
        seen: set[str] = set()
        for binding in app.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in NOT_COMMANDS:
                continue
            if binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            method = getattr(app, f"action_{binding.action}", None)
            key = app.get_key_display(binding)
            help_text = f"{_first_line(getattr(method, '__doc__', None))} ({key})".strip()
            yield binding.description, help_text, partial(app.run_action, binding.action)
        yield "Theme", "Change the board's colours", self._choose_theme
        yield "Quit", "Leave the board (q)", partial(app.run_action, "quit_board")

    def _choose_theme(self) -> None:
        self.app.push_screen(
            CommandPalette(providers=[BoardThemes], placeholder="Search for themes…")
        )

    async def discover(self) -> Hits:
        """Every entry, before anything is typed."""
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """The entries whose name matches what was typed."""
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class BoardThemes(Provider):
    """The board's themes (built in and the user's), not Textual's own."""

    def themes(self) -> list[str]:
        """The names of the themes the board can use, sorted."""
        board_themes = getattr(self.app, "board_themes", {})
        return sorted(name for name in board_themes if name in self.app.available_themes)

    def _set(self, name: str) -> None:
        self.app.theme = name

    async def discover(self) -> Hits:
        """Every theme, before anything is typed."""
        for name in self.themes():
            yield DiscoveryHit(name, partial(self._set, name))

    async def search(self, query: str) -> Hits:
        """The themes whose name matches what was typed."""
        matcher = self.matcher(query)
        for name in self.themes():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._set, name))
