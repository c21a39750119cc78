"""Themes: TOML files of Textual colours plus the board's own colours for each state.

Built-in themes ship in `themes/`; users add theme files to `~/.config/wallboard/themes/`.
Each file is validated; a bad one is reported in plain words and left out, and the board
falls back to the default theme.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color, ColorParseError
from textual.theme import Theme

from wallboard.core.agent_state import STYLE_KEYS
from wallboard.core.board import WaitLevel
from wallboard.paths import config_dir

DEFAULT_THEME = "dark"
WALL_THEME = "high-contrast"
BOARD_KEYS: tuple[str, ...] = (*STYLE_KEYS, "wait-ok", "wait-warn", "wait-alert", "stale")


def builtin_theme_dir() -> Path:
    """The folder of themes shipped with wallboard (source tree or installed package)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "themes", here / "_themes"):
        if candidate.is_dir():
            return candidate
    return here.parent / "themes"


def user_theme_dir() -> Path:
    """Where users put their own theme files."""
    return config_dir() / "themes"


def _colour(value: str) -> str:
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"{value!r} is not a colour") from None
    return value


class TextualColours(BaseModel):
    """The Textual theme colours a theme file may set."""

    model_config = ConfigDict(extra="forbid")

    primary: str
    secondary: str | None = None
    accent: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None

    @field_validator("*")
    @classmethod
    def _is_colour(cls, value: str | None) -> str | None:
        return None if value is None else _colour(value)


class ThemeFile(BaseModel):
    """One theme file as written on disk."""

    model_config = ConfigDict(extra="forbid")

    name: str
    dark: bool = True
    textual: TextualColours
    board: dict[str, str]

    @field_validator("board")
    @classmethod
    def _board_colours(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(BOARD_KEYS))
        if unknown:
            raise ValueError(f"unknown board colour(s): {', '.join(unknown)}")
        return {key: _colour(colour) for key, colour in value.items()}


@dataclass(frozen=True)
class BoardTheme:
    """A theme ready to use: the Textual theme and the board palette (style key → colour)."""

    name: str
    textual: Theme
    palette: dict[str, Color]


@dataclass(frozen=True)
class BoardStyles:
    """A theme turned into the styles the widgets draw with."""

    base: Style
    states: dict[str, Style]  # style key → tile style (state colour as background)
    waits: dict[WaitLevel, Style]


def board_styles(theme: BoardTheme, textual_theme: Theme) -> BoardStyles:
    """Styles for the grid and the queue panel from a board theme and the active Textual one."""

    def rich(colour: str | None) -> RichColor | None:
        return Color.parse(colour).rich_color if colour else None

    palette = theme.palette
    return BoardStyles(
        base=Style(color=rich(textual_theme.foreground), bgcolor=rich(textual_theme.background)),
        states={
            key: Style(
                color=colour.get_contrast_text(1.0).rich_color,
                bgcolor=colour.rich_color,
                bold=True,
            )
            for key, colour in palette.items()
        },
        waits={
            WaitLevel.OK: Style(color=palette["wait-ok"].rich_color),
            WaitLevel.WARN: Style(color=palette["wait-warn"].rich_color, bold=True),
            WaitLevel.ALERT: Style(color=palette["wait-alert"].rich_color, bold=True),
        },
    )


def load_theme_file(path: Path, fallback: dict[str, Color] | None = None) -> BoardTheme:
    """Read and validate one theme file; raises ValueError with a clear message."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        spec = ThemeFile.model_validate(data)
    except OSError as error:
        raise ValueError(f"theme {path.name}: cannot read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"theme {path.name}: not valid TOML ({error})") from None
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise ValueError(f"theme {path.name}: {where}: {first['msg']}") from None
    palette = dict(fallback or {})
    palette.update({key: Color.parse(value) for key, value in spec.board.items()})
    missing = [key for key in BOARD_KEYS if key not in palette]
    if missing:
        raise ValueError(f"theme {path.name}: missing board colour(s): {', '.join(missing)}")
    colours = spec.textual.model_dump(exclude_none=True)
    return BoardTheme(
        name=spec.name,
        textual=Theme(name=spec.name, dark=spec.dark, **colours),
        palette=palette,
    )


def load_themes(problems: list[str]) -> dict[str, BoardTheme]:
    """Every usable theme, built-in first, then the user's (which may override by name).

    Problems with individual files are appended to `problems`; the rest still load.
    """
    themes: dict[str, BoardTheme] = {}
    default_palette: dict[str, Color] | None = None
    for folder in (builtin_theme_dir(), user_theme_dir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme_file(path, fallback=default_palette)
            except ValueError as error:
                problems.append(str(error))
                continue
            themes[theme.name] = theme
            if theme.name == DEFAULT_THEME and default_palette is None:
                default_palette = theme.palette
    return themes
