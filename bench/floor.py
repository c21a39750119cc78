"""What the board wrote, against the least any renderer could have written.

The recorded pty bytes are replayed through pyte. Output arrives in bursts (one per Textual
frame); bursts are put into one-second frames whose boundaries sit in the quietest part of
the second, so a burst is never split. After each one-second frame the screen (characters
AND attributes) is compared with the one before; the floor for the frame is, for the cells
that changed:

- a cursor move (6 bytes) per run of adjacent changed cells on a row;
- the shortest SGR that sets the style of the run's first cell (from an unknown pen: an
  absolute `CSI 0;…m`, or `CSI m` for the default style), and the shortest SGR for every
  style change inside the run (the cheaper of the incremental and the absolute form);
- the text itself, UTF-8.

Colours are charged at their shortest encoding: the 16 ANSI colours 2 digits, other palette
entries `38;5;n`, anything else `38;2;r;g;b`. pyte does not track "dim" (SGR 2), so a change
of dim alone is invisible here and costs nothing in the floor.

A second, stricter floor ("pen-aware") lets a run that starts in the pen's current style
skip its SGR. The ratio of bytes written to the floor is the figure the target reads.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyte
from pyte.graphics import FG_BG_256

CURSOR_MOVE_BYTES = 6
Style = tuple[str, str, bool, bool, bool, bool, bool, bool]
Row = list[tuple[str, Style]]
_DEFAULT: Style = ("default", "default", False, False, False, False, False, False)
_NAMED = {
    name: index
    for index, name in enumerate(
        ["black", "red", "green", "brown", "blue", "magenta", "cyan", "white"]
    )
}
_NAMED.update({"bright" + name: index + 8 for name, index in list(_NAMED.items())})
_NAMED["yellow"] = _NAMED["brown"]
_NAMED["brightyellow"] = _NAMED["brightbrown"]
_PALETTE = {}
for _index, _hex in enumerate(FG_BG_256):
    _PALETTE.setdefault(_hex, _index)
# Sequences pyte does not know and would print: kitty keyboard protocol pushes and pops.
_UNKNOWN = re.compile(rb"\x1b\[[<>=][0-9;]*u")
TIMER = re.compile(r"(?<![\d:])\d{1,2}:\d\d(?::\d\d)?(?![\d:])")


def _colour_len(value: str, background: bool) -> int:
    """Characters of the shortest SGR parameter for a colour (without separators)."""
    if value == "default":
        return 2  # 39 / 49
    index = _NAMED.get(value)
    if index is None:
        index = _PALETTE.get(value.lower())
    if index is not None:
        if index < 8:
            return 2  # 30-37 / 40-47
        if index < 16:
            return 3 if background else 2  # 90-97 / 100-107
        return 5 + len(str(index))  # 38;5;n
    try:
        rgb = [int(value[i : i + 2], 16) for i in (0, 2, 4)]
    except ValueError:
        return 2
    return 5 + sum(len(str(c)) for c in rgb) + 2  # 38;2;r;g;b


def _params_len(params: Sequence[int]) -> int:
    """Length of `CSI p1;p2;…m` for parameter lengths `params`."""
    if not params:
        return 3  # CSI m
    return 2 + sum(params) + len(params) - 1 + 1


def absolute_sgr(style: Style) -> int:
    """Bytes of the shortest SGR that sets `style` whatever the pen was."""
    if style == _DEFAULT:
        return 3  # CSI m
    fg, bg, *flags = style
    params = [1]  # the reset, "0"
    if fg != "default":
        params.append(_colour_len(fg, False))
    if bg != "default":
        params.append(_colour_len(bg, True))
    params.extend(1 for flag in flags if flag)
    return _params_len(params)


def transition_sgr(old: Style, new: Style) -> int:
    """Bytes of the shortest SGR that turns pen `old` into `new` (0 when equal)."""
    if old == new:
        return 0
    params: list[int] = []
    if old[0] != new[0]:
        params.append(_colour_len(new[0], False))
    if old[1] != new[1]:
        params.append(_colour_len(new[1], True))
    for before, after in zip(old[2:], new[2:], strict=True):
        if before != after:
            params.append(1 if after else 2)  # on: 1 3 4 9 7 5; off: 22 23 24 29 27 25
    return min(_params_len(params), absolute_sgr(new))


def _cell(char: pyte.screens.Char) -> tuple[str, Style]:
    return (
        char.data,
        (
            char.fg,
            char.bg,
            char.bold,
            char.italics,
            char.underscore,
            char.strikethrough,
            char.reverse,
            char.blink,
        ),
    )


def grab(screen: pyte.Screen) -> list[Row]:
    """The whole screen, characters and attributes, as plain tuples."""
    buffer = screen.buffer
    return [[_cell(buffer[y][x]) for x in range(screen.columns)] for y in range(screen.lines)]


@dataclass
class FrameCost:
    """The floor of one frame."""

    changed_cells: int = 0
    runs: int = 0
    floor_bytes: int = 0
    floor_pen_bytes: int = 0


def frame_floor(before: list[Row], after: list[Row]) -> FrameCost:
    """The least bytes that turn screen `before` into `after`."""
    cost = FrameCost()
    pen = _DEFAULT
    for old_row, new_row in zip(before, after, strict=True):
        if old_row == new_row:
            continue
        x = 0
        width = len(new_row)
        while x < width:
            if old_row[x] == new_row[x]:
                x += 1
                continue
            cost.runs += 1
            text, style = new_row[x]
            cost.floor_bytes += CURSOR_MOVE_BYTES + absolute_sgr(style)
            cost.floor_pen_bytes += CURSOR_MOVE_BYTES + transition_sgr(pen, style)
            run_style = style
            pen = style
            while x < width and old_row[x] != new_row[x]:
                text, style = new_row[x]
                if style != run_style:
                    step = transition_sgr(run_style, style)
                    cost.floor_bytes += step
                    cost.floor_pen_bytes += step
                    run_style = pen = style
                size = len(text.encode("utf-8", "replace"))
                cost.floor_bytes += size
                cost.floor_pen_bytes += size
                cost.changed_cells += 1
                x += 1
    return cost


def bursts(chunks: Sequence[tuple[float, bytes]], gap_s: float = 0.03) -> list[tuple[float, int]]:
    """(start time, index of first chunk) of each burst of output."""
    found: list[tuple[float, int]] = []
    last = -1e9
    for index, (at, _data) in enumerate(chunks):
        if at - last > gap_s:
            found.append((at, index))
        last = at
    return found


def quiet_phase(times: Iterable[float], period: float = 1.0, slots: int = 100) -> float:
    """The phase (0..period) farthest from any burst start: where frame boundaries go."""
    busy = [False] * slots
    for at in times:
        busy[int((at % period) / period * slots) % slots] = True
    if not any(busy):
        return 0.0
    best_start, best_len = 0, -1
    for start in range(slots):
        if busy[start]:
            continue
        length = 0
        while length < slots and not busy[(start + length) % slots]:
            length += 1
        if length > best_len:
            best_start, best_len = start, length
    middle = (best_start + best_len / 2) % slots
    return middle / slots * period


@dataclass
class ScreenReport:
    """Bytes written against the floor over a window, with a few sanity figures."""

    seconds: float = 0.0
    frames: int = 0
    bytes_written: int = 0
    floor_bytes: int = 0
    floor_pen_bytes: int = 0
    changed_cells_per_s: float = 0.0
    bursts_per_s: float = 0.0
    per_frame_bytes: list[int] = field(default_factory=list)
    per_frame_floor: list[int] = field(default_factory=list)
    timers_seen: int = 0
    timers_ticked: int = 0
    timer_triples: int = 0  # a timer seen at one place in three frames in a row
    timer_stall_jumps: int = 0  # …that read n, n, n+2: a tick drawn late, then caught up
    final_screen: list[str] = field(default_factory=list)
    final_styles: int = 0  # distinct cell styles on the last screen (a theme was applied)

    @property
    def ratio(self) -> float | None:
        return self.bytes_written / self.floor_bytes if self.floor_bytes else None

    @property
    def ratio_pen(self) -> float | None:
        return self.bytes_written / self.floor_pen_bytes if self.floor_pen_bytes else None

    @property
    def stall_jump_share(self) -> float | None:
        return self.timer_stall_jumps / self.timer_triples if self.timer_triples else None

    @property
    def bytes_per_s(self) -> float:
        return self.bytes_written / self.seconds if self.seconds else 0.0

    @property
    def timer_tick_share(self) -> float | None:
        return self.timers_ticked / self.timers_seen if self.timers_seen else None

    def summary(self) -> dict[str, object]:
        def r(value: float | None, digits: int = 2) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "seconds": round(self.seconds, 1),
            "frames": self.frames,
            "bytes_written": self.bytes_written,
            "bytes_per_s": round(self.bytes_per_s),
            "floor_bytes": self.floor_bytes,
            "floor_bytes_per_s": round(self.floor_bytes / self.seconds) if self.seconds else 0,
            "ratio_to_floor": r(self.ratio),
            "ratio_to_pen_aware_floor": r(self.ratio_pen),
            "changed_cells_per_s": round(self.changed_cells_per_s),
            "bursts_per_s": r(self.bursts_per_s),
            "frame_bytes_median": statistics.median(self.per_frame_bytes or [0]),
            "frame_floor_median": statistics.median(self.per_frame_floor or [0]),
            "timer_tick_share": r(self.timer_tick_share, 3),
            "timer_stall_jump_share": r(self.stall_jump_share, 3),
            "distinct_styles": self.final_styles,
        }


def _timers(screen_rows: list[str]) -> list[tuple[int, int, int, str]]:
    found = []
    for y, line in enumerate(screen_rows):
        for match in TIMER.finditer(line):
            found.append((y, match.start(), match.end(), match.group()))
    return found


def _seconds(text: str) -> int:
    parts = [int(part) for part in text.split(":")]
    return (
        parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]
    )


def _text_rows(rows: list[Row]) -> list[str]:
    return ["".join(cell[0] or "" for cell in row) for row in rows]


def analyse(
    chunks: Sequence[tuple[float, bytes]],
    start: float,
    end: float,
    *,
    cols: int = 200,
    rows: int = 60,
    ignore_rows: Iterable[int] = (),
) -> ScreenReport:
    """Replay `chunks` and measure the window [`start`, `end`) in one-second frames.

    `ignore_rows` are left out of the timer-tick check (the health line's wall clock).
    """
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    starts = bursts(chunks)
    in_window = [at for at, _ in starts if start <= at < end]
    phase = quiet_phase(in_window)
    # First boundary: the first quiet point at or after `start`.
    first = start - (start % 1.0) + phase
    while first < start:
        first += 1.0
    boundaries = []
    edge = first
    while edge <= end:
        boundaries.append(edge)
        edge += 1.0
    report = ScreenReport()
    if len(boundaries) < 2:
        return report
    skip_rows = set(ignore_rows)
    index = 0

    def feed_until(limit: float) -> int:
        nonlocal index
        written = 0
        while index < len(chunks) and chunks[index][0] < limit:
            data = chunks[index][1]
            stream.feed(_UNKNOWN.sub(b"", data))
            written += len(data)
            index += 1
        return written

    feed_until(boundaries[0])
    before = grab(screen)
    burst_count = 0
    history: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    for frame, edge in enumerate(boundaries[1:]):
        written = feed_until(edge)
        after = grab(screen)
        cost = frame_floor(before, after)
        report.frames += 1
        report.bytes_written += written
        report.floor_bytes += cost.floor_bytes
        report.floor_pen_bytes += cost.floor_pen_bytes
        report.per_frame_bytes.append(written)
        report.per_frame_floor.append(cost.floor_bytes)
        report.changed_cells_per_s += cost.changed_cells
        after_text = _text_rows(after)
        for y, x0, x1, text in _timers(after_text):
            if y not in skip_rows:
                history.setdefault((y, x0, x1), []).append((frame, _seconds(text)))
        before = after
    for readings in history.values():
        pairs = [(a, b) for (f1, a), (f2, b) in itertools.pairwise(readings) if f2 == f1 + 1]
        # Only what runs is a timer: a place that read one second more than the frame
        # before in at least half its frames. Figures that read like durations but stand
        # still (a queue's ASA, an agent's AHT) or move in steps of a poll (the ticker's
        # times of day) are not timers, and are left out of both checks.
        if not pairs or 2 * sum(1 for a, b in pairs if b == a + 1) < len(pairs):
            continue
        report.timers_seen += len(pairs)
        report.timers_ticked += sum(1 for a, b in pairs if b != a)
        for (f1, a), (f2, b), (f3, c) in zip(readings, readings[1:], readings[2:], strict=False):
            if f3 == f1 + 2 and f2 == f1 + 1 and 0 <= c - a <= 3:
                report.timer_triples += 1
                if b == a and c == a + 2:
                    report.timer_stall_jumps += 1
    burst_count = sum(1 for at, _ in starts if boundaries[0] <= at < boundaries[-1])
    report.seconds = boundaries[-1] - boundaries[0]
    report.changed_cells_per_s /= report.seconds
    report.bursts_per_s = burst_count / report.seconds
    report.final_screen = _text_rows(before)
    report.final_styles = len({cell[1] for row in before for cell in row})
    return report


def screen_at(
    chunks: Sequence[tuple[float, bytes]], until: float, cols: int = 200, rows: int = 60
) -> list[str]:
    """The screen's text after every chunk that arrived before `until`."""
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    for at, data in chunks:
        if at >= until:
            break
        stream.feed(_UNKNOWN.sub(b"", data))
    return list(screen.display)


def first_time(
    chunks: Sequence[tuple[float, bytes]],
    condition: re.Pattern[str],
    cols: int = 200,
    rows: int = 60,
) -> float | None:
    """Arrival time of the first chunk after which the screen text matches `condition`."""
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    for at, data in chunks:
        stream.feed(_UNKNOWN.sub(b"", data))
        if condition.search("\n".join(screen.display)):
            return at
    return None


def load_recording(path: str) -> list[tuple[float, bytes]]:
    """Chunks saved by `bench.run` (times relative to the start of the measured window)."""
    import struct

    raw = open(path, "rb").read()  # noqa: SIM115
    chunks = []
    offset = 0
    while offset < len(raw):
        at, size = struct.unpack_from("<dI", raw, offset)
        offset += 12
        chunks.append((at, raw[offset : offset + size]))
        offset += size
    return chunks
