"""Fast path `chops`: send only the dirty cells of a line.

Textual 8's `ChopsUpdate.render_segments` writes a dirty span from the start of the chop
(widget strip) it falls in, up to the span's end ("TODO: crop to x extents"), so refreshing
a timer at the right of a line re-sends the whole line up to it, once per span. This
replaces it with a version that starts at the span: cursor move, then only its cells.

Private Textual (`textual._compositor.ChopsUpdate`) and Rich (`Console._color_system`):
imported only by `wallboard.ui._textual_compat`, which calls `check()` and installs this
only on the Textual versions listed there. `tests/ui/test_chops.py` checks that both draw
the same screen and that this never sends more.
"""

from __future__ import annotations

import inspect
from typing import Any

from rich.cells import cell_len
from rich.color import ColorSystem
from textual._compositor import ChopsUpdate
from textual.strip import Strip

_render_style = Strip.render_style


def _move_to(x: int, y: int) -> str:
    """The cursor move to cell (x, y): `Control.move_to(x, y).segment.text`, without the
    Control and Segment objects it builds (3 µs each time, for hundreds of runs a frame)."""
    return f"\x1b[{y + 1};{x + 1}H"


def render_segments(self: ChopsUpdate, console: Any) -> str:
    """`ChopsUpdate.render_segments`, cropping each chop to the dirty span at both ends."""
    color_system = console._color_system or ColorSystem.TRUECOLOR
    sequences: list[str] = []
    append = sequences.append
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x >= x2 or end <= x1:
                continue
            if x >= x1 and end <= x2:
                append(_move_to(x, y))
                append(strip.render(console))
                continue
            start = max(x, x1)
            stop = min(end, x2)
            append(_move_to(start, y))
            pos = x
            for segment in strip:
                text, style, _ = segment
                size = len(text) if text.isascii() else cell_len(text)
                seg_end = pos + size
                if seg_end > start:
                    if pos < start or seg_end > stop:
                        if text.isascii():
                            text = text[max(0, start - pos) : size - max(0, seg_end - stop)]
                        else:
                            piece = segment
                            if pos < start:
                                piece = piece.split_cells(start - pos)[1]
                            if seg_end > stop:
                                piece = piece.split_cells(stop - max(pos, start))[0]
                            text = piece.text
                    append(text if style is None else _render_style(style, text, color_system))
                pos = seg_end
                if pos >= stop:
                    break
        if y != last_y:
            append("\n")
    return "".join(sequences)


_stock_render_segments = ChopsUpdate.render_segments


def check() -> None:
    """Raise unless `ChopsUpdate` and `Console` have the shapes `render_segments` reads."""
    import io

    from rich.console import Console

    params = tuple(inspect.signature(ChopsUpdate.__init__).parameters)
    if params != ("self", "chops", "spans", "chop_ends"):
        raise TypeError(f"ChopsUpdate.__init__{params} is not the one this was written for")
    if tuple(inspect.signature(_stock_render_segments).parameters) != ("self", "console"):
        raise TypeError("ChopsUpdate.render_segments is not the one this was written for")
    if not hasattr(ChopsUpdate, "__rich_console__"):
        raise TypeError("ChopsUpdate is no longer a renderable")
    if not hasattr(Console(file=io.StringIO()), "_color_system"):
        raise TypeError("rich's Console has no _color_system")


def install() -> None:
    """Use the cropping `render_segments` (process-wide; idempotent)."""
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]


def uninstall() -> None:
    """Put Textual's own function back (tests compare the two)."""
    ChopsUpdate.render_segments = _stock_render_segments  # type: ignore[method-assign]
