"""Ticking timers are patched into the drawn line: exactly what a full draw would make."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from ui_support import assert_drawn_as_new, running

from wallboard.core.clock import FakeClock
from wallboard.ui.app import WallboardApp
from wallboard.ui.widgets import line_view
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.line_view import (
    SAME_STYLE_GAP,
    TEXT_SPAN,
    Span,
    patch_text_spans,
)
from wallboard.ui.widgets.queue_panel import QueuePanel

RED = Style(color="red")
BLUE = Style(color="blue")


def line(*parts: tuple[str, Style]) -> Strip:
    return Strip([Segment(text, style) for text, style in parts])


def timer_spans(*timers: str, look: object = "ok") -> tuple[Span, ...]:
    """A name of 10 cells, then a 5-cell timer, per agent, side by side."""
    spans: list[Span] = []
    for number, timer in enumerate(timers):
        x = number * 15
        spans.append((x, 10, f"agent {number}"))
        spans.append((x + 10, 5, (TEXT_SPAN, timer, look)))
    return tuple(spans)


def test_a_ticking_timer_is_patched_to_what_a_full_draw_makes() -> None:
    old = line(("Alice     ", BLUE), (" 0:59", RED), ("Bob       ", BLUE), (" 9:59", RED))
    new = line(("Alice     ", BLUE), (" 1:00", RED), ("Bob       ", BLUE), ("10:00", RED))
    patched = patch_text_spans(old, timer_spans(" 0:59", " 9:59"), timer_spans(" 1:00", "10:00"))
    assert patched is not None
    strip, runs = patched
    assert list(strip) == list(new)
    assert strip.cell_length == new.cell_length
    # Only the changed cells: " 1:00" over " 0:59" is 4 cells, "10:00" over " 9:59" all 5.
    assert runs == [(11, 15), (25, 30)]


def test_nearby_changes_are_one_run() -> None:
    old = line(("Alice     ", BLUE), (" 0:59", RED), ("Bob       ", BLUE), (" 9:59", RED))
    patched = patch_text_spans(old, timer_spans(" 0:59", " 9:59"), timer_spans(" 0:58", " 9:59"))
    assert patched is not None and patched[1] == [(14, 15)]
    far_apart = patch_text_spans(old, timer_spans(" 0:59", " 9:59"), timer_spans(" 0:58", "19:59"))
    assert far_apart is not None and far_apart[1] == [(14, 15), (25, 26)]
    near = line(("Al", BLUE), (" 0:59", RED), ("Bo", BLUE), (" 9:59", RED))
    spans_near = ((0, 2, "a"), (2, 5, (TEXT_SPAN, " 0:59", 0)), (7, 2, "b"))
    spans_near += ((9, 5, (TEXT_SPAN, " 9:59", 0)),)
    ticked = ((0, 2, "a"), (2, 5, (TEXT_SPAN, " 0:58", 0)), (7, 2, "b"))
    ticked += ((9, 5, (TEXT_SPAN, "19:59", 0)),)
    close = patch_text_spans(near, spans_near, ticked)
    assert close is not None and close[1] == [(6, 10)]  # a gap of 3 is cheaper sent


def test_changes_within_one_style_are_one_run_unless_far_apart() -> None:
    # A tiles' bottom line: one style throughout, a timer every 15 cells.
    old = line(("SIP1      " + " 0:59" + "SIP2      " + " 9:59", BLUE))
    patched = patch_text_spans(old, timer_spans(" 0:59", " 9:59"), timer_spans(" 1:00", "10:00"))
    assert patched is not None and patched[1] == [(11, 30)]  # 10 cells re-sent, no 2nd run
    wide = " " * (SAME_STYLE_GAP + 1)
    far = line(("SIP1      " + " 0:59" + wide + " 9:59", BLUE))
    tail = 15 + len(wide)

    def far_spans(first: str, second: str) -> tuple[Span, ...]:
        return (
            (0, 10, "a"),
            (10, 5, (TEXT_SPAN, first, 0)),
            (15, len(wide), "b"),
            (tail, 5, (TEXT_SPAN, second, 0)),
        )

    apart = patch_text_spans(far, far_spans(" 0:59", " 9:59"), far_spans(" 1:00", "10:00"))
    assert apart is not None and apart[1] == [(11, 15), (tail, tail + 5)]


def test_spans_outside_the_line_need_a_full_draw() -> None:
    old = line(("Alice     ", BLUE), (" 0:59", RED))
    narrow = ((0, 10, "agent 0"), (-4, 5, (TEXT_SPAN, " 0:59", "ok")))
    ticked = ((0, 10, "agent 0"), (-4, 5, (TEXT_SPAN, " 1:00", "ok")))
    assert patch_text_spans(old, narrow, ticked) is None


def test_nothing_changed_is_no_run_and_the_same_strip() -> None:
    old = line(("Alice     ", BLUE), (" 0:59", RED))
    assert patch_text_spans(old, timer_spans(" 0:59"), timer_spans(" 0:59")) == (old, [])


def test_a_timer_split_across_segments_is_patched_in_each() -> None:
    # Segments follow styles, not spans: the timer's first cells share the name's.
    old = line(("Alice      0", RED), (":59", BLUE))
    new = line(("Alice      1", RED), (":00", BLUE))
    patched = patch_text_spans(old, timer_spans(" 0:59"), timer_spans(" 1:00"))
    assert patched is not None
    assert list(patched[0]) == list(new)
    assert patched[1] == [(11, 15)]


def test_wide_text_before_the_timer_is_counted_in_cells() -> None:
    old = line(("漢字      ", BLUE), (" 0:59", RED))  # 10 cells in 8 characters
    new = line(("漢字      ", BLUE), (" 1:00", RED))
    patched = patch_text_spans(old, timer_spans(" 0:59"), timer_spans(" 1:00"))
    assert patched is not None
    assert list(patched[0]) == list(new)
    assert patched[1] == [(11, 15)]


def test_a_first_seen_marker_is_one_cell_and_patched() -> None:
    old = line(("Alice     ", BLUE), ("≥0:59", RED))
    new = line(("Alice     ", BLUE), ("≥1:00", RED))
    patched = patch_text_spans(old, timer_spans("≥0:59"), timer_spans("≥1:00"))
    assert patched is not None
    assert list(patched[0]) == list(new)


@pytest.mark.parametrize(
    ("drawn", "shown"),
    [
        # The look changed (a wait crossed a threshold): its colour must be drawn anew.
        (timer_spans(" 0:59", look="ok"), timer_spans(" 1:00", look="warn")),
        # Something other than a text span changed.
        (timer_spans(" 0:59"), ((0, 10, "agent 9"), (10, 5, (TEXT_SPAN, " 0:59", "ok")))),
        # A text span that does not fill its width.
        (timer_spans(" 0:59"), timer_spans("1:00")),
        # A wide character in the new text: string and cell offsets part.
        (timer_spans(" 0:59"), timer_spans("漢:00")),
        # A span moved.
        (timer_spans(" 0:59"), ((0, 9, "agent 0"), (9, 6, (TEXT_SPAN, "  1:00", "ok")))),
    ],
)
def test_anything_but_new_text_in_the_same_look_needs_a_full_draw(
    drawn: tuple[Span, ...], shown: tuple[Span, ...]
) -> None:
    old = line(("Alice     ", BLUE), (" 0:59", RED))
    assert patch_text_spans(old, drawn, shown) is None


def test_a_wide_character_in_the_segment_to_patch_needs_a_full_draw() -> None:
    old = line(("漢字      " + " 0:59", RED))  # the timer shares a segment with them
    assert patch_text_spans(old, timer_spans(" 0:59"), timer_spans(" 1:00")) is None


def test_spans_beyond_the_strip_need_a_full_draw() -> None:
    old = line(("Alice     ", BLUE))  # not drawn from these spans: the timer is missing
    assert patch_text_spans(old, timer_spans(" 0:59"), timer_spans(" 1:00")) is None


# --- the real views --------------------------------------------------------------------------
@pytest.mark.parametrize("compact", [False, True])
async def test_ticks_patch_the_real_grid_and_queues_exactly(
    board_app: Callable[..., WallboardApp],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    compact: bool,
) -> None:
    patched: list[int] = []

    def counting(
        strip: Strip, drawn: tuple[Span, ...], spans: tuple[Span, ...]
    ) -> tuple[Strip, list[tuple[int, int]]] | None:
        result = patch_text_spans(strip, drawn, spans)
        patched.append(result is not None)
        return result

    monkeypatch.setattr(line_view, "patch_text_spans", counting)
    app = board_app(compact=compact)
    async with running(app, size=(160, 40)) as pilot:
        grid, queues = app.query_one(AgentGrid), app.query_one(QueuePanel)
        # Seconds, a minute's and an hour's roll-over, waits crossing both thresholds
        # (their colour changes: a full draw), and the cursor moving between ticks.
        for step in (1, 1, 1, 55, 1, 1, 30, 60, 3600, 1):
            clock.advance(step)
            app.tick()
            await pilot.pause()
            assert_drawn_as_new(grid)
            assert_drawn_as_new(queues)
            if step == 30:
                await pilot.press("right")
        # Both ways were taken: patches for ticks, full draws for colour and cursor moves.
        assert sum(patched) > 10
        assert not all(patched)
