"""Right-to-left text laid out for terminals that do not lay it out themselves.

Names arrive in logical order (the order they are typed and read). A terminal that does
not apply the Unicode bidirectional algorithm (most, and tmux) draws them left to right,
so a Hebrew or Arabic name reads backwards. With `bidi = "reorder"` the board hands such
a terminal the visual order instead, made by python-bidi (`reorder_line`): right-to-left
runs reversed, numbers and Latin words inside them kept in reading order, brackets
mirrored. `fit_visual` is the one place the drawing code calls: it cuts the logical text
to the cells it has (so the ellipsis marks the end of the name, on the left of a Hebrew
one), then reorders it.

python-bidi's `bidi.algorithm` is the package's own pure-Python implementation, kept by
its maintainer beside the faster Rust one because it also applies rule L4 (mirrored
brackets), which the Rust one does not; its results are cached, and text without a
right-to-left character never reaches it. Combining marks (Hebrew points, Arabic vowel
signs) are moved back after their letter (rule L3, which neither applies). Arabic letters
are not shaped: a terminal that does not shape shows their isolated forms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from bidi.algorithm import get_display  # type: ignore[import-untyped]

# Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan...,
# and their presentation forms): text without any is drawn as it is.
_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
CACHE_SIZE = 8192  # distinct name cuts on a board of thousands; each a few hundred bytes


def has_rtl(text: str) -> bool:
    """Whether `text` holds a right-to-left letter (and so may need reordering)."""
    return not text.isascii() and _RTL.search(text) is not None


@lru_cache(maxsize=CACHE_SIZE)
def _visual(text: str, base: str | None = None) -> str:
    shown: str = get_display(text, base_dir=base)
    return _marks_after_letters(shown)


def reorder_line(text: str, *, sentence: bool = False) -> str:
    """One line of `text` (logical order) in visual order, for a terminal that draws
    characters left to right as it gets them. Text with no right-to-left letter is
    returned as it is. The result holds the same characters (brackets mirrored), so it
    takes as many cells.

    A name's direction is its first letter's (a Hebrew name is a right-to-left line); a
    `sentence` of the board's own (an alert: "דנה כהן: Lunch break for 1:00") is a
    left-to-right line with the name inside it."""
    if not has_rtl(text):
        return text
    return _visual(text, "L" if sentence else None)


def _marks_after_letters(shown: str) -> str:
    """Put combining marks that reversal moved before their right-to-left letter back
    after it (a terminal draws a mark on the character before it)."""
    if not any(unicodedata.combining(ch) for ch in shown):
        return shown
    out: list[str] = []
    marks: list[str] = []
    for ch in shown:
        if unicodedata.combining(ch):
            marks.append(ch)
            continue
        if marks and unicodedata.bidirectional(ch) in ("R", "AL"):
            out.append(ch)  # the letter the reversed marks belong to
            out.extend(reversed(marks))
        else:
            out.extend(marks)
            out.append(ch)
        marks = []
    out.extend(marks)
    return "".join(out)


def fit_visual(text: str, width: int, fit: Callable[[str, int], str], reorder: bool = True) -> str:
    """`text` in exactly `width` cells as `fit` cuts and pads it, in visual order when
    `reorder` is on.

    The cut is made on the logical text, so what is cut off is the end of the name and
    the ellipsis stands where the name goes on (the left of a Hebrew name); the padding
    stays on the right, where the tiles' layout expects it.
    """
    cut = fit(text, width)
    if not reorder or not has_rtl(cut):
        return cut
    name = cut.rstrip(" ")
    return _visual(name) + cut[len(name) :]
