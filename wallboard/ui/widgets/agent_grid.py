"""The agent grid: one tile per extension, coloured and labelled by state, timers ticking.

Two layouts: tiles (two lines each: agent and state on the state's colour, then SIP id,
call count and timer) and compact (one line per agent, several columns) for centres of
hundreds or thousands. Both are drawn with the line API by one widget.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.message import Message

from wallboard.core.bidi import fit_visual, reorder_line
from wallboard.core.board import AgentView
from wallboard.core.durations import format_duration
from wallboard.core.teams import Section
from wallboard.core.text import plain
from wallboard.ui.widgets.line_view import TEXT_SPAN, LineView, Span, fit, right

TILE_WIDTH = 24
COMPACT_WIDTH = 52
COMPACT_FULL = 35  # inner cells a compact entry needs to be drawn uncut
TIMER_WIDTH = 8
_REVERSE = Style(reverse=True)
_BOLD = Style(bold=True)
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
        self.selected = 0
        self.show_cursor = True
        self._styles: dict[str, Style] = {}
        self._plain = Style()
        self._selected_plain = Style(reverse=True)
        self._fixed: dict[int, tuple[AgentView, tuple[str, int], str]] = {}
        self._geometry_key: tuple[int, bool] = (0, False)
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

    # --- layout -------------------------------------------------------------------------
    def geometry(self) -> tuple[int, int, int]:
        """Cells per agent across (gap included), agents per row, lines per row.

        Read for every line on every tick, so it is worked out only when the width or the
        layout changes.
        """
        key = (self.line_width, self.compact)
        if key != self._geometry_key:
            width, compact = key
            cell = min(COMPACT_WIDTH if compact else TILE_WIDTH, width)
            self._geometry = (cell, max(1, width // cell), 1 if compact else 2)
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

    # --- drawing ------------------------------------------------------------------------
    def line_spans(self, index: int) -> tuple[Span, ...]:
        """Per agent on this line: its text, and (bottom or compact line) its timer apart.

        An agent's view is its own key: the board reuses it while the agent is unchanged
        (compared by identity, at once), and a new view is equal only when every field
        is, so it draws the same.
        """
        cell = self.cell_width
        heading, start, agents, part, shared = self._line_place(index)
        if heading is not None:
            return ((0, self.line_width, ("heading", heading)),)
        inner = cell - 1
        cursor = self.selected - start if self.show_cursor else -1
        spans: list[Span] = []
        if part == 0 and not self.compact:
            for offset, agent in enumerate(agents):
                spans.append((offset * cell, inner, (agent, offset == cursor, agent.key in shared)))
            return tuple(spans)
        now = self.now
        # The timer is the last TIMER_WIDTH cells (tiles keep one blank after it).
        tail = "" if self.compact else " "
        timer_x = inner - TIMER_WIDTH - len(tail)
        # A text span (patched in place as it ticks) when the timer is drawn whole; a
        # compact entry too narrow for its name has its end cut, timer included.
        whole = not self.compact or inner >= COMPACT_FULL
        for offset, agent in enumerate(agents):
            x = offset * cell
            selected = offset == cursor
            spans.append((x, timer_x, (agent, selected, agent.key in shared)))
            timer = right(timer_text(agent, now), TIMER_WIDTH)
            key = (TEXT_SPAN, timer + tail, selected) if whole else (timer, selected)
            spans.append((x + timer_x, inner - timer_x, key))
        return tuple(spans)

    def build_line(self, index: int, width: int) -> list[Segment]:
        """Draw one line of tiles or compact entries."""
        cell = self.cell_width
        heading, start, agents, part, shared = self._line_place(index)
        if heading is not None:
            title = fit_visual(heading, width, fit, self.bidi_reorder)
            return [Segment(title, self._plain + _BOLD)]
        inner = cell - 1
        cursor = self.selected - start
        if part == 1 and not (self.show_cursor and 0 <= cursor < len(agents)):
            # A tiles' bottom line without the cursor is one style throughout: one segment.
            gap = " " * (cell - inner)
            text = "".join(self._tile_bottom_text(agent, inner) + gap for agent in agents)
            padding = " " * max(0, width - cell * len(agents))
            return [Segment(text + padding, self._plain)]
        segments: list[Segment] = []
        for offset, agent in enumerate(agents):
            selected = self.show_cursor and start + offset == self.selected
            state_style = self._styles.get(agent.style, self._plain)
            mark = agent.key in shared
            if self.compact:
                segments.extend(self._compact_cell(agent, inner, state_style, selected, mark))
            elif part == 0:
                segments.extend(self._tile_top(agent, inner, state_style, selected, mark))
            else:
                segments.extend(self._tile_bottom(agent, inner, selected))
            segments.append(Segment(" " * (cell - inner), self._plain))
        used = cell * len(agents)
        if used < width:
            segments.append(Segment(" " * (width - used), self._plain))
        return segments

    def _tile_top(
        self, agent: AgentView, inner: int, style: Style, selected: bool, shared: bool = False
    ) -> list[Segment]:
        marker = "▶" if selected else SHARED_MARK if shared else " "
        name = fit_visual(agent.name, inner - 8, fit, self.bidi_reorder)
        word = reorder_line(agent.word) if self.bidi_reorder else agent.word
        text = f"{marker}{name} {right(word, 5)} "
        if selected:
            style = style + Style(bold=True, underline=True)
        return [Segment(fit(text, inner), style)]

    def _fixed_text(self, agent: AgentView, layout: str, inner: int) -> str:
        """The part of an agent's timer line that does not tick, made once per agent view
        (views are reused while an agent does not change; the line is drawn every second).
        """
        entry = self._fixed.get(id(agent))
        if entry is not None and entry[0] is agent and entry[1] == (layout, inner):
            return entry[2]
        calls = right(f"×{agent.call_count}" if agent.call_count > 1 else "", 2)
        if layout == "tile":
            text = f"{fit(' ' + plain(agent.username, 40), inner - 13)} {calls} "
        else:
            name = fit_visual(agent.name, max(4, inner - 31), fit, self.bidi_reorder)
            text = f" {name} {fit(plain(agent.username, 40), 10)} {calls} "
        # Holding the view keeps its id from being reused while the entry exists.
        self._fixed[id(agent)] = (agent, (layout, inner), text)
        return text

    def _tile_bottom_text(self, agent: AgentView, inner: int) -> str:
        timer = right(timer_text(agent, self.now), TIMER_WIDTH)
        return f"{self._fixed_text(agent, 'tile', inner)}{timer} "

    def _tile_bottom(self, agent: AgentView, inner: int, selected: bool) -> list[Segment]:
        base = self._selected_plain if selected else self._plain
        # One style for the whole line: this line ticks every second, and every change of
        # style costs bytes on the wire (the coloured line above carries the emphasis).
        return [Segment(self._tile_bottom_text(agent, inner), base)]

    def _compact_cell(
        self, agent: AgentView, inner: int, style: Style, selected: bool, shared: bool = False
    ) -> list[Segment]:
        shown = reorder_line(agent.word) if self.bidi_reorder else agent.word
        word = f"{SHARED_MARK if shared else ' '}{fit(shown, 5)} "
        rest = self._fixed_text(agent, "compact", inner) + right(
            timer_text(agent, self.now), TIMER_WIDTH
        )
        if inner < COMPACT_FULL:  # too narrow for the name's 4 cells: cut (else exact)
            rest = fit(rest, inner - len(word))
        base = self._selected_plain if selected else self._plain
        return [Segment(word, style), Segment(rest, base)]

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
