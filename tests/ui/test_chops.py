"""The `chops` fast path (ui/_textual_compat): its `ChopsUpdate.render_segments` draws what
Textual's own does.

Each case paints an old frame, then a partial update whose dirty spans cover every cell
that changed, into a VT emulator (pyte): the screen must equal the new frame drawn whole,
and the cropped update must never send more than Textual's own.
"""

from __future__ import annotations

import io
import itertools

import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from wallboard.ui import _textual_compat
from wallboard.ui._textual_compat import _chops as chops

WIDTH = 40
HEIGHT = 4
STYLES = [
    None,
    Style(color="red"),
    Style(color="#00ff00", bgcolor="#202020", bold=True),
    Style(color="yellow", reverse=True),
]
TEXTS = ["abc", "0:07", " ", "דנה", "漢字", "wait 4:07", "x"]


def console() -> Console:
    return Console(file=io.StringIO(), color_system="truecolor", width=WIDTH, legacy_windows=False)


def screen_after(*outputs: str) -> list[list[tuple[str, str, str, bool, bool]]]:
    screen = pyte.Screen(WIDTH, HEIGHT)
    stream = pyte.Stream(screen)
    for output in outputs:
        stream.feed(output)
    return [
        [
            (c.data, c.fg, c.bg, c.bold, c.reverse)
            for c in (screen.buffer[y][x] for x in range(WIDTH))
        ]
        for y in range(HEIGHT)
    ]


@st.composite
def strips(draw: st.DrawFn, width: int) -> Strip:
    """A strip exactly `width` cells wide, of styled ASCII, Hebrew and wide text."""
    segments: list[Segment] = []
    used = 0
    while used < width:
        text = draw(st.sampled_from(TEXTS))
        size = Segment(text).cell_length
        if used + size > width:
            text, size = " " * (width - used), width - used
        segments.append(Segment(text, draw(st.sampled_from(STYLES))))
        used += size
    return Strip(segments, width)


def safe_cuts(strip: Strip, offset: int) -> list[int]:
    """Cell positions at segment edges: a span never ends inside a wide character."""
    cuts = [offset]
    for segment in strip:
        cuts.append(cuts[-1] + segment.cell_length)
    return cuts


Lines = list[dict[int, Strip]]
Frame = tuple[Lines, Lines, list[list[int]], list[tuple[int, int, int]]]


@st.composite
def frames(
    draw: st.DrawFn,
) -> tuple[
    list[dict[int, Strip]], list[dict[int, Strip]], list[list[int]], list[tuple[int, int, int]]
]:
    """Old and new chops (each line cut into widget strips), their ends, and dirty spans."""
    old_lines: list[dict[int, Strip]] = []
    new_lines: list[dict[int, Strip]] = []
    ends: list[list[int]] = []
    spans: list[tuple[int, int, int]] = []
    for y in range(HEIGHT):
        inner = sorted(draw(st.sets(st.integers(1, WIDTH - 1), max_size=3)))
        edges = [0, *inner, WIDTH]
        old_line: dict[int, Strip] = {}
        new_line: dict[int, Strip] = {}
        for x1, x2 in itertools.pairwise(edges):
            old = draw(strips(x2 - x1))
            new = old if draw(st.booleans()) else draw(strips(x2 - x1))
            old_line[x1], new_line[x1] = old, new
            if new is not old:
                cuts_old = set(safe_cuts(old, x1))
                cuts_new = safe_cuts(new, x1)
                both = sorted(cuts_old.intersection(cuts_new))
                left = draw(st.sampled_from(both[:-1]))
                right = draw(st.sampled_from([c for c in both if c > left]))
                # The span must still cover every changed cell: widen to the chop if not.
                if old.crop(0, left - x1) != new.crop(0, left - x1) or old.crop(
                    right - x1, x2 - x1
                ) != new.crop(right - x1, x2 - x1):
                    left, right = x1, x2
                spans.append((y, left, right))
        old_lines.append(old_line)
        new_lines.append(new_line)
        ends.append(edges[1:])
    return old_lines, new_lines, ends, spans


def full_update(lines: list[dict[int, Strip]], ends: list[list[int]]) -> ChopsUpdate:
    return ChopsUpdate(lines, [(y, 0, WIDTH) for y in range(HEIGHT)], ends)


def test_checks_and_installs_on_the_textual_it_was_verified_on() -> None:
    if not _textual_compat.fast_paths().is_on("chops"):
        pytest.skip(_textual_compat.fast_paths().describe())
    chops.check()
    _textual_compat.install()
    try:
        assert ChopsUpdate.render_segments is chops.render_segments
    finally:
        _textual_compat.uninstall()
    assert ChopsUpdate.render_segments is chops._stock_render_segments


@settings(max_examples=150, deadline=None)
@given(frames())
def test_cropped_update_draws_the_same_screen_and_sends_no_more(frame) -> None:
    old_lines, new_lines, ends, spans = frame
    out = console()
    before = chops._stock_render_segments(full_update(old_lines, ends), out)
    want = screen_after(
        before, "\x1b[0m", chops._stock_render_segments(full_update(new_lines, ends), out)
    )
    if not spans:
        return
    update = ChopsUpdate(new_lines, sorted(spans), ends)
    stock = chops._stock_render_segments(update, out)
    cropped = chops.render_segments(update, out)
    assert screen_after(before, "\x1b[0m", cropped) == want
    assert screen_after(before, "\x1b[0m", stock) == want
    assert len(cropped.encode()) <= len(stock.encode())


def test_the_cursor_move_is_the_one_rich_writes() -> None:
    from rich.control import Control

    for x, y in itertools.product(range(0, 400, 13), range(0, 150, 7)):
        assert chops._move_to(x, y) == Control.move_to(x, y).segment.text
