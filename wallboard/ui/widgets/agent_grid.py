"""The agent grid: one tile per extension, coloured and labelled by state, timers ticking.

Two layouts: tiles (two lines each: agent and state on the state's colour, then today's
answered and missed counts, or the SIP id while the day is not counted, the call count
and the timer) and compact (one line per agent, several columns, today's talk time and
AHT too) for centres of hundreds or thousands. Both are drawn with the line API by one
widget. In wall mode tiles grow taller to use the height (up to `WALL_TILE_LINES`).

Besides the state's colour, a tile may show: its timer escalating (a long call, hold,
ring or break: `wallboard.core.escalation`), a call-out (available while callers wait),
and an alert on its agent (the top line in the alert's colour, marked ⚑).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.color import Color
from textual.events import Blur, Click, Focus
from textual.message import Message

from wallboard.core.bidi import fit_visual, reorder_line
from wallboard.core.board import AgentView, WaitLevel
from wallboard.core.day_figures import DayFigures
from wallboard.core.durations import format_day_total, format_duration
from wallboard.core.escalation import EscalationRules
from wallboard.core.teams import Section
from wallboard.core.text import plain
from wallboard.ui.widgets.line_view import TEXT_SPAN, LineView, Span, fit, right

TILE_WIDTH = 24
COMPACT_WIDTH = 52
# With the day's figures: answered, missed, talk time and AHT on each compact line too.
COMPACT_FIGURES_WIDTH = 64
COMPACT_FULL = 35  # inner cells a compact entry needs to be drawn uncut
COMPACT_FIGURES_MIN = 49  # inner cells a compact entry needs for today's figures
TIMER_WIDTH = 8
WALL_TILE_LINES = 5  # a wall tile's most lines (a blank one between rows included)
_REVERSE = Style(reverse=True)
_NO_FIGURES = ("—", "—", "—", "—")
# Cursor looks: none, on the focused grid, on a grid that lost focus (not active).
NO_CURSOR, CURSOR_ACTIVE, CURSOR_RESTING = 0, 1, 2
ALERT_MARK = "⚑"
CALLOUT_MARK = "!"


def fit_name(text: str, width: int) -> str:
    """A name in exactly `width` cells; a name too long is cut and ends in "…"."""
    if width <= 0:
        return ""
    if text.isascii():
        return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
    if cell_len(text) > width:
        return set_cell_size(text[: width * 2], width - 1) + "…"
    return set_cell_size(text, width)


def agent_figures(figures: DayFigures | None, username: str) -> tuple[str, str, str, str] | None:
    """Today's answered, missed, talk time (whole minutes) and AHT of an agent as shown;
    None when the day is not counted (nothing to show), "—" for a figure not known (never
    a made-up 0)."""
    if figures is None or not figures.known:
        return None
    row = figures.agent(username)
    if row is None:
        return _NO_FIGURES

    def count(key: str) -> str:
        value = row.get(key)
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else "—"

    def duration(key: str, form: Callable[[float], str] = format_duration) -> str:
        value = row.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return form(float(value))
        return "—"

    talk = duration("talk_s", format_day_total)
    return count("answered"), count("missed"), talk, duration("aht_s")


_BOLD = Style(bold=True)
_DIM = Style(dim=True)
SHARED_MARK = "+"  # on the tile of an agent who is in several teams (shown under each)
_NOBODY: frozenset[str] = frozenset()


class _Groups:
    """Where each line of a grid grouped by team is: a team's heading, or a row of its
    agents. Made when the sections or the grid's geometry change, not per line."""

    def __init__(self, sections: list[Section], per_row: int, lines_per_row: int) -> None:
        # Per row: heading text (None for agents), first agent index, agents, shared keys.
        self.rows: list[tuple[str | None, int, int, frozenset[str]]] = []
        self.row_line: list[int] = []  # each row's first line
        self.lines: list[tuple[int, int]] = []  # each line's row, and its part of the row
        self.agent_row: list[int] = []  # each agent's row (by index in the flat list)
        start = 0
        for section in sections:
            count = len(section.agents)
            self._add((f" {section.title} · {count}", start, 0, _NOBODY), 1)
            for offset in range(0, count, per_row):
                in_row = min(per_row, count - offset)
                self.agent_row.extend([len(self.rows)] * in_row)
                self._add((None, start + offset, in_row, section.shared), lines_per_row)
            start += count

    def _add(self, row: tuple[str | None, int, int, frozenset[str]], lines: int) -> None:
        self.row_line.append(len(self.lines))
        self.lines.extend((len(self.rows), part) for part in range(lines))
        self.rows.append(row)


def timer_text(agent: AgentView, now: float) -> str:
    """The agent's timer; `≥` marks a state that began before the board saw it."""
    text = format_duration(now - agent.since_utc)
    return text if agent.since_exact else f"≥{text}"


class AgentGrid(LineView):
    """Every agent, in the order the board's sort and filter give."""

    BINDINGS = [
        Binding("up,k", "move(0, -1)", "Up", show=False),
        Binding("down,j", "move(0, 1)", "Down", show=False),
        # Not `h`: it hides logged-out agents (an app key the grid must not shadow).
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right,l", "move(1, 0)", "Right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("enter", "choose", "Details"),
    ]

    class AgentChosen(Message):
        """The user asked for the details of an agent."""

        def __init__(self, agent: AgentView) -> None:
            super().__init__()
            self.agent = agent

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.agents: list[AgentView] = []
        self.compact = False
        self.wall = False  # wall mode: tiles grow to use the height
        self.selected = 0
        self.show_cursor = True
        self.escalation = EscalationRules()
        self.figures: DayFigures | None = None
        self.marks: Mapping[str, str] = {}  # SIP id → "warn" | "alert" (active alerts)
        self.callout: frozenset[str] = frozenset()  # keys of agents idle while callers wait
        # Said on the grid's first line when it shows no agent (a filter matching nobody).
        self.empty_note = ""
        self._styles: dict[str, Style] = {}
        self._plain = Style()
        self._selected_plain = Style(reverse=True)
        # Timer styles per escalation step (0: the plain line), and the alert marks'.
        self._steps: tuple[Style, ...] = (Style(),) * 4
        self._mark_styles: dict[str, Style] = {}
        self._fixed: dict[int, tuple[AgentView, tuple[object, ...], str]] = {}
        self._geometry_key: tuple[object, ...] = ()
        self._geometry = (TILE_WIDTH, 1, 2)
        # Grouped by team (`set_sections`): the sections, and where their lines are.
        self._sections: list[Section] | None = None
        self._groups: _Groups | None = None
        self._groups_key: tuple[object, ...] = ()
        # Right-to-left names laid out here for terminals that do not (`bidi = "reorder"`).
        self.bidi_reorder = False

    # --- data in ------------------------------------------------------------------------
    def set_sections(self, sections: list[Section]) -> None:
        """Show agents grouped by team: a heading per section, then its agents (an agent
        in several teams is in several sections, marked)."""
        self.set_agents([agent for section in sections for agent in section.agents], sections)

    def set_agents(self, agents: list[AgentView], sections: list[Section] | None = None) -> None:
        """Show `agents` (already arranged), keeping the same agent selected."""
        chosen = self.selected_agent
        self.agents = agents
        self._sections = sections
        self._groups = None  # made again for these sections when first needed
        if len(self._fixed) > 2 * len(agents) + 64:
            self._fixed.clear()  # views of agents gone or changed: bounded by the agents
        if chosen is not None:
            for index, agent in enumerate(agents):
                if agent.key == chosen.key:
                    self.selected = index
                    break
        self.selected = min(self.selected, max(0, len(agents) - 1))
        self.relayout()

    def set_board_styles(self, styles: dict[str, Style], base: Style) -> None:
        """Use a theme's state styles."""
        self._styles = styles
        self._plain = base
        self._selected_plain = base + _REVERSE
        self.redraw_all()

    def set_alert_styles(self, waits: Mapping[WaitLevel, Style]) -> None:
        """Use a theme's warning and alert colours for escalating timers and alert marks."""
        base = self._plain
        warn = waits.get(WaitLevel.WARN, Style(bold=True))
        alert = waits.get(WaitLevel.ALERT, Style(bold=True))
        self._steps = (
            base,
            base + Style(color=warn.color, bold=True),
            base + Style(color=alert.color, bold=True),
            _filled(alert) + Style(bold=True),
        )
        self._mark_styles = {"warn": _filled(warn), "alert": _filled(alert)}
        self.redraw_all()

    def set_escalation(self, rules: EscalationRules) -> None:
        """When timers change colour."""
        self.escalation = rules
        self.refresh_changed()

    def set_day(
        self,
        figures: DayFigures | None,
        marks: Mapping[str, str],
        callout: frozenset[str],
        *,
        redraw: bool = True,
    ) -> None:
        """Today's figures, the agents with an active alert (SIP id → level) and the keys of
        the agents to call out; only the tiles that now read differently are redrawn
        (`redraw` False: the caller redraws right after, with `set_agents`)."""
        self.figures, self.marks, self.callout = figures, marks, callout
        if redraw:
            self.relayout()  # the compact layout's width depends on the figures

    def set_bidi(self, reorder: bool) -> None:
        """Lay out right-to-left names here (True) or leave them to the terminal."""
        self.bidi_reorder = reorder
        self._fixed.clear()
        self.redraw_all()

    def set_compact(self, compact: bool) -> None:
        """Switch between tiles and one line per agent."""
        self.compact = compact
        self.forget_lines()
        self.scroll_to(y=0, animate=False)
        self.relayout()

    @property
    def selected_agent(self) -> AgentView | None:
        """The agent under the cursor."""
        return self.agents[self.selected] if 0 <= self.selected < len(self.agents) else None

    # --- focus -------------------------------------------------------------------------
    def on_focus(self, _event: Focus) -> None:
        """The cursor looks active again."""
        # After Textual's own handler has set `has_focus` (it runs after this one).
        self.call_later(self.refresh_changed)

    def on_blur(self, _event: Blur) -> None:
        """Focus went elsewhere (Tab): the cursor stays, but no longer looks active."""
        self.call_later(self.refresh_changed)

    def _cursor_look(self) -> int:
        if not self.show_cursor:
            return NO_CURSOR
        return CURSOR_ACTIVE if self.has_focus else CURSOR_RESTING

    # --- layout -------------------------------------------------------------------------
    def geometry(self) -> tuple[int, int, int]:
        """Cells per agent across (gap included), agents per row, lines per row.

        Read for every line on every tick, so it is worked out only when the width, the
        layout, or (in wall mode) the height or the number of agents changes.
        """
        known = self.figures is not None and self.figures.known
        wall_key = (self.size.height, len(self.agents)) if self.wall else None
        key = (self.line_width, self.compact, known, wall_key)
        if key != self._geometry_key:
            width = self.line_width
            if self.compact:
                wanted = COMPACT_FIGURES_WIDTH if known else COMPACT_WIDTH
                cell = min(wanted, width)
                self._geometry = (cell, max(1, width // cell), 1)
            else:
                cell = min(TILE_WIDTH, width)
                per_row = max(1, width // cell)
                lines = 2
                if wall_key is not None:
                    # Tall enough tiles to fill the height, while every agent fits on it.
                    rows = max(1, -(-len(self.agents) // per_row))
                    lines = max(2, min(WALL_TILE_LINES, self.size.height // rows))
                self._geometry = (cell, per_row, lines)
            self._geometry_key = key
        return self._geometry

    @property
    def cell_width(self) -> int:
        """Cells per agent across, gap included."""
        return self.geometry()[0]

    @property
    def per_row(self) -> int:
        """Agents side by side."""
        return self.geometry()[1]

    @property
    def lines_per_row(self) -> int:
        """Lines per row of agents."""
        return self.geometry()[2]

    def line_count(self) -> int:
        """Lines needed for every agent (and every team's heading)."""
        if not self.agents:
            return 1 if self.empty_note else 0
        groups = self._grouped()
        if groups is not None:
            return len(groups.lines)
        _, per_row, lines_per_row = self.geometry()
        return -(-len(self.agents) // per_row) * lines_per_row

    def _grouped(self) -> _Groups | None:
        """Where the lines are when grouped by team; None when not grouped."""
        if self._sections is None:
            return None
        key = (self.geometry(), id(self._sections))
        if self._groups is None or key != self._groups_key:
            _, per_row, lines_per_row = self.geometry()
            self._groups = _Groups(self._sections, per_row, lines_per_row)
            self._groups_key = key
        return self._groups

    def _line_place(
        self, index: int
    ) -> tuple[str | None, int, list[AgentView], int, frozenset[str]]:
        """What line `index` shows: a heading (its text), or agents from `start`, which
        part of their row it is, and which of them are shared between teams."""
        groups = self._grouped()
        if groups is None:
            start, agents = self._row_agents(index)
            return None, start, agents, index % self.lines_per_row, _NOBODY
        row, part = groups.lines[index]
        heading, start, count, shared = groups.rows[row]
        return heading, start, self.agents[start : start + count], part, shared

    def _row_agents(self, index: int) -> tuple[int, list[AgentView]]:
        _, per_row, lines_per_row = self.geometry()
        start = (index // lines_per_row) * per_row
        return start, self.agents[start : start + per_row]

    def _part(self, part: int) -> str:
        """Which line of a row of tiles line `part` of a row is: "top" (name and state),
        "fill" (a taller tile's middle), "timer", or "gap" (blank between tall rows)."""
        lines = self.lines_per_row
        if self.compact:
            return "compact"
        if part == 0:
            return "top"
        if lines >= 3 and part == lines - 1:
            return "gap"
        if part == (lines - 2 if lines >= 3 else 1):
            return "timer"
        return "fill" if part == 1 else "fill-blank"

    # --- drawing ------------------------------------------------------------------------
    def _step(self, agent: AgentView, now: float) -> int:
        """The escalation step of the agent's time in state (0: fine .. 3)."""
        return self.escalation.step(agent.style, agent.extension.status, now - agent.since_utc)

    def line_spans(self, index: int) -> tuple[Span, ...]:
        """Per agent on this line: its text, and (timer or compact line) its timer apart.

        An agent's view is its own key: the board reuses it while the agent is unchanged
        (compared by identity, at once), and a new view is equal only when every field
        is, so it draws the same. A timer's key holds its escalation step: the line is
        drawn again only when a step is crossed; each other second only its text changes.
        """
        if not self.agents:
            return ((0, self.line_width, ("note", self.empty_note)),)
        cell = self.cell_width
        heading, start, agents, row_part, shared = self._line_place(index)
        if heading is not None:
            return ((0, self.line_width, ("heading", heading)),)
        inner = cell - 1
        look = self._cursor_look()
        cursor = self.selected - start if look else -1
        part = self._part(row_part)
        spans: list[Span] = []
        if part == "gap":
            return ((0, 0, "gap"),)
        marks = self.marks
        callout = self.callout
        if part in ("top", "fill", "fill-blank"):
            counted = part == "fill" and self.figures is not None and self.figures.known
            for offset, agent in enumerate(agents):
                top: Hashable = (
                    part,
                    agent,
                    look if offset == cursor else NO_CURSOR,
                    marks.get(agent.username),
                    agent.key in callout,
                    counted,
                    agent.key in shared,
                )
                spans.append((offset * cell, inner, top))
            return tuple(spans)
        now = self.now
        # The timer is the last TIMER_WIDTH cells (tiles keep one blank after it).
        tail = "" if self.compact else " "
        timer_x = inner - TIMER_WIDTH - len(tail)
        # A text span (patched in place as it ticks) when the timer is drawn whole; a
        # compact entry too narrow for its name has its end cut, timer included.
        whole = not self.compact or inner >= COMPACT_FULL
        figures = self.figures
        for offset, agent in enumerate(agents):
            x = offset * cell
            selected = look if offset == cursor else NO_CURSOR
            counts = agent_figures(figures, agent.username)
            called = agent.key in callout
            fixed = (
                agent,
                selected,
                counts,
                marks.get(agent.username),
                called,
                agent.key in shared,
            )
            spans.append((x, timer_x, fixed))
            timer = right(timer_text(agent, now), TIMER_WIDTH)
            timer_look = (selected, self._step(agent, now), called)
            key = (TEXT_SPAN, timer + tail, timer_look) if whole else (timer, timer_look)
            spans.append((x + timer_x, inner - timer_x, key))
        return tuple(spans)

    def build_line(self, index: int, width: int) -> list[Segment]:
        """Draw one line of tiles or compact entries."""
        if not self.agents:
            return [Segment(fit(" " + self.empty_note, width), self._plain + _DIM)]
        cell = self.cell_width
        heading, start, agents, row_part, shared = self._line_place(index)
        if heading is not None:
            title = fit_visual(heading, width, fit, self.bidi_reorder)
            return [Segment(title, self._plain + _BOLD)]
        part = self._part(row_part)
        inner = cell - 1
        if part == "gap":
            return [Segment(" " * width, self._plain)]
        look = self._cursor_look()
        cursor = self.selected - start if look else -1
        now = self.now
        if part == "timer" and not 0 <= cursor < len(agents):
            calm = not any(
                agent.username in self.marks or self._step(agent, now) for agent in agents
            )
            if calm:
                # A timer line without cursor, call-out, alert or escalation is one style
                # throughout: one segment.
                gap = " " * (cell - inner)
                text = "".join(self._tile_bottom_text(agent, inner) + gap for agent in agents)
                padding = " " * max(0, width - cell * len(agents))
                return [Segment(text + padding, self._plain)]
        segments: list[Segment] = []
        for offset, agent in enumerate(agents):
            selected = look if offset == cursor else NO_CURSOR
            state_style = self._styles.get(agent.style, self._plain)
            if part == "compact":
                segments.extend(
                    self._compact_cell(agent, inner, state_style, selected, agent.key in shared)
                )
            elif part == "top":
                segments.extend(
                    self._tile_top(agent, inner, state_style, selected, agent.key in shared)
                )
            elif part in ("fill", "fill-blank"):
                text = self._fill_text(agent, inner) if part == "fill" else " " * inner
                segments.append(Segment(text, self._top_style(agent)))
            else:
                segments.extend(self._tile_bottom(agent, inner, selected))
            segments.append(Segment(" " * (cell - inner), self._plain))
        used = cell * len(agents)
        if used < width:
            segments.append(Segment(" " * (width - used), self._plain))
        return segments

    def _top_style(self, agent: AgentView) -> Style:
        """A tile's coloured lines: the alert's colour while its agent has an active alert,
        reversed for a call-out, else the state's."""
        style = self._styles.get(agent.style, self._plain)
        level = self.marks.get(agent.username)
        if level is not None:
            return self._mark_styles.get(level, style)
        if agent.key in self.callout:
            return style + _REVERSE
        return style

    def _marker(self, agent: AgentView, selected: int, shared: bool = False) -> str:
        if selected == CURSOR_ACTIVE:
            return "▶"
        if selected == CURSOR_RESTING:
            return "▷"
        if agent.username in self.marks:
            return ALERT_MARK
        if agent.key in self.callout:
            return CALLOUT_MARK
        return SHARED_MARK if shared else " "

    def _tile_top(
        self, agent: AgentView, inner: int, style: Style, selected: int, shared: bool = False
    ) -> list[Segment]:
        marker = self._marker(agent, selected, shared)
        name = fit_visual(agent.name, inner - 8, fit_name, self.bidi_reorder)
        word = reorder_line(agent.word) if self.bidi_reorder else agent.word
        text = f"{marker}{name} {right(word, 5)} "
        style = self._top_style(agent)
        if selected == CURSOR_ACTIVE:
            style = style + Style(bold=True, underline=True)
        return [Segment(fit(text, inner), style)]

    def _fill_text(self, agent: AgentView, inner: int) -> str:
        """A tall (wall) tile's first middle line: its SIP id when the line below shows
        today's counts instead (else blank: the line below shows it)."""
        if agent_figures(self.figures, agent.username) is None:
            return " " * inner
        return fit(" " + plain(agent.username, 40), inner)

    def _fixed_text(self, agent: AgentView, layout: str, inner: int) -> str:
        """The part of an agent's timer line that does not tick, made once per agent view
        and day figures (views are reused while an agent does not change; the line is
        drawn every second).
        """
        counts = agent_figures(self.figures, agent.username)
        called = agent.key in self.callout
        entry = self._fixed.get(id(agent))
        key = (layout, inner, counts, called)
        if entry is not None and entry[0] is agent and entry[1] == key:
            return entry[2]
        calls = right(f"×{agent.call_count}" if agent.call_count > 1 else "", 2)
        if layout == "tile":
            if counts is None:
                left = " " + plain(agent.username, 40)
            else:
                left = f" ✓{counts[0]} ✗{counts[1]}"
            if called:
                left = " idle"  # the timer beside it is the time available
            text = f"{fit(left, inner - 13)} {calls} "
        elif counts is None or inner < COMPACT_FIGURES_MIN:
            name = fit_visual(agent.name, max(4, inner - 31), fit_name, self.bidi_reorder)
            text = f" {name} {fit(plain(agent.username, 40), 10)} {calls} "
        else:
            # Word (7 cells), name, calls, today's figures, timer: answered ✓, missed ✗,
            # talk time Σ and average handle time ⌀ (README, "The agent grid").
            answered, missed, talk, aht = counts
            figures = (
                f"{right('✓' + answered, 4)} {right('✗' + missed, 3)} "
                f"{right('Σ' + talk, 8)} {right('⌀' + aht, 6)}"
            )
            name = fit_visual(
                agent.name, inner - 7 - TIMER_WIDTH - 6 - len(figures), fit_name, self.bidi_reorder
            )
            text = f" {name} {calls} {figures} "
        # Holding the view keeps its id from being reused while the entry exists.
        self._fixed[id(agent)] = (agent, key, text)
        return text

    def _tile_bottom_text(self, agent: AgentView, inner: int) -> str:
        timer = right(timer_text(agent, self.now), TIMER_WIDTH)
        return f"{self._fixed_text(agent, 'tile', inner)}{timer} "

    def _timer_style(self, agent: AgentView, base: Style) -> Style:
        step = self._step(agent, self.now)
        if step:
            return self._steps[min(step, 3)] + Style(reverse=base.reverse)
        # A call-out's timer keeps the line's style: the reversed top line and the word
        # "idle" carry it, and a style of its own costs bytes on every tick.
        return base

    def _tile_bottom(self, agent: AgentView, inner: int, selected: int) -> list[Segment]:
        base = self._selected_plain if selected == CURSOR_ACTIVE else self._plain
        level = self.marks.get(agent.username)
        mark = self._mark_styles.get(level) if level is not None else None
        if mark is not None:
            # An agent with an alert: the whole tile reads in the alert's colour.
            base = base + Style(color=mark.bgcolor, bold=True)
        # One style for the fixed part: this line ticks every second, and every change of
        # style costs bytes on the wire (the coloured line above carries the emphasis);
        # the timer has its own only while it escalates or its agent is called out.
        fixed = self._fixed_text(agent, "tile", inner)
        timer = right(timer_text(agent, self.now), TIMER_WIDTH) + " "
        timer_style = self._timer_style(agent, base)
        if timer_style is base:
            return [Segment(fixed + timer, base)]
        return [Segment(fixed, base), Segment(timer, timer_style)]

    def _compact_cell(
        self, agent: AgentView, inner: int, style: Style, selected: int, shared: bool = False
    ) -> list[Segment]:
        marker = self._marker(agent, selected, shared)
        shown = reorder_line(agent.word) if self.bidi_reorder else agent.word
        word = f"{marker}{fit(shown, 5)} "
        fixed = self._fixed_text(agent, "compact", inner)
        timer = right(timer_text(agent, self.now), TIMER_WIDTH)
        base = self._selected_plain if selected == CURSOR_ACTIVE else self._plain
        if inner < COMPACT_FULL:  # too narrow for the name's 4 cells: cut (else exact)
            rest = fit(fixed + timer, inner - len(word))
            return [Segment(word, self._top_style(agent)), Segment(rest, base)]
        return [
            Segment(word, self._top_style(agent)),
            Segment(fixed, base),
            Segment(timer, self._timer_style(agent, base)),
        ]

    # --- moving about ------------------------------------------------------------------
    def action_move(self, dx: int, dy: int) -> None:
        """Move the cursor by tiles across and rows down."""
        if not self.agents:
            return
        groups = self._grouped()
        if groups is not None and dy:
            self.select(self._row_step(groups, dy))
            return
        target = self.selected + dx + dy * self.per_row
        self.select(max(0, min(len(self.agents) - 1, target)))

    def _row_step(self, groups: _Groups, dy: int) -> int:
        """The agent `dy` rows of agents away in a grouped grid, in the same column (or
        the row's last), headings skipped."""
        row = groups.agent_row[min(self.selected, len(groups.agent_row) - 1)]
        column = self.selected - groups.rows[row][1]
        agent_rows = [i for i, r in enumerate(groups.rows) if r[0] is None]
        place = agent_rows.index(row)
        target = agent_rows[max(0, min(len(agent_rows) - 1, place + dy))]
        _, start, count, _ = groups.rows[target]
        return start + min(column, count - 1)

    def action_page(self, direction: int) -> None:
        """Move the cursor a screenful."""
        rows = max(1, self.size.height // self.lines_per_row)
        self.action_move(0, direction * rows)

    def show_selected(self) -> None:
        """Bring the cursor's agent into view (after the user re-sorts, filters or opens a
        pane: the grid reflows, and the agent they were on must not vanish). Not on polls:
        a supervisor scrolling away to look is not pulled back every few seconds."""
        if self.agents and not self.wall:
            self.select(self.selected)

    def select(self, index: int) -> None:
        """Put the cursor on agent `index` and bring it into view."""
        self.selected = index
        groups = self._grouped()
        if groups is not None and 0 <= index < len(groups.agent_row):
            row = groups.agent_row[index]
            # A section's first row brings its heading into view too.
            heading_above = row > 0 and groups.rows[row - 1][0] is not None
            row_line = groups.row_line[row - 1 if heading_above else row]
            lines = groups.row_line[row] - row_line + self.lines_per_row
        else:
            row_line = (index // self.per_row) * self.lines_per_row
            lines = self.lines_per_row
        top = int(self.scroll_y)
        if row_line < top:
            self.scroll_to(y=row_line, animate=False)
        elif row_line + lines > top + self.size.height:
            self.scroll_to(y=row_line + lines - self.size.height, animate=False)
        self.refresh_changed()

    def action_choose(self) -> None:
        """Open the selected agent's details."""
        agent = self.selected_agent
        if agent is not None:
            self.post_message(self.AgentChosen(agent))

    def on_click(self, event: Click) -> None:
        """A click selects the tile under the pointer; a double click opens it."""
        offset = self.line_offset(event)
        if offset is None:
            return
        line = offset.y + int(self.scroll_y)
        groups = self._grouped()
        if groups is not None:
            if line >= len(groups.lines):
                return
            heading, start, count, _ = groups.rows[groups.lines[line][0]]
            column = offset.x // self.cell_width
            if heading is not None or column >= count:
                return
            self.select(start + column)
            if event.chain >= 2:
                self.action_choose()
            return
        index = (line // self.lines_per_row) * self.per_row + offset.x // self.cell_width
        if offset.x // self.cell_width < self.per_row and 0 <= index < len(self.agents):
            self.select(index)
            if event.chain >= 2:
                self.action_choose()

    # --- wall mode ----------------------------------------------------------------------
    def page_count(self) -> int:
        """Screenfuls needed to show every agent (wall mode pages through them)."""
        if self._sections is not None:
            return max(1, -(-self.line_count() // max(1, self.size.height)))
        visible_rows = max(1, self.size.height // self.lines_per_row)
        rows = -(-len(self.agents) // self.per_row)
        return max(1, -(-rows // visible_rows))

    def show_page(self, page: int) -> None:
        """Scroll to page `page` of the grid (wall mode)."""
        if self._sections is not None:
            self.scroll_to(y=page * max(1, self.size.height), animate=False)
            return
        visible_rows = max(1, self.size.height // self.lines_per_row)
        self.scroll_to(y=page * visible_rows * self.lines_per_row, animate=False)


def _filled(style: Style) -> Style:
    """A colour as a fill: `style`'s colour as the background, text in contrast."""
    if style.color is None:
        return style + _REVERSE
    colour = Color.from_rich_color(style.color)
    return Style(color=colour.get_contrast_text(1.0).rich_color, bgcolor=style.color, bold=True)
