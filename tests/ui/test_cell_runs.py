"""`cell_runs`: which cells of a redrawn line differ from what the terminal shows."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from wallboard.ui.widgets.line_view import MERGE_GAP, cell_runs

RED = Style(color="red")
BLUE = Style(color="blue")


def strip(*parts: tuple[str, Style | None]) -> Strip:
    return Strip([Segment(text, style) for text, style in parts])


def test_an_unchanged_line_has_no_runs() -> None:
    line = strip(("SIP1001  ", None), ("0:05", RED))
    assert cell_runs(line, line) == []


def test_a_ticking_timer_is_only_its_changed_digit() -> None:
    old = strip(("SIP1001  ", None), ("0:05", RED))
    new = strip(("SIP1001  ", None), ("0:06", RED))
    assert cell_runs(old, new) == [(12, 13)]


def test_a_restyled_segment_is_sent_whole() -> None:
    old = strip(("SIP1001  ", None), ("0:05", RED))
    new = strip(("SIP1001  ", None), ("0:05", BLUE))
    assert cell_runs(old, new) == [(9, 13)]


def test_close_runs_merge_and_distant_ones_stay_apart() -> None:
    def line(a: str, gap: int, b: str) -> Strip:
        return strip((a, RED), (" " * gap, None), (b, BLUE))

    near = MERGE_GAP
    assert cell_runs(line("1", near, "1"), line("2", near, "2")) == [(0, near + 2)]
    far = MERGE_GAP + 1
    assert cell_runs(line("1", far, "1"), line("2", far, "2")) == [(0, 1), (far + 1, far + 2)]


def test_within_one_segment_the_run_spans_first_to_last_change() -> None:
    assert cell_runs(strip(("1        1", None)), strip(("2        2", None))) == [(0, 10)]


def test_a_changed_layout_or_wide_text_is_the_whole_line() -> None:
    old = strip(("ab", None), ("cd", RED))
    assert cell_runs(old, strip(("abcd", None))) == [(0, 4)]  # segments merged differently
    assert cell_runs(strip(("漢x", None)), strip(("xx漢", None))) == [(0, 4)]
    wide_old, wide_new = strip(("漢字", None)), strip(("字漢", None))
    assert cell_runs(wide_old, wide_new) == [(0, 4)]  # non-ASCII: the segment whole
