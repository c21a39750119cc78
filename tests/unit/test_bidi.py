"""Right-to-left names in visual order for terminals that do not reorder them."""

from __future__ import annotations

import unicodedata

import pytest
from rich.cells import cell_len

from wallboard.core.bidi import fit_visual, has_rtl, reorder_line
from wallboard.ui.widgets.line_view import fit


@pytest.mark.parametrize(
    ("logical", "visual"),
    [
        ("דנה כהן", "ןהכ הנד"),  # Hebrew: the whole name reversed
        ("Dana כהן", "Dana ןהכ"),  # mixed: the Latin word stays first, Hebrew reversed
        ("כהן Dana", "Dana ןהכ"),  # a Hebrew paragraph: the Latin word reads left to right
        ("דנה 12 כהן", "ןהכ 12 הנד"),  # a number inside Hebrew keeps its digit order
        ("דנה 2024-05", "2024-05 הנד"),
        ("דנה (מוקד)", "(דקומ) הנד"),  # brackets mirrored: still open toward their text
        ("José בן-דוד", "José דוד-ןב"),
        ("محمد علي", "يلع دمحم"),  # Arabic
        ("Dana Cohen", "Dana Cohen"),  # no right-to-left letter: as it is
        ("", ""),
    ],
)
def test_names_read_right_on_a_terminal_that_does_not_reorder(logical: str, visual: str) -> None:
    assert reorder_line(logical) == visual


def test_hebrew_points_stay_on_their_letters() -> None:
    shown = reorder_line("שָׁלוֹם")
    names = [unicodedata.name(ch).removeprefix("HEBREW ") for ch in shown]
    assert names == [
        "LETTER FINAL MEM",
        "LETTER VAV",
        "POINT HOLAM",
        "LETTER LAMED",
        "LETTER SHIN",
        "POINT QAMATS",
        "POINT SHIN DOT",
    ]


def test_only_right_to_left_text_is_touched() -> None:
    assert not has_rtl("Dana Cohen 12")
    assert not has_rtl("Zoë 日本")
    assert has_rtl("x ד")


@pytest.mark.parametrize("width", [1, 2, 4, 7, 8, 12, 20])
def test_cuts_keep_the_width_and_the_ellipsis_where_the_name_goes_on(width: int) -> None:
    name = "דנה כהן מהמוקד"  # 14 characters
    shown = fit_visual(name, width, fit)
    assert cell_len(shown) == width
    assert len(shown) == width
    if width < len(name):
        # Cut at the logical end: the ellipsis is on the left, the start of the name
        # (its first letter, on the right) is kept.
        assert shown.startswith("…") or width == 1
        assert shown.rstrip().endswith("ד") or width == 1
    else:
        assert shown.rstrip() == reorder_line(name)
        assert shown.endswith(" " * (width - len(name)))  # padding stays on the right


def test_a_mixed_name_cut_keeps_its_beginning() -> None:
    shown = fit_visual("Dana כהן-לוי", 8, fit)
    assert cell_len(shown) == 8
    assert shown.startswith("Dana ")
    assert shown == "Dana הכ…"  # a left-to-right name: it goes on to the right


def test_wide_characters_keep_the_width() -> None:
    shown = fit_visual("דנה 日本語 כהן", 8, fit)
    assert cell_len(shown) == 8


def test_reordering_off_is_the_plain_cut() -> None:
    assert fit_visual("דנה כהן", 10, fit, reorder=False) == fit("דנה כהן", 10)


def test_an_alert_sentence_with_a_hebrew_name_reads_right() -> None:
    # The board's own sentence is a left-to-right line: only the name is reversed.
    sentence = "דנה כהן: Lunch break for 1:02:03"
    assert reorder_line(sentence, sentence=True) == "ןהכ הנד: Lunch break for 1:02:03"
    # A name alone takes its own direction (a Hebrew line), as a bidi terminal would.
    assert reorder_line(sentence) == "Lunch break for 1:02:03 :ןהכ הנד"
