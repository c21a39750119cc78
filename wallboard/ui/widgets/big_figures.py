"""Big figures for a wall: cards of a label over a figure drawn in block characters.

A figure is drawn from a 3x5 pixel font, each pixel `scale` columns wide and `scale` half
rows tall (half blocks ▀▄█: a terminal cell is about twice as tall as wide), so a figure
is `ceil(5 * scale / 2)` rows tall and grows with the screen: the scale is picked from the
screen's height, then lowered until enough cards fit the width.

Cards never touch: each is as wide as its label or its figure (a figure's width is
reserved for its widest usual value, "00:00" for a wait, so a ticking wait does not move
the cards), with `CARD_GAP` blank columns between two cards. Cards that do not fit are
left out, the last first (they come in order of importance).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

# The font: 5 rows of pixels per glyph ("#" on), 3 wide (1 for ":" and " ").
_FONT_ROWS = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    "%": ("#.#", "..#", ".#.", "#..", "#.#"),
    "—": ("...", "...", "###", "...", "..."),
    "-": ("...", "...", "###", "...", "..."),
    "?": ("###", "..#", ".##", "...", ".#."),
    "d": ("..#", "..#", "###", "#.#", "###"),
    "h": ("#..", "#..", "###", "#.#", "#.#"),
    " ": (".", ".", ".", ".", "."),
}
GLYPH_ROWS = 5
CARD_GAP = 3  # blank columns between two cards
MAX_SCALE = 4


def pixel_width(text: str) -> int:
    """Width of `text` in font pixels (a pixel of space between glyphs)."""
    glyphs = [_FONT_ROWS.get(ch, _FONT_ROWS["?"]) for ch in text]
    return sum(len(g[0]) for g in glyphs) + max(0, len(glyphs) - 1)


def figure_width(text: str, scale: int) -> int:
    """Columns `text` takes at `scale`."""
    return pixel_width(text) * scale


def figure_rows(scale: int) -> int:
    """Rows a figure takes at `scale`."""
    return -(-GLYPH_ROWS * scale // 2)


def draw_figure(text: str, scale: int) -> list[str]:
    """`text` in block characters at `scale`: `figure_rows(scale)` lines of equal width."""
    pixels = ["" for _ in range(GLYPH_ROWS)]
    for index, ch in enumerate(text):
        glyph = _FONT_ROWS.get(ch, _FONT_ROWS["?"])
        for row in range(GLYPH_ROWS):
            pixels[row] += ("." if index else "") + glyph[row]
    # Scale: each pixel `scale` columns wide and `scale` half rows tall.
    halves = [row.replace("#", "#" * scale).replace(".", "." * scale) for row in pixels]
    halves = [row for row in halves for _ in range(scale)]
    if len(halves) % 2:
        halves.append("." * len(halves[0]))
    lines = []
    for top, bottom in zip(halves[::2], halves[1::2], strict=True):
        lines.append(
            "".join(
                ("█" if b == "#" else "▀") if a == "#" else ("▄" if b == "#" else " ")
                for a, b in zip(top, bottom, strict=True)
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class Card:
    """One big figure: its label, its text now, the widest text it reserves room for, and
    its colour."""

    label: str
    text: str
    reserve: str = "000"
    style: Style | None = None


@dataclass(frozen=True, slots=True)
class PlacedCard:
    """A card where it is drawn: x offset and width in columns, its figure's width."""

    card: Card
    x: int
    width: int
    figure_width: int


def scale_for_height(screen_height: int) -> int:
    """The largest scale a screen this tall is given (rows: 3, 5, 8 and 10)."""
    if screen_height >= 80:
        return 4
    if screen_height >= 60:
        return 3
    if screen_height >= 36:
        return 2
    return 1


def place_cards(cards: tuple[Card, ...], width: int, scale: int) -> tuple[PlacedCard, ...]:
    """The cards that fit in `width` at `scale`, left to right, `CARD_GAP` apart."""
    placed: list[PlacedCard] = []
    x = 0
    for card in cards:
        figure = figure_width(card.text, scale)
        room = max(cell_len(card.label), figure, figure_width(card.reserve, scale))
        if x + room > width:
            break
        placed.append(PlacedCard(card, x, room, figure))
        x += room + CARD_GAP
    return tuple(placed)


def plan(
    cards: tuple[Card, ...], width: int, screen_height: int, want: int
) -> tuple[int, tuple[PlacedCard, ...]]:
    """The scale and the placed cards: the height's scale, lowered until at least `want`
    cards (or all of them) fit."""
    scale = scale_for_height(screen_height)
    while True:
        placed = place_cards(cards, width, scale)
        if scale == 1 or len(placed) >= min(want, len(cards)):
            return scale, placed
        scale -= 1


def render_band(placed: tuple[PlacedCard, ...], scale: int, width: int, base: Style) -> Text:
    """A label line and the figures' lines, each `width` columns."""
    label_style = base + Style(bold=True, dim=True)
    lines = [Text(" " * width, base) for _ in range(1 + figure_rows(scale))]
    for item in placed:
        label = item.card.label
        if cell_len(label) > item.width:
            label = set_cell_size(label, item.width - 1) + "…"
        lines[0] = _put(lines[0], item.x, label, label_style)
        style = base + item.card.style if item.card.style else base
        for row, text in enumerate(draw_figure(item.card.text, scale), start=1):
            lines[row] = _put(lines[row], item.x, text, style)
    return Text("\n").join(lines)


def _put(line: Text, x: int, text: str, style: Style) -> Text:
    """`line` with `text` over its cells from `x` (single-cell characters only)."""
    out = line[:x]
    out.append(text, style)
    out.append_text(line[x + cell_len(text) :])
    return out
