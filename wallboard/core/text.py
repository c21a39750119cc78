"""Make outside strings safe to draw: nothing in a caller name may change the terminal.

Control characters (C0, C1, DEL, so every escape sequence's introducer), bidirectional
overrides and isolates, and zero-width characters are replaced or removed; the result is
plain text that widgets draw as text, never as markup.
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides, isolates and marks; zero-width joiners and the BOM.
_INVISIBLE = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
MAX_TEXT_CHARS = 200


def plain(text: object, limit: int = MAX_TEXT_CHARS) -> str:
    """A printable, single-line version of `text`, at most `limit` characters plus an ellipsis."""
    value = text if isinstance(text, str) else str(text)
    if len(value) > limit:
        value = value[:limit] + "…"
    if value.isascii() and value.isprintable():
        return value
    value = _INVISIBLE.sub("", value)
    value = _CONTROL.sub(REPLACEMENT, value)
    # Unassigned and private-use code points have no agreed width: show the placeholder.
    return "".join(
        REPLACEMENT if unicodedata.category(ch) in ("Cn", "Co", "Cs") else ch for ch in value
    )
