"""The board on a recording (`wallboard replay`): the live board, plus the replay's keys
and a health line that starts with REPLAY and the recorded time.

Everything else is the live board's own code, fed by a replay source and its clock
(`wallboard.sources.replay`), so the picture is what it was then.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from wallboard.core.day_figures import DayFigures
from wallboard.core.durations import format_duration
from wallboard.core.snapshot import Snapshot
from wallboard.ui.app import WallboardApp
from wallboard.ui.widgets.totals import TotalsBar

REPLAY_BINDINGS: list[BindingType] = [
    Binding("space", "replay_pause", "Pause/play"),
    Binding("full_stop", "replay_step", "Step", show=False),
    Binding("plus", "replay_faster", "Faster", show=False),
    Binding("minus", "replay_slower", "Slower", show=False),
    Binding("greater_than_sign", "replay_jump", "+10 min"),
    Binding("J", "replay_jump_to", "Jump to", show=False),
]


class ReplayControls(Protocol):
    """What the replay's keys drive (`wallboard.sources.replay.ReplaySource`)."""

    ended: str | None

    def toggle_pause(self) -> bool:
        """Pause or play on; whether it is now paused."""
        ...

    def step(self) -> None:
        """Pause and show the next recorded poll."""
        ...

    def faster(self) -> float:
        """Speed up; the new speed."""
        ...

    def slower(self) -> float:
        """Slow down; the new speed."""
        ...

    def jump(self, seconds: float = ...) -> None:
        """Move forward by `seconds`."""
        ...

    def jump_to(self, at: float) -> bool:
        """Move forward to `at`; False when it is not ahead."""
        ...

    def shown(self) -> None:
        """The board took the record last handed over."""
        ...

    def status(self, now: float) -> str:
        """What the health line says first."""
        ...


class _CatchingUpCounter:
    """The day's counter, without the day's figures while a replay catches up.

    Every record is counted as it comes (so the figures, the ticker's outcomes and the
    alerts are the day's), but the figures the panels read are made once the jump has
    caught up, not for each of the hundreds of polls on the way.
    """

    def __init__(self, counter: Any, replay: Any) -> None:
        self.counter = counter
        self.replay = replay

    def __getattr__(self, name: str) -> Any:
        return getattr(self.counter, name)

    @property
    def problem(self) -> str | None:
        """The counter's problem."""
        return self.counter.problem  # type: ignore[no-any-return]

    def record(self, snapshot: Snapshot) -> object:
        """Count one snapshot (its outcomes, as the counter returns them)."""
        return self.counter.record(snapshot)

    def report(self, now: float) -> dict[str, Any] | None:
        """The day's figures; while catching up, None (the panels wait for the end)."""
        if getattr(self.replay, "catching_up", False):
            return None
        return self.counter.report(now)  # type: ignore[no-any-return]

    def figures(self, now: float) -> DayFigures:
        """The day's figures for the panels; while catching up, none (as `report`)."""
        if getattr(self.replay, "catching_up", False):
            return DayFigures()
        return self.counter.figures(now)  # type: ignore[no-any-return]

    def close(self, timeout_s: float = 5.0) -> bool:
        """Finish the counter's writing."""
        return self.counter.close(timeout_s)  # type: ignore[no-any-return]


class ReplayApp(WallboardApp):
    """The wallboard on a recording, with keys to pause, step, change speed and jump."""

    BINDINGS = REPLAY_BINDINGS

    def __init__(self, source: Any, *args: Any, notice: str | None = None, **kwargs: Any) -> None:
        if kwargs.get("recorder") is not None:
            kwargs["recorder"] = _CatchingUpCounter(kwargs["recorder"], source)
        super().__init__(source, *args, **kwargs)
        self.replay: ReplayControls = source
        self._notice = notice  # said once the board is up (a damaged file, say)
        listeners = getattr(source, "caught_up_listeners", None)
        if listeners is not None:
            listeners.append(lambda: self.call_later(self._caught_up))

    def _caught_up(self) -> None:
        """A jump has caught up: the day's figures as of now, drawn."""
        if self.recorder is not None:
            self.day_figures = self.recorder.figures(self.clock.now())
        self.redraw_timers()

    @on(events.Mount)
    def _say_notice(self) -> None:
        if self._notice:
            self.notify(self._notice, title="Replay", severity="warning", timeout=15)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Take a recorded snapshot, then tell the replay it may hand over the next."""
        try:
            super().show_snapshot(snapshot)
        finally:
            self.replay.shown()

    def show_failure(self, kind: str, text: str, retry_in_s: float) -> None:
        """A recorded failure, shown as it was; then the next record may come."""
        try:
            super().show_failure(kind, text, retry_in_s)
        finally:
            self.replay.shown()

    def replay_status(self, now: float) -> str | None:
        """REPLAY, the recorded time and the pace, first on the health line."""
        return self.replay.status(now)

    def tick(self) -> None:
        """The live board's tick, and the totals titled REPLAY, not Live."""
        super().tick()
        self._title_totals()

    def redraw_timers(self) -> None:
        """The live board's redraw, and the totals titled REPLAY, not Live."""
        super().redraw_timers()
        self._title_totals()

    def _title_totals(self) -> None:
        try:
            totals = self.query_one(TotalsBar)
        except NoMatches:
            return
        title = "REPLAY · STALE" if self.screen.has_class("-stale") else "REPLAY"
        if totals.border_title != title:
            totals.border_title = title

    def action_replay_pause(self) -> None:
        """Pause, or play on."""
        self.replay.toggle_pause()
        self.redraw_timers()

    def action_replay_step(self) -> None:
        """Pause and show the next recorded poll."""
        self.replay.step()
        self.redraw_timers()

    def action_replay_faster(self) -> None:
        """Replay faster."""
        self.replay.faster()
        self.redraw_timers()

    def action_replay_slower(self) -> None:
        """Replay slower."""
        self.replay.slower()
        self.redraw_timers()

    def action_replay_jump(self) -> None:
        """Ten minutes forward (every poll on the way is taken in turn)."""
        self.replay.jump()
        self.redraw_timers()

    def action_replay_jump_to(self) -> None:
        """Ask for a time to jump to."""
        self.push_screen(JumpScreen(), self._jump_to)

    def _jump_to(self, wanted: str | None) -> None:
        if not wanted:
            return
        now = self.clock.now()
        target = jump_target(wanted, now)
        if target is None:
            self.notify(f"{wanted!r} is not a time (HH:MM)", title="Replay", severity="warning")
        elif not self.replay.jump_to(target):
            self.notify(
                "The replay runs forward only: restart it with --from HH:MM.",
                title="Replay",
                severity="warning",
            )
        else:
            ahead = format_duration(target - now)
            self.notify(f"Jumping {ahead} forward.", title="Replay", timeout=3)
        self.redraw_timers()


def jump_target(wanted: str, now: float) -> float | None:
    """`HH:MM` (or `HH:MM:SS`) on the day being replayed, in the board's zone."""
    parts = wanted.strip().split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() and len(p) <= 2 for p in parts):
        return None
    hour, minute, second = (int(p) for p in (*parts, "0")[:3])
    if hour > 23 or minute > 59 or second > 59:
        return None
    day = datetime.fromtimestamp(now)
    return day.replace(hour=hour, minute=minute, second=second, microsecond=0).timestamp()


class JumpScreen(ModalScreen[str | None]):
    """One line asking for the time to jump to."""

    DEFAULT_CSS = """
    JumpScreen { align: center middle; }
    JumpScreen > Vertical { width: 44; height: auto; border: round $accent; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        """A label and the time box."""
        with Vertical():
            yield Label("Jump forward to (HH:MM), Enter to go:")
            yield Input(placeholder="14:30", id="jump-time")

    def on_mount(self) -> None:
        """Type straight away."""
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without jumping."""
        self.dismiss(None)
