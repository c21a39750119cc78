"""Make outside strings safe to draw: nothing in a caller name may change the terminal.

Control characters (C0, C1, DEL, so every escape sequence's introducer), bidirectional
overrides and isolates, and zero-width characters are replaced or removed; the result is
plain text that widgets draw as text, never as markup.
"""

from __future__ import annotations

import unicodedata

REPLACEMENT = "\ufffd"
MAX_TEXT_CHARS = 200


# Emoji skin-tone modifiers and variation selectors: rich counts them as zero cells, many
# terminals as one or two, so a name holding them would push the rest of its row aside.
_WIDTH_AMBIGUOUS = frozenset({chr(code) for code in range(0x1F3FB, 0x1F400)} | {"\ufe0e", "\ufe0f"})


def _clean_char(ch: str) -> str:
    """One character as drawn: controls shown as the placeholder, invisible ones dropped."""
    if ch in _WIDTH_AMBIGUOUS:
        return ""
    category = unicodedata.category(ch)
    if category == "Cc" or category in ("Cn", "Co", "Cs"):
        # Controls (every escape sequence starts with one) and code points of no agreed
        # width or meaning: visible, but harmless.
        return REPLACEMENT
    if category == "Cf":
        # Format characters draw nothing but can reorder (bidi overrides), hide (zero
        # width, soft hyphen, tags) or join text: they go.
        return ""
    if category in ("Zl", "Zp"):
        return " "  # line and paragraph separators would break the one-line cell
    return ch


def plain(text: object, limit: int = MAX_TEXT_CHARS) -> str:
    """A printable, single-line version of `text`, at most `limit` characters plus an ellipsis."""
    value = text if isinstance(text, str) else str(text)
    if len(value) > limit:
        value = value[:limit] + "…"
    if value.isascii() and value.isprintable():
        return value
    return "".join(_clean_char(ch) for ch in value)


# Hebrew final letters sort as their ordinary forms (ך as כ, ם as מ, ...).
_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})


def collation_key(name: str) -> str:
    """The key names sort by: alphabet order for Hebrew and Latin alike.

    Python's default order is the code points', which puts a Hebrew name with vowel
    points (niqqud) or a Latin one with an accent out of place, and upper case before
    lower. This key folds case, drops combining marks (points, cantillation, accents) and
    reads Hebrew final letters as their ordinary forms, which leaves the Hebrew letters in
    alphabet order (their code points follow the alphabet). It is the same on every
    machine: a wall screen's locale (often C in a container) does not change the order.
    Latin names come before Hebrew ones, as in the code points.
    """
    if name.isascii():
        return name.casefold()
    decomposed = unicodedata.normalize("NFD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).translate(_FINALS)
