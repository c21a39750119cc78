"""The wallboard app: wires a snapshot source, the pure board and the widgets together.

Data flow: a worker reads the source's events (`wallboard.sources.base.Source`: the API
poller, a hub's feed, ...) and posts `SnapshotArrived`/`PollFailed`/`HubStateArrived`; the
app feeds the board and pushes its views into the widgets. The app never polls: it consumes
whatever source the composition root (`wallboard.launch`) gave it. A 1 Hz tick drives every
timer from the injected clock; widgets redraw only what changed.
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rich.style import Style
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Footer, Input

from wallboard.core.agent_callout import called_out, queues_with_waiting
from wallboard.core.agent_order import SortOrder, arrange
from wallboard.core.agent_state import CUSTOM_FALLBACK_STYLE, StatusVocabulary
from wallboard.core.alerts import AlertBook, AlertChanges
from wallboard.core.bidi import reorder_line
from wallboard.core.board import (
    AgentView,
    Board,
    CallerView,
    QueueView,
    WaitLevel,
    WaitThresholds,
)
from wallboard.core.calendar import DayCalendar
from wallboard.core.clock import Clock
from wallboard.core.day_figures import DayFigures
from wallboard.core.day_metrics import Outcome, ThresholdTable
from wallboard.core.durations import format_duration
from wallboard.core.escalation import EscalationRules
from wallboard.core.events import (
    OUTCOME_KINDS,
    Event,
    SeenEvents,
    Ticker,
    alert_events,
    cleared_events,
    outcome_events,
    status_changes,
)
from wallboard.core.health import Health
from wallboard.core.phone import mask_phone
from wallboard.core.queue_trend import WaitingTrend
from wallboard.core.recent_outcomes import RecentOutcomes
from wallboard.core.snapshot import Snapshot
from wallboard.core.status_timeline import StatusTimeline
from wallboard.core.teams import QueueStaff, Teams
from wallboard.core.text import plain
from wallboard.core.wall_rotation import DEFAULT_ROTATE_S, WALL_VIEWS, WallRotation
from wallboard.sources.base import HubState, Source, SourceFailure
from wallboard.ui import _textual_compat
from wallboard.ui._textual_compat import write_to_terminal
from wallboard.ui.alert_list import AlertList
from wallboard.ui.commands import BoardCommands
from wallboard.ui.help import HelpScreen
from wallboard.ui.messages import HubStateArrived, PollFailed, SnapshotArrived
from wallboard.ui.metrics import FrameMetrics
from wallboard.ui.notify import desktop_sequence
from wallboard.ui.terminal import exit_on_signals, watch_terminal
from wallboard.ui.themes import (
    DEFAULT_THEME,
    WALL_THEME,
    BoardTheme,
    board_styles,
    load_themes,
)
from wallboard.ui.ticker_list import TickerList
from wallboard.ui.widgets.agent_grid import AgentGrid
from wallboard.ui.widgets.detail import DetailPane, agent_detail, caller_detail, queue_detail
from wallboard.ui.widgets.health_line import HealthLine, health_text, source_label
from wallboard.ui.widgets.queue_panel import QueuePanel
from wallboard.ui.widgets.ticker_view import (
    SIDE_PANEL_ROWS,
    TickerLine,
    TickerPanel,
    ticker_line,
)
from wallboard.ui.widgets.totals import MAX_QUEUE_CARDS, QueueLevel, TotalsBar

if TYPE_CHECKING:
    from wallboard.core.alerts import Alert

NARROW_WIDTH = 100
WIDE_WIDTH = 200  # from here the ticker is a panel beside the queues, not a line
# Alerts are checked this often, by a poll or by the tick (which goes on when the data
# stops: the stale alert): waits and breaks grow by the second, but an alert a few seconds
# late costs nothing, and checking thousands of agents at every poll costs CPU.
ALERT_CHECK_S = 5.0
WALL_PAGE_SECONDS = 8
TICK_GRID_FOLLOW = 0.1  # how much of a tick's distance from the grid moves the grid
# New data this close before a tick is drawn at the tick's time: one frame, not two.
EARLY_TICK_S = 0.25
# Ticks are moved to come this long after new data (half the window: room for jitter).
POLL_LEAD_S = 0.12
# A hub's data is dated by the hub: silent for this many of its intervals, it is stale.
RELAYED_STALE_INTERVALS = 2


@dataclass
class BoardOptions:
    """How the board starts: cadence, look and thresholds."""

    interval_s: float = 5.0
    theme: str | None = None
    compact: bool = False
    wall: bool = False
    thresholds: WaitThresholds = field(default_factory=WaitThresholds)
    local_time: bool = True
    poll: bool = True  # tests that feed snapshots by hand switch the source off
    ticks: bool = True  # tests that move a fake clock by hand also tick by hand
    bell: bool = False  # ring the terminal's bell for an alert
    desktop: str | None = None  # "osc9", "osc777" or "osc99": desktop notifications
    tmux: bool = False  # wrap escape sequences in tmux's passthrough
    mute_s: float = 900.0  # how long `m` mutes off-screen notifications
    # Caller numbers: "wall" masks them in wall mode, "always" everywhere, "never" nowhere.
    mask_callers: str = "wall"
    # When agents' timers change colour (per state and status code; config `[escalation]`).
    escalation: EscalationRules = field(default_factory=EscalationRules)
    # When the business day starts (the agent detail's timeline of the day): UTC midnight
    # unless the composition root gives the centre's calendar.
    calendar: DayCalendar = field(default_factory=lambda: DayCalendar(UTC))
    # The centre's own status names and colours (config `[statuses."N"]`).
    statuses: StatusVocabulary = field(default_factory=StatusVocabulary)
    # Right-to-left names: "terminal" leaves them to the terminal, "reorder" lays them out.
    bidi: str = "terminal"
    # Teams (config `[teams.NAME]`): the grid groups agents by them, `/` filters by them.
    teams: Teams = field(default_factory=Teams)
    # Service-level settings per queue (the queue table colours each queue against its target).
    queue_targets: ThresholdTable = field(default_factory=ThresholdTable)
    wall_rotate_s: float = DEFAULT_ROTATE_S  # each wall view's time on screen
    wall_view: str = "rotate"  # or a view pinned from the start: "centre", "agents", "ticker"


class DayCounter(Protocol):
    """Counts the day from the board's snapshots (`wallboard.hub.recorder.DayRecorder`)."""

    @property
    def problem(self) -> str | None:
        """Why the day is not being counted or saved; None when all is well."""
        ...

    def report(self, now: float) -> dict[str, Any] | None:
        """The day's figures as `wallboard stats --json` gives them; None when not counting."""
        ...

    def figures(self, now: float) -> DayFigures:
        """The day's figures as the panels read them (empty when not counting)."""
        ...

    def record(self, snapshot: Snapshot) -> Sequence[Outcome]:
        """Count one snapshot; returns what happened since the last one (for the ticker)."""
        ...

    def close(self, timeout_s: float = 5.0) -> bool:
        """Finish writing."""
        ...


class AlertKeeper(Protocol):
    """Raises, keeps and clears the board's alerts (`wallboard.hub.alert_watch.AlertWatch`)."""

    book: AlertBook

    def check(self, board: Board, health: Health, now: float) -> AlertChanges:
        """Update the alerts for `now`."""
        ...

    def acknowledge(self, key: str) -> bool:
        """No more notifications for an alert until it clears."""
        ...

    def relay(self, alerts: Iterable[Mapping[str, Any]]) -> None:
        """Take the alerts a hub sent."""
        ...

    async def aclose(self) -> None:
        """Stop what runs in the background."""
        ...


class WallboardApp(App[int]):
    """The live wallboard."""

    # Absolute, so that subclasses defined elsewhere (tests, benchmarks) find it too.
    CSS_PATH = Path(__file__).with_name("wallboard.tcss")
    TITLE = "wallboard"
    ENABLE_COMMAND_PALETTE = True
    # Ctrl+P lists the board's own actions and themes, not Textual's (ui/commands.py).
    COMMANDS = {BoardCommands}

    BINDINGS = [
        Binding("q", "quit_board", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("slash", "filter", "Filter"),
        Binding("s", "cycle_sort", "Sort"),
        Binding("h", "toggle_hidden", "Hide out"),
        Binding("c", "toggle_compact", "Compact"),
        Binding("w", "toggle_wall", "Wall"),
        Binding("a", "alerts", "Alerts"),
        Binding("t", "ticker", "Events"),
        Binding("p", "pin_wall_view", "Pin view", show=False),
        Binding("m", "mute", "Mute", show=False),
        Binding("b", "toggle_bidi", "Bidi", show=False),
        Binding("g", "toggle_groups", "Teams", show=False),
        Binding("r", "refresh_now", "Refresh", show=False),
        Binding("escape", "close", "Close", show=False),
    ]

    def __init__(
        self,
        source: Source,
        clock: Clock,
        options: BoardOptions | None = None,
        *,
        recorder: DayCounter | None = None,
        alerts: AlertKeeper | None = None,
    ) -> None:
        super().__init__()
        # Counts the day from the same snapshots (None: the board shows only what is, or,
        # following a hub, what the hub counted: `day_report`).
        self.recorder = recorder
        # Raises and clears alerts (None: no alerts); following a hub, relays the hub's.
        self.alerts = alerts
        # The day's figures and alerts as the hub sent them (None before any, or without).
        self.day_report: dict[str, Any] | None = None
        # The day's figures as the panels read them (from `recorder` or the hub's report).
        self._day_figures = DayFigures()
        self._day_figures_due = False  # counted since the figures were last made
        self._alerts_checked_at = float("-inf")
        self.hub_alerts: tuple[dict[str, Any], ...] = ()
        self.hub: HubState | None = None
        # The fast paths decided on at start-up (ui/_textual_compat: private Textual code,
        # used only on the versions it was verified against).
        _textual_compat.install()
        self.source = source
        self.clock = clock
        self.options = options or BoardOptions()
        self.board = Board(self.options.thresholds, self.options.statuses)
        self._earlier_board: Board | None = None  # `take_earlier`'s, until the first live one
        self._earlier_failed = False
        self.health = Health(
            source=source.name,
            interval_s=self.options.interval_s,
            started_utc=clock.now(),
            stale_intervals=RELAYED_STALE_INTERVALS if self._relayed() else None,
        )
        self.sort = SortOrder.STATE
        self.hide_logged_out = False
        self.filter_text = ""
        self.compact = self.options.compact
        self.bidi_reorder = self.options.bidi == "reorder"
        self.group_by_team = bool(self.options.teams)
        self.wall = self.options.wall
        self.detail_for: AgentView | CallerView | QueueView | None = None
        # Callers waiting per queue each minute of the last hour (the queue table's trend),
        # and each queue's last outcomes (the queue detail's), both bounded.
        self.waiting_trend = WaitingTrend()
        self.recent_outcomes = RecentOutcomes()
        self._detail_gone_since: float | None = None
        self.theme_problems: list[str] = []
        self.board_themes: dict[str, BoardTheme] = load_themes(self.theme_problems)
        self._tick_timer: Any = None  # the 1 Hz interval timer (textual.timer.Timer)
        self._tick_origin: float | None = None
        self._timer_now = 0.0
        self._drawn_early: float | None = None  # a tick's time that new data drew early
        self._wall_page = 0
        self._wall_page_at = 0.0  # when the page on screen came on (monotonic)
        self._wait_styles: dict[WaitLevel, Style] = {}
        self._state_styles: dict[str, Style] = {}
        self.metrics = FrameMetrics()
        # The ticker: today's events, newest first (core/events.py); paused while its full
        # list is open. Following a hub, its outcomes are taken once each (`_hub_events`).
        self.ticker = Ticker(calendar=self.options.calendar)
        self.ticker_paused = False
        self._hub_events = SeenEvents()
        self._ticker_drawn: tuple[object, ...] | None = None
        self._level_styles: dict[str, Style] = {}
        # Which view a wall shows, turning every `wall_rotate_s` unless pinned.
        self.wall_rotation = WallRotation(
            clock.monotonic(), self.options.wall_rotate_s, self.options.wall_view
        )
        # Each agent's day, slot by slot, from the snapshots this board saw (agent detail).
        self.timeline = StatusTimeline(self.options.calendar)

    # --- building the screen -------------------------------------------------------------
    def compose(self) -> ComposeResult:
        """Totals, then the grid beside the queues and the detail pane, then health and keys."""
        yield TotalsBar(id="totals")
        # The queue table across the whole width: its columns need the room.
        yield QueuePanel(id="queues")
        with Horizontal(id="main"):
            yield AgentGrid(id="grid")
            yield DetailPane(id="detail")
            yield TickerPanel(id="ticker-panel")
        yield Input(
            placeholder="filter agents: name, representative or SIP id; a team; a queue",
            id="filter",
        )
        yield TickerLine(id="ticker-line")
        yield HealthLine(id="health")
        yield Footer()

    def on_mount(self) -> None:
        """Register themes, pick one, start following the source and the tick."""
        for theme in self.board_themes.values():
            self.register_theme(theme.textual)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        wanted = self.options.theme or (WALL_THEME if self.wall else DEFAULT_THEME)
        if wanted not in self.board_themes and wanted not in self.available_themes:
            self.theme_problems.append(f"no theme named {wanted!r}; using {DEFAULT_THEME!r}")
            wanted = DEFAULT_THEME
        if wanted in self.available_themes:
            self.theme = wanted
        self._apply_theme()
        for problem in self.theme_problems:
            self.notify(problem, title="Theme", severity="warning", timeout=10)
        grid = self.query_one(AgentGrid)
        grid.set_compact(self.compact)
        grid.set_escalation(self.options.escalation)
        self.query_one(QueuePanel).thresholds = self.options.thresholds
        self._set_bidi(self.options.bidi == "reorder")
        self._set_wall(self.wall)
        grid.focus()
        if self.options.ticks:
            self._tick_timer = self.set_interval(1.0, self.tick)
        if self.options.poll:
            self.run_worker(self._follow_source(), exclusive=True, group="poll", name="source")
        if self.is_headless is False and sys.__stdin__ is not None:
            watch_terminal(asyncio.get_running_loop(), lambda: self.exit(0))
            exit_on_signals(asyncio.get_running_loop(), lambda code: self.exit(code))
        self.tick()

    # --- data in --------------------------------------------------------------------------
    def _relayed(self) -> bool:
        return bool(getattr(self.source, "relayed", False))

    async def _follow_source(self) -> None:
        async for event in self.source.events():
            if isinstance(event, Snapshot):
                # When the answers arrived (perf_counter), for the response-to-screen
                # measurement only: read right after the fetch that made `event`.
                fetcher = getattr(self.source, "fetcher", self.source)
                received = getattr(fetcher, "received_perf", 0.0)
                self.post_message(SnapshotArrived(event, received))
            elif isinstance(event, SourceFailure):
                self.post_message(PollFailed(event))
            elif isinstance(event, HubState):
                self.post_message(HubStateArrived(event))

    @on(HubStateArrived)
    def _hub_state_arrived(self, message: HubStateArrived) -> None:
        self.show_hub_state(message.state)

    def show_hub_state(self, state: HubState) -> None:
        """Take what a hub said: its name and interval (for the health line and staleness),
        the day's figures and alerts (kept for the panels that show them)."""
        self.hub = state
        self.day_report = state.day
        self.day_figures = DayFigures.from_report(state.day)
        self.hub_alerts = state.alerts
        self._take_hub_events(state.events)
        if self.alerts is not None:
            self.alerts.relay(state.alerts)
        # The health line names the hub and the source's own short label (no "://", so
        # that the line shows both).
        label = f"hub {plain(state.hub, 40)} via {source_label(self.source.name)}"
        if state.interval_s != self.health.interval_s or label != self.health.source:
            self.health = replace(self.health, interval_s=state.interval_s, source=label)

    @on(SnapshotArrived)
    def _snapshot_arrived(self, message: SnapshotArrived) -> None:
        self.show_snapshot(message.snapshot)
        if self.board.snapshot is message.snapshot:  # taken (not refused as a bug)
            self.call_after_refresh(
                self.metrics.screen_updated,
                message.received_perf,
                len(self.board.agents),
                self.board.totals.waiting,
            )

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Take a new snapshot: feed the board, then redraw what changed."""
        now = self.clock.now()
        earlier, self._earlier_board = self._earlier_board, None
        if earlier is not None and self.board.snapshot is None:
            # The warm-up watched the centre up to now: the live board goes on from its
            # board, so a state begun meanwhile has a known start (not "≥").
            self.board = earlier
        before = self.board.agents
        try:
            self.board.apply(snapshot, now)
        except Exception as error:  # a bug must not take the board down: keep the picture
            self.log.error("board could not take a snapshot", error=repr(error))
            self.show_failure(
                "internal",
                f"could not show the latest data ({type(error).__name__})",
                self.options.interval_s,
            )
            return
        outcomes = self._count_day(snapshot)
        self._follow_timeline(now)
        self._roll_ticker(now)
        # A hub's snapshot is as old as the hub's poll, not as old as its arrival here.
        dated = min(now, snapshot.fetched_at) if self._relayed() else now
        self._take_events(before, outcomes, dated)
        self.health = self.health.succeeded(dated, snapshot.latency_s, len(snapshot.skipped))
        self._line_ticks_up(now)
        self._check_alerts_when_due(now)
        # The time the new data is drawn at, set before it is drawn: when it is the coming
        # tick's (`_timer_time`), each line is redrawn once, not for the data then the time.
        shown = self._timer_time(now, advance=False)
        self.query_one(AgentGrid).set_time(shown)
        self.query_one(QueuePanel).set_time(shown)
        self.mark_agents(redraw=False)  # drawn by the rearrangement just below
        self._rearrange()
        self.waiting_trend.record(self.board.queues, now)
        self._show_queues()
        self._refresh_detail_target()
        self.redraw_timers()

    def take_earlier(self, snapshot: Snapshot, outcomes: tuple[Outcome, ...] = ()) -> None:
        """An earlier snapshot, before the first live one (the demo's warm-up of its day):
        into the queues' trends, the agents' timelines of the day, the queues' last
        outcomes (the counted `outcomes`) and a board the first live snapshot goes on
        from, as if the board had been watching then. The picture, the ticker and the
        alerts start with the first live snapshot; the day's counting is the recorder's,
        fed by the caller."""
        if self.board.snapshot is not None or self._earlier_failed:
            return  # live already (history must not be drawn over what was seen), or broken
        board = self._earlier_board
        if board is None:
            board = self._earlier_board = Board(self.options.thresholds, self.options.statuses)
        try:
            now = snapshot.fetched_at
            board.apply(snapshot, now)
            self.waiting_trend.record(board.queues, now)
            self.timeline.record(((a.key, a.style) for a in board.agents), now)
            self._remember_outcomes(outcomes)
        except Exception as error:  # history must never take the live picture down
            self.log.error("an earlier snapshot could not be taken", error=repr(error))
            # A board half through a snapshot must not become the live one; no more history.
            self._earlier_board = None
            self._earlier_failed = True

    def _count_day(self, snapshot: Snapshot) -> Sequence[Outcome]:
        """Count the snapshot into the day; returns the poll's outcomes (for the ticker)."""
        if self.recorder is None:
            return ()
        outcomes: Sequence[Outcome] = ()
        try:
            outcomes = self.recorder.record(snapshot)
            self._remember_outcomes(outcomes)
            self._day_figures_due = True
        except Exception as error:  # counting must never take the live picture down
            self.log.error("the day's counters could not take a snapshot", error=repr(error))
        return outcomes

    def _remember_outcomes(self, outcomes: object) -> None:
        """Keep the poll's callers' outcomes for the queue detail."""
        if isinstance(outcomes, tuple):
            self.recent_outcomes.add(o for o in outcomes if isinstance(o, Outcome))

    def _show_queues(self) -> None:
        """The queue table from the board, today's figures, alerts and the trend."""
        self.query_one(QueuePanel).set_queues(
            self.board.queues,
            day=self.day_figures,
            alerted=self.alerted_subjects(),
            targets=self.options.queue_targets,
            trend=self.waiting_trend,
            available=self.queue_agents_available(),
            phone=self.show_phone,
        )

    def _queue_levels(self) -> tuple[QueueLevel, ...]:
        """Each queue's service level today against its target (for the wall's big view;
        only when there are few queues)."""
        queues = self.board.queues
        if not self.wall or len(queues) > MAX_QUEUE_CARDS:
            return ()
        levels = []
        for queue in self.query_one(QueuePanel).ordered_queues:
            row = self.day_figures.queue(queue.queue_id)
            value = row.get("service_level_pct") if row is not None else None
            target = self.options.queue_targets.for_queue(queue.queue_id, queue.name)
            levels.append(
                QueueLevel(
                    queue.name,
                    float(value) if isinstance(value, int | float) else None,
                    target.service_level_target_pct,
                )
            )
        return tuple(levels)

    def queue_agents_available(self) -> dict[int, int]:
        """Agents available per queue ID, where teams map agents to queues.

        Empty while no team maps a queue (config `[teams.NAME] queues = [...]`), and the
        queue table then shows no "Avail" column.
        """
        if not self.options.teams:
            return {}
        available: dict[int, int] = {}
        for queue in self.board.queues:
            staff = self.queue_staff(queue.queue_id, queue.name)
            if staff is not None:
                available[queue.queue_id] = staff.available
        return available

    # --- what the panels read besides the board ---------------------------------------------
    @property
    def day_figures(self) -> DayFigures:
        """The day's figures as the panels read them: made from the counted day when first
        read after a snapshot (a replay catching up counts hundreds of polls between two
        draws), or the hub's report."""
        if self._day_figures_due and self.recorder is not None:
            self._day_figures_due = False
            try:
                self._day_figures = self.recorder.figures(self.clock.now())
            except Exception as error:  # the figures must never take the live picture down
                self.log.error("the day's figures could not be made", error=repr(error))
                self._day_figures = DayFigures()
        return self._day_figures

    @day_figures.setter
    def day_figures(self, figures: DayFigures) -> None:
        self._day_figures = figures
        self._day_figures_due = False

    def show_phone(self, phone: str) -> str:
        """A caller's number as this screen may show it (masked per `mask_callers`)."""
        mode = self.options.mask_callers
        if mode == "always" or (mode == "wall" and self.wall):
            return mask_phone(phone)
        return phone

    def show_name(self, name: str) -> str:
        """A name (agent, queue, caller) as this screen draws it: in visual order when the
        board lays out right-to-left text (`bidi = "reorder"`, key `b`)."""
        return reorder_line(name) if self.bidi_reorder else name

    def show_sentence(self, text: str) -> str:
        """A sentence of the board's own holding names (an alert's), as this screen draws
        it: a left-to-right line, its right-to-left names laid out when the board does."""
        return reorder_line(text, sentence=True) if self.bidi_reorder else text

    def alerted_subjects(self) -> dict[tuple[str, str], str]:
        """Active alerts by subject: `("queue", "5001")` or `("agent", sip_id)` → the worst
        level ("warn" or "alert"), for the panels to mark the queue row or agent tile."""
        watch = self.alerts
        if watch is None:
            return {}
        marked: dict[tuple[str, str], str] = {}
        for alert in watch.book.active.values():
            subject = (alert.subject_kind, alert.subject_id)
            if marked.get(subject) != "alert":
                marked[subject] = str(alert.level.value)
        return marked

    def agents_to_call_out(self, waiting_queues: frozenset[int]) -> frozenset[str]:
        """The keys of the agents available while callers wait in `waiting_queues`. A queue
        that teams map (config `[teams.NAME] queues`) is answered by those teams' agents;
        any other queue by every agent."""
        teams = self.options.teams
        if not teams or not waiting_queues:
            return called_out(self.board.agents, waiting_queues)
        # Each waiting queue's teams, once: an agent answers the queues its teams answer.
        names = {queue.queue_id: queue.name for queue in self.board.queues}
        answering = {
            queue_id: set(teams.teams_for_queue(queue_id, names.get(queue_id, "")))
            for queue_id in waiting_queues
        }

        def answers(agent: AgentView) -> list[int]:
            mine = set(teams.teams_of(agent))
            return [queue_id for queue_id, names in answering.items() if not names or names & mine]

        return called_out(self.board.agents, waiting_queues, answers)

    def mark_agents(self, redraw: bool = True) -> None:
        """Hand the grid today's figures, the agents with an active alert, and the agents
        to call out (after new data, or when alerts are raised or cleared)."""
        marks = {
            subject: level
            for (kind, subject), level in self.alerted_subjects().items()
            if kind == "agent"
        }
        callout = self.agents_to_call_out(queues_with_waiting(self.board.queues))
        self.query_one(AgentGrid).set_day(self.day_figures, marks, callout, redraw=redraw)

    def _follow_timeline(self, now: float) -> None:
        """Add the snapshot's agents to their timelines of the day."""
        try:
            self.timeline.record(((a.key, a.style) for a in self.board.agents), now)
        except Exception as error:  # a timeline must never take the live picture down
            self.log.error("the timeline could not take a snapshot", error=repr(error))

    def _check_alerts_when_due(self, now: float) -> None:
        """Check the alerts when the last check is `ALERT_CHECK_S` old."""
        since_check = now - self._alerts_checked_at
        # (Negative: the clock was set back; checking then is cheaper than missing a while.)
        if since_check >= ALERT_CHECK_S or since_check < 0:
            self.check_alerts(now)

    def check_alerts(self, now: float) -> None:
        """Raise and clear alerts for `now`; notify off screen what is due."""
        watch = self.alerts
        if watch is None:
            return
        # A check before the first data counts for nothing: the first snapshot is checked.
        self._alerts_checked_at = now if self.board.snapshot is not None else float("-inf")
        try:
            changes = watch.check(self.board, self.health, now)
        except Exception as error:  # alerting must never take the live picture down
            self.log.error("alerts could not be checked", error=repr(error))
            return
        if changes.raised or changes.cleared:
            self.add_events([*alert_events(changes.raised), *cleared_events(changes.cleared)])
        if changes.notify:
            self._notify_terminal(changes.notify)
        if changes.raised or changes.cleared:
            self.mark_agents()
            for screen in self.screen_stack:
                if isinstance(screen, AlertList):
                    screen.refresh_alerts()

    def _notify_terminal(self, alerts: tuple[Alert, ...]) -> None:
        """The bell, and a desktop notification per alert, as configured."""
        if self.is_headless:
            return
        if self.options.bell:
            self.bell()
        kind = self.options.desktop
        if kind is None:
            return
        for alert in alerts[:3]:  # a storm: the first few, the list has the rest
            title = f"wallboard {alert.level.value}"
            text = alert.text_for(self.show_phone)
            write_to_terminal(self, desktop_sequence(kind, title, text, tmux=self.options.tmux))

    def health_note(self) -> str | None:
        """Lasting problems beside the feed's own: the day's store, and the source's own
        (a recording that cannot be written, say)."""
        notes = (
            self.recorder.problem if self.recorder is not None else None,
            getattr(self.source, "problem", None),
        )
        return " · ".join(note for note in notes if isinstance(note, str) and note) or None

    def replay_status(self, now: float) -> str | None:
        """What a replay says first on the health line (`wallboard.ui.replay`); None live."""
        return None

    def alert_summary(self, now: float) -> str | None:
        """What the health line says of alerts: how many, and whether muted."""
        watch = self.alerts
        if watch is None:
            return None
        active = list(watch.book.active.values())
        parts = []
        if active:
            worst = "alert" if any(a.level == "alert" for a in active) else "warn"
            parts.append(
                f"⚑ {len(active)} alert{'s' if len(active) != 1 else ''} ({worst}; a: list)"
            )
        if watch.book.is_muted(now):
            until = watch.book.muted_until or now
            parts.append(f"notifications muted for {format_duration(until - now)}")
        return " · ".join(parts) or None

    def _mute_summary(self, now: float) -> str:
        """Whether off-screen notifications are on (the alert list's title line)."""
        watch = self.alerts
        if watch is not None and watch.book.is_muted(now):
            until = watch.book.muted_until or now
            return f"notifications muted for {format_duration(until - now)}"
        return "notifications on"

    @on(PollFailed)
    def _poll_failed(self, message: PollFailed) -> None:
        failure = message.failure
        self.show_failure(failure.kind, failure.message, failure.retry_in_s)

    def show_failure(self, kind: str, text: str, retry_in_s: float) -> None:
        """A poll failed: keep the picture, say why, and when the next try comes."""
        now = self.clock.now()
        self.health = self.health.failed(kind, text, now + retry_in_s)
        self.redraw_timers()

    def _rearrange(self) -> None:
        teams = self.options.teams
        agents: Iterable[AgentView] = self.board.agents
        filter_text = self.filter_text
        # `/` naming a team, or a queue a team answers, shows that team's agents.
        chosen = teams.chosen_by(filter_text, self.board.queues) if teams else None
        if chosen is not None:
            agents, filter_text = teams.members(agents, chosen), ""
        arranged = arrange(
            agents,
            sort=self.sort,
            hide_logged_out=self.hide_logged_out,
            filter_text=filter_text,
        )
        grid = self.query_one(AgentGrid)
        grid.empty_note = self._empty_grid_note() if not arranged else ""
        if teams and self.group_by_team:
            grid.set_sections(teams.sections(arranged))
        else:
            grid.set_agents(arranged)
        self._set_grid_title(len(arranged))

    def _empty_grid_note(self) -> str:
        """Why the grid shows nobody, when the board has agents: the filter, or `h`."""
        if not self.board.agents:
            return ""
        if self.filter_text:
            what = (
                "names, SIP ids, teams and their queues"
                if self.options.teams
                else ("names and SIP ids (teams and queues need [teams.NAME] in the config)")
            )
            return f"No agent matches “{plain(self.filter_text, 40)}” in {what}. Esc clears it."
        if self.hide_logged_out:
            return "Every agent is logged out: h shows them."
        return ""

    def queue_staff(self, queue_id: int, queue_name: str) -> QueueStaff | None:
        """How many agents of the teams answering a queue are available, busy and away
        (for the queue table); None when no team maps the queue (config `[teams.NAME]`)."""
        teams = self.options.teams
        if not teams:
            return None
        return teams.counts_for_queue(queue_id, queue_name, self.board.agents)

    def action_toggle_groups(self) -> None:
        """Group the agents by team, or not (when teams are configured)."""
        if not self.options.teams:
            self.notify("No teams are configured ([teams.NAME] in the config).", timeout=4)
            return
        self.group_by_team = not self.group_by_team
        self._rearrange()
        self._show_selected_agent()

    def _set_grid_title(self, shown: int) -> None:
        grid = self.query_one(AgentGrid)
        parts = [f"Agents {shown}/{len(self.board.agents)}", f"sort: {self.sort}"]
        if self.options.teams and self.group_by_team:
            parts.append("by team")
        if self.hide_logged_out:
            parts.append("logged-out hidden")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        if self.wall and grid.page_count() > 1:
            parts.append(f"page {self._wall_page + 1}/{grid.page_count()}")
        stale = " · STALE" if self.screen.has_class("-stale") else ""
        grid.set_title(" · ".join(parts) + stale)
        # The waiting count lives in the totals: a title that changed each poll would
        # repaint the whole panel each poll.
        self.query_one(QueuePanel).set_title(f"Queues {len(self.board.queues)}{stale}")

    # --- the clock ------------------------------------------------------------------------
    def _timer_time(self, now: float, advance: bool) -> float:
        """The time every timer on screen reads: the last tick's, on the ticks' 1 s grid.

        Timers read at the tick's phase and again at a poll's (or a late tick's) would, for
        states that began between the two phases, stall a second and then jump two. So new
        data drawn between ticks reads the same time as the tick before it, and a tick
        reads its place on the grid of the interval timer's ticks, not the moment it ran.
        The grid is anchored at the first tick and follows slow drift (the wall clock
        against the timer's monotonic one) by a tenth of each tick's error, so one late
        tick barely moves it. New data within `EARLY_TICK_S` of the next tick is drawn at
        that tick's time (the ticks are moved to follow the data, `_line_ticks_up`), so
        the data and the tick cost one redraw, not two.
        """
        if advance:
            if self._tick_origin is None:
                self._tick_origin = now
            steps = round(now - self._tick_origin)
            self._tick_origin += (now - self._tick_origin - steps) * TICK_GRID_FOLLOW
            tick_time = self._tick_origin + steps
            early, self._drawn_early = self._drawn_early, None
            if early is None or abs(tick_time - early) >= 0.5:
                # Not the second new data had drawn early: every timer moves. (When it is,
                # the time stays exactly as drawn, so the views find nothing to redraw.)
                self._timer_now = tick_time
        elif self._tick_origin is None:
            self._timer_now = now  # no tick yet: read the time itself
        else:
            # Data just before a tick is drawn at the tick's time: the tick then finds its
            # timers drawn already, and the screen changes once instead of twice.
            upcoming = self._tick_origin + math.floor(now - self._tick_origin) + 1
            if upcoming - now <= EARLY_TICK_S and upcoming > self._timer_now:
                self._timer_now = self._drawn_early = upcoming
        return self._timer_now

    def _aligns_ticks(self) -> bool:
        """Data keeps a phase against the 1 Hz tick when it comes every whole second."""
        return (
            self.options.ticks
            and self._tick_timer is not None
            and float(self.health.interval_s).is_integer()
        )

    def _line_ticks_up(self, now: float) -> None:
        """Move the 1 Hz tick to come `POLL_LEAD_S` after data that arrived at `now`.

        The board does not steer when data comes (many boards follow one hub, which polls
        on its own cadence), so the ticks follow the data instead: data landing within
        `EARLY_TICK_S` before a tick is drawn at the tick's time (`_timer_time`) and the
        two cost one redraw. When it lands elsewhere, the tick grid moves once so that the
        next tick comes just after it; data on a whole-second cadence then keeps landing in
        the window, and the ticks stay put. Drawn now at the coming tick's time.
        """
        if not self._aligns_ticks() or self._tick_origin is None:
            return
        to_tick = (self._tick_origin - now) % 1.0
        if to_tick <= EARLY_TICK_S:
            return
        # A Textual timer keeps its phase through pause and reset: start a new one.
        self._tick_timer.stop()
        self._tick_origin = now + POLL_LEAD_S
        self._tick_timer = self.set_timer(POLL_LEAD_S, self._resume_ticks, name="tick-phase")

    def _resume_ticks(self) -> None:
        """The first tick on the moved grid; a new 1 Hz timer goes on from here."""
        self._tick_timer = self.set_interval(1.0, self.tick)
        self.tick()

    def tick(self) -> None:
        """The 1 Hz tick (the interval timer's, or a test's by hand): a second passed, and
        every timer on screen moves with it. The only thing called a tick."""
        self._draw_time(advance=True)

    def redraw_timers(self) -> None:
        """Redraw every timer and figure for the time they read now, without stepping the
        ticks' 1 s grid: after new data, a failed poll or a change of mode."""
        self._draw_time(advance=False)

    def _draw_time(self, advance: bool) -> None:
        try:
            grid = self.query_one(AgentGrid)
            queues = self.query_one(QueuePanel)
        except NoMatches:
            return  # a last timer firing while the app shuts down: nothing left to draw
        now = self.clock.now()
        if advance:
            self._roll_ticker(now)
        shown = self._timer_time(now, advance)
        grid.show_time(shown)
        queues.show_time(shown)
        queues.set_alerts(self.alerted_subjects())
        totals = self.query_one(TotalsBar)
        level = self.board.wait_level(self.board.totals.oldest_join_utc, shown)
        totals.show(
            self.board.totals if self.board.snapshot is not None else None,
            shown,
            f"wait-{level.value}",
            self._wait_styles.get(level, Style()),
            day=self.day_figures.centre if self.day_figures.known else None,
            target_pct=self.options.queue_targets.default.service_level_target_pct,
            queue_levels=self._queue_levels(),
            wait_styles=self._wait_styles,
        )
        # Old data, or an answer too odd to trust (no extensions after many): say why.
        reason = (
            self.health.stale_reason(now) if self.health.is_stale(now) else self.board.suspicious
        )
        stale = reason is not None
        totals.set_stale(reason)
        if stale != self.screen.has_class("-stale"):
            # Every figure on screen must read as stale, not only the banner's.
            self.screen.set_class(stale, "-stale")
            self._set_grid_title(len(grid.agents))
        warning = self.board.suspicious or self.board.inconsistent
        failing = self.health.error is not None or stale or warning is not None
        self.query_one(HealthLine).show(
            health_text(
                self.health,
                now,
                warning,
                self.options.local_time,
                note=self.health_note(),
                alerts=self.alert_summary(now),
                replay=self.replay_status(now),
            ),
            failing,
        )
        if self.detail_for is not None:
            self._show_detail(shown)
        if advance:
            self._check_alerts_when_due(now)
        if advance and self.wall:
            self._turn_wall(grid)

    # --- themes ---------------------------------------------------------------------------
    def _theme_changed(self, _theme: object) -> None:
        self._apply_theme()

    def _apply_theme(self) -> None:
        board_theme = self.board_themes.get(self.theme) or self.board_themes.get(DEFAULT_THEME)
        if board_theme is None:
            return
        styles = board_styles(board_theme, self.current_theme)
        self._add_status_colours(styles.states)
        self._wait_styles = styles.waits
        self._state_styles = styles.states
        self.query_one(AgentGrid).set_board_styles(styles.states, styles.base)
        self.query_one(AgentGrid).set_alert_styles(styles.waits)
        self.query_one(QueuePanel).set_board_styles(styles.waits, styles.base)
        self._level_styles = {
            "warn": styles.waits[WaitLevel.WARN],
            "alert": styles.waits[WaitLevel.ALERT],
        }
        self.draw_ticker(force=True)

    def _add_status_colours(self, states: dict[str, Style]) -> None:
        """The centre's own status colours over the theme's (config `[statuses."N"]`); a
        code the built-in list lacks, without a colour of its own, takes "Other"'s."""
        vocabulary = self.options.statuses
        fallback = states.get(CUSTOM_FALLBACK_STYLE)
        for style in vocabulary.custom_styles:
            if fallback is not None:
                states.setdefault(style, fallback)
        for style, colour in vocabulary.colours.items():
            try:
                parsed = Color.parse(colour)
            except ColorParseError:
                problem = f"status colour {colour!r} is not one the board knows; theme colour used"
                if problem not in self.theme_problems:
                    self.theme_problems.append(problem)
                continue
            states[style] = Style(
                color=parsed.get_contrast_text(1.0).rich_color,
                bgcolor=parsed.rich_color,
                bold=True,
            )

    # --- keys -----------------------------------------------------------------------------
    def action_quit_board(self) -> None:
        """Leave with exit code 0."""
        self.exit(0)

    async def on_unmount(self) -> None:
        """Stop following the source, release its connections and the metrics file."""
        self.workers.cancel_group(self, "poll")
        self.metrics.close()
        if self.alerts is not None:
            await self.alerts.aclose()
        if self.recorder is not None:
            await asyncio.to_thread(self.recorder.close)
        close = getattr(self.source, "aclose", None)
        if close is not None:
            await close()

    def action_help(self) -> None:
        """Show the keys."""
        self.push_screen(HelpScreen())

    def action_alerts(self) -> None:
        """Open the alert list."""
        watch = self.alerts
        if watch is None:
            self.notify("Alerts are off on this board.", title="Alerts", timeout=4)
            return
        self.push_screen(
            AlertList(
                watch.book.listing,
                self.clock.now,
                lambda: self._mute_summary(self.clock.now()),
                self._acknowledge,
                self.action_mute,
                show_phone=self.show_phone,
                bidi=self.show_sentence,
            )
        )

    def _acknowledge(self, key: str) -> None:
        if self.alerts is not None and self.alerts.acknowledge(key):
            self.redraw_timers()

    def action_mute(self) -> None:
        """Mute off-screen notifications for a while (15 minutes unless set), or unmute."""
        watch = self.alerts
        if watch is None:
            return
        now = self.clock.now()
        muted = watch.book.is_muted(now)
        watch.book.mute(now, 0 if muted else self.options.mute_s)
        self.notify(
            "Notifications on again."
            if muted
            else f"Notifications muted for {format_duration(self.options.mute_s)}.",
            title="Alerts",
            timeout=4,
        )
        self.redraw_timers()

    def action_filter(self) -> None:
        """Open the filter box."""
        self.screen.add_class("-filtering")
        box = self.query_one("#filter", Input)
        box.value = self.filter_text
        box.focus()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.filter_text = event.value.strip()
        self.screen.remove_class("-filtering")
        self._rearrange()
        grid = self.query_one(AgentGrid)
        grid.scroll_to(y=0, animate=False)
        grid.select(0)
        grid.focus()

    def action_close(self) -> None:
        """Escape: close the filter (clearing it), else the detail pane."""
        if self.screen.has_class("-filtering") or (self.filter_text and self.detail_for is None):
            self.filter_text = ""
            self.query_one("#filter", Input).value = ""
            self.screen.remove_class("-filtering")
            self._rearrange()
            self.query_one(AgentGrid).focus()
        elif self.detail_for is not None:
            self.detail_for = None
            self.screen.remove_class("-detail")
            self._show_selected_agent()

    def action_cycle_sort(self) -> None:
        """Next sort order."""
        self.sort = self.sort.next()
        self._rearrange()
        self._show_selected_agent()

    def action_toggle_hidden(self) -> None:
        """Hide or show logged-out agents."""
        self.hide_logged_out = not self.hide_logged_out
        self._rearrange()
        self._show_selected_agent()

    def action_toggle_compact(self) -> None:
        """Tiles or one line per agent."""
        self.compact = not self.compact
        self.query_one(AgentGrid).set_compact(self.compact)
        self._show_selected_agent()

    def _show_selected_agent(self) -> None:
        """Once the grid is laid out again, the cursor's agent in view."""
        self.call_after_refresh(self.query_one(AgentGrid).show_selected)

    def action_toggle_wall(self) -> None:
        """Wall mode on or off."""
        self._set_wall(not self.wall)

    def action_toggle_bidi(self) -> None:
        """Right-to-left names: laid out by the board, or left to the terminal."""
        self._set_bidi(not self.bidi_reorder)
        where = "laid out by the board" if self.bidi_reorder else "left to the terminal"
        self.notify(f"Right-to-left names {where}.", title="Bidi", timeout=4)

    def _set_bidi(self, reorder: bool) -> None:
        self.bidi_reorder = reorder
        self.query_one(AgentGrid).set_bidi(reorder)
        queues = self.query_one(QueuePanel)
        queues.bidi_reorder = reorder
        queues.redraw_all()
        self.draw_ticker(force=True)

    def action_refresh_now(self) -> None:
        """Ask the source for fresh data now (a poller polls; a hub's follower cannot)."""
        refresh = getattr(self.source, "refresh", None)
        if refresh is not None:
            refresh()

    def _set_wall(self, wall: bool) -> None:
        if wall != self.wall and self.options.theme is None:
            # A wall screen is read across a room: high contrast unless a theme was named.
            self.theme = WALL_THEME if wall else DEFAULT_THEME
        self.wall = wall
        self.screen.set_class(wall, "-wall")
        grid = self.query_one(AgentGrid)
        queues = self.query_one(QueuePanel)
        grid.show_cursor = queues.show_cursor = not wall
        grid.wall = wall
        grid.redraw_all()
        queues.redraw_all()
        if self.board.snapshot is not None:
            self._show_queues()  # caller numbers are masked on a wall
        self._first_wall_page()
        if not wall:
            grid.show_page(0)
            if self.focused is None:
                # The wall's views hid the focused panel: the cursor comes back on the grid.
                self.call_after_refresh(grid.focus)
        self.wall_rotation.restart(self.clock.monotonic())
        self._show_wall_view()
        self.redraw_timers()  # the big figures are only kept up to date in wall mode

    # --- details --------------------------------------------------------------------------
    @on(AgentGrid.AgentChosen)
    def _agent_chosen(self, message: AgentGrid.AgentChosen) -> None:
        self.detail_for = message.agent
        self._detail_gone_since = None
        self._open_detail()

    @on(QueuePanel.QueueChosen)
    def _queue_chosen(self, message: QueuePanel.QueueChosen) -> None:
        self.detail_for = message.queue
        self._detail_gone_since = None
        self._open_detail()

    @on(QueuePanel.CallerChosen)
    def _caller_chosen(self, message: QueuePanel.CallerChosen) -> None:
        self.detail_for = message.caller
        self._detail_gone_since = None
        self._open_detail()

    def _open_detail(self) -> None:
        self.screen.add_class("-detail")
        self._show_selected_agent()  # the pane narrows the grid: its lines reflow
        # The time the other timers read, so the pane's timers turn over with theirs.
        self._show_detail(self._timer_time(self.clock.now(), advance=False))

    def _refresh_detail_target(self) -> None:
        """After new data, follow the same agent or caller, or note when it has gone."""
        target = self.detail_for
        found: AgentView | CallerView | QueueView | None = None
        if isinstance(target, AgentView):
            found = next((a for a in self.board.agents if a.key == target.key), None)
        elif isinstance(target, CallerView):
            found = next(
                (c for q in self.board.queues for c in q.callers if c.call_id == target.call_id),
                None,
            )
        elif isinstance(target, QueueView):
            found = next((q for q in self.board.queues if q.queue_id == target.queue_id), None)
        if found is not None:
            self.detail_for = found
            self._detail_gone_since = None
        elif target is not None and self._detail_gone_since is None:
            self._detail_gone_since = self.clock.now()

    def _show_detail(self, now: float) -> None:
        target = self.detail_for
        pane = self.query_one(DetailPane)
        if isinstance(target, AgentView):
            pane.set_title("Agent detail (Esc closes)")
            pane.show(
                agent_detail(
                    target,
                    self.board.snapshot,
                    now,
                    self.options.local_time,
                    self._detail_gone_since,
                    today=self.day_figures.agent(target.username),
                    counted=self.day_figures.known,
                    timeline=self.timeline.row(target.key),
                    styles=self._state_styles,
                    show_phone=self.show_phone,
                    status_name=self.board.statuses.label,
                    bidi=self.show_name,
                )
            )
        elif isinstance(target, CallerView):
            pane.set_title("Waiting caller (Esc closes)")
            pane.show(
                caller_detail(
                    target,
                    now,
                    self.options.local_time,
                    self._detail_gone_since,
                    show_phone=self.show_phone,
                    bidi=self.show_name,
                )
            )
        elif isinstance(target, QueueView):
            pane.set_title("Queue detail (Esc closes)")
            pane.show(
                queue_detail(
                    target,
                    self.day_figures.queue(target.queue_id),
                    self.options.queue_targets.for_queue(target.queue_id, target.name),
                    self.recent_outcomes.last(target.queue_id)
                    if self.recorder is not None
                    else None,
                    now,
                    self.options.local_time,
                    self._detail_gone_since,
                    self.show_phone,
                    bidi=self.show_name,
                )
            )

    # --- layout and terminal --------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        """Narrow terminals stack the queues under the grid."""
        # The event carries the new size; self.size may still hold the old one.
        self.screen.set_class(event.size.width < NARROW_WIDTH, "-narrow")
        self.screen.set_class(event.size.width >= WIDE_WIDTH, "-wide")
        self.call_after_refresh(self.draw_ticker, True)  # the panel's height may change
        if self.wall and self._agents_shown():
            # Pages are cut anew at the new size: the first again, and its title.
            self._first_wall_page()
            self.call_after_refresh(self._agents_back)

    # --- the ticker ---------------------------------------------------------------------
    def _take_events(
        self, before: Sequence[AgentView], outcomes: Sequence[Outcome], now: float
    ) -> None:
        """Ticker events from a new snapshot: the poll's outcomes and agents' status changes
        between the board before it (`before`) and now."""
        try:
            events = [*outcome_events(outcomes), *status_changes(before, self.board.agents, now)]
        except Exception as error:  # the ticker must never take the live picture down
            self.log.error("ticker events could not be made", error=repr(error))
            return
        self.add_events(events)

    def _take_hub_events(self, events: Iterable[Event]) -> None:
        """A hub's outcomes, each once. Status changes and alerts are the board's own
        (from the snapshots it shows and the alerts it relays): not taken twice."""
        self.add_events(self._hub_events.fresh(e for e in events if e.kind in OUTCOME_KINDS))

    def _roll_ticker(self, now: float) -> None:
        """A new business day starts an empty list of today's events."""
        try:
            if self.ticker.roll(now):
                self.draw_ticker()
        except Exception as error:  # the ticker must never take the live picture down
            self.log.error("the ticker could not follow the day", error=repr(error))

    def add_events(self, events: Iterable[Event]) -> None:
        """Put events on the ticker (a batch in any order) and draw them."""
        batch = list(events)
        if batch:
            try:
                self.ticker.add(batch)
            except Exception as error:  # the ticker must never take the live picture down
                self.log.error("ticker events could not be added", error=repr(error))
            self.draw_ticker()

    def draw_ticker(self, force: bool = False) -> None:
        """Draw the ticker's line and panel when there is news (or `force`: a new theme,
        size, wall view or masking); not while the full list is open (paused)."""
        if self.ticker_paused:
            return
        key = (self.ticker.added, self.wall, self.wall_rotation.pinned, self.wall_rotation.view)
        if not force and key == self._ticker_drawn:
            return
        try:
            line = self.query_one(TickerLine)
            panel = self.query_one(TickerPanel)
        except NoMatches:
            return
        self._ticker_drawn = key
        note = self._wall_note()
        events = self.ticker.latest(max(12, panel.rows()))
        line.show(
            ticker_line(
                events,
                self.show_phone,
                self._level_styles,
                note + "Latest (t): ",
                show_sentence=self.show_sentence,
            )
        )
        title = f"{note}Latest (t: all today)"
        if str(panel.border_title) != title:
            # Setting a title repaints the whole panel, even the same title: only on change.
            panel.border_title = title
        panel.show(
            events,
            self.show_phone,
            self._level_styles,
            self.options.local_time,
            show_sentence=self.show_sentence,
        )

    def _wall_note(self) -> str:
        """In wall mode, which view is on and whether it is pinned (for the ticker's label)."""
        if not self.wall or not self.wall_rotation.pinned:
            return ""
        return f"{self.wall_rotation.view} pinned (p) · "

    def action_ticker(self) -> None:
        """Pause the ticker and open today's events in full."""
        self.ticker_paused = True
        self.push_screen(
            TickerList(
                list(self.ticker.events),
                self.show_phone,
                self._level_styles,
                self.options.local_time,
                show_sentence=self.show_sentence,
            ),
            callback=self._ticker_closed,
        )

    def _ticker_closed(self, _result: None = None) -> None:
        self.ticker_paused = False
        self.draw_ticker(force=True)

    # --- the wall's views -------------------------------------------------------------------
    def _show_wall_view(self) -> None:
        """Mark the screen with the wall's view (`-view-centre`, ...); the stylesheet shows
        and hides the panels. Outside wall mode no view is marked: every panel shows."""
        for view in WALL_VIEWS:
            self.screen.set_class(self.wall and self.wall_rotation.view == view, f"-view-{view}")
        self.query_one(TickerPanel).max_rows = None if self.wall else SIDE_PANEL_ROWS
        self.draw_ticker(force=True)
        if self.wall and self._agents_shown():
            # Each visit starts on the first page. The grid was hidden (no size, one page
            # per row): its page and title are right only once it is laid out again.
            self._first_wall_page()
            self.call_after_refresh(self._agents_back)

    def _turn_wall(self, grid: AgentGrid) -> None:
        """The wall's next view when the current one has had its time; in the agents' view,
        the next page every `WALL_PAGE_SECONDS` (the view stays until each page has had
        that long, so no page is on screen for a moment only)."""
        now = self.clock.monotonic()
        pages = grid.page_count() if self._agents_shown() else 1
        paged = pages > 1 and self.wall_rotation.view == "agents"
        stay = pages * WALL_PAGE_SECONDS if paged else 0.0
        if self.wall_rotation.update(now, stay_s=stay):
            self._show_wall_view()
            return
        if not self._agents_shown():
            return
        if now < self._wall_page_at:
            self._wall_page_at = now  # the clock went back: count from here
        if now - self._wall_page_at >= WALL_PAGE_SECONDS:
            self._wall_page_at = now
            self._wall_page = (self._wall_page + 1) % pages if pages > 1 else 0
            grid.show_page(self._wall_page)
            self._set_grid_title(len(grid.agents))

    def _first_wall_page(self) -> None:
        """The agents' view starts on its first page, with the page's full time."""
        self._wall_page = 0
        self._wall_page_at = self.clock.monotonic()

    def _agents_shown(self) -> bool:
        """Whether the agent grid is on screen (always, outside wall mode)."""
        return not self.wall or self.wall_rotation.view == "agents"

    def _agents_back(self) -> None:
        grid = self.query_one(AgentGrid)
        pages = grid.page_count()
        self._wall_page = self._wall_page % pages if pages > 1 else 0
        grid.show_page(self._wall_page)
        self._set_grid_title(len(grid.agents))

    def action_pin_wall_view(self) -> None:
        """Keep the wall's current view on screen, or let the views rotate again."""
        if not self.wall:
            self.notify("Views rotate in wall mode (w); p pins one there.", title="Wall", timeout=4)
            return
        pinned = self.wall_rotation.toggle_pin(self.clock.monotonic())
        view = self.wall_rotation.view
        self.notify(
            f"The {view} view stays on screen (p: rotate again)."
            if pinned
            else f"Views rotate every {format_duration(self.wall_rotation.every_s)}.",
            title="Wall",
            timeout=4,
        )
        self.draw_ticker(force=True)
