"""Replaying a recording: a clock that runs on the recording's time, and a source that
yields each recorded snapshot and failure when that clock reaches it.

The board replays through the very code that ran live (board, day counters, alerts,
ticker); only the clock and the source differ. The clock follows the recording's time at
`speed` times the real one, and can be paused, sped up, slowed down and moved forward.
Moving forward (a jump, or `--from`) does not skip polls: every record up to the target is
handed over in turn, with the clock set to its time and the next one held back until the
board has taken it (`shown`), so the day's figures, the alerts and the ticker are what
they were at the target. The replay runs forward only.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from wallboard.core.clock import Clock
from wallboard.core.snapshot import Snapshot
from wallboard.sources.base import SourceEvent, SourceFailure
from wallboard.sources.recording import Record, RecordedFailure, RecordingReader

SPEEDS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
JUMP_S = 600.0
# How long the source waits for the board to take a record while catching up; a board
# busy elsewhere only slows the catching up, it never stops it.
TAKE_TIMEOUT_S = 2.0
# The longest real wait between looks at the clock (a speed change is seen within it).
MAX_WAIT_S = 0.5


class ReplayClock:
    """The recording's time: `start`, moving at `speed` times the `real` clock's pace."""

    def __init__(self, real: Clock, start: float, speed: float = 1.0) -> None:
        self.real = real
        self.speed = speed
        self.paused = False
        self._position = start
        self._anchor = real.monotonic()

    def now(self) -> float:
        """The recorded UTC time being shown."""
        if self.paused:
            return self._position
        return self._position + (self.real.monotonic() - self._anchor) * self.speed

    def monotonic(self) -> float:
        """The same time: it never goes back (the replay runs forward only)."""
        return self.now()

    def set(self, at: float) -> None:
        """Move to `at` (forward only), keeping the pace and the pause."""
        self._position = max(at, self.now())
        self._anchor = self.real.monotonic()

    def pause(self, paused: bool) -> None:
        """Stop or restart the clock where it stands."""
        self._position = self.now()
        self._anchor = self.real.monotonic()
        self.paused = paused

    def set_speed(self, speed: float) -> None:
        """Change the pace from now on."""
        self._position = self.now()
        self._anchor = self.real.monotonic()
        self.speed = speed


def _time_of(record: Record) -> float:
    return record.fetched_at if isinstance(record, Snapshot) else record.at


def local_time(epoch: float) -> str:
    """A time as the board shows it (the machine's zone), with its date."""
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


class ReplaySource:
    """Yields a recording's records as the replay clock reaches them (see the module).

    `start_at`: hand over everything before it at once (`--from`); `stop_at`: stop the
    clock there (`--to`). The controls (`toggle_pause`, `step`, `faster`, `slower`,
    `jump`) are what the replay's keys call; `status` is what its health line says.
    """

    relayed = False

    def __init__(
        self,
        reader: RecordingReader,
        clock: ReplayClock,
        *,
        start_at: float | None = None,
        stop_at: float | None = None,
        damage: str | None = None,
    ) -> None:
        self.reader = reader
        self.clock = clock
        self.name = reader.source
        self.stop_at = stop_at
        self.ended: str | None = None  # why the replay stopped, once it has
        self._known_damage = damage
        self._catch_up_to = start_at
        self._step = False
        self._resume: bool | None = None  # catching up: whether to play on after
        self._wake: asyncio.Event | None = None
        # Called when a jump (or `--from`) has caught up: the board shows what it skipped.
        self.caught_up_listeners: list[Callable[[], None]] = []
        self._taken: asyncio.Event | None = None

    # --- the stream -------------------------------------------------------------------------
    async def events(self) -> AsyncIterator[SourceEvent]:
        """Each record when its time comes, until the recording (or `stop_at`) ends."""
        self._wake, self._taken = asyncio.Event(), asyncio.Event()
        for record in self.reader.records():
            at = _time_of(record)
            if self.stop_at is not None and at > self.stop_at:
                await self._run_clock_to(self.stop_at)
                self._finish(f"stopped at {local_time(self.stop_at)} (--to)", self.stop_at)
                return
            catching_up = self._catch_up_to is not None and at <= self._catch_up_to
            if not catching_up:
                self._caught_up()
                catching_up = await self._wait_for(at)
            if catching_up:
                self._hold_clock()
            if catching_up or self.clock.paused:
                self.clock.set(at)
            self._taken.clear()
            yield _event(record)
            if catching_up:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(TAKE_TIMEOUT_S):
                        await self._taken.wait()
        damage = self.reader.damage
        last = self.reader.last_utc
        if damage is not None:
            self._finish(f"stopped: {damage.describe(lambda t: local_time(t)[11:])}", last)
        else:
            self._finish("end of the recording", last)

    def _hold_clock(self) -> None:
        """While catching up the clock stands at each record's time (a board slow to take
        one must not see the next one's time run past)."""
        if self._resume is None:
            self._resume = not self.clock.paused
            self.clock.pause(True)

    def _caught_up(self) -> None:
        """Past the jump's target: the clock goes on from the target, as it was."""
        if self._catch_up_to is None:
            return
        self.clock.set(self._catch_up_to)
        self._catch_up_to = None
        if self._resume:
            self.clock.pause(False)
        self._resume = None
        for listener in self.caught_up_listeners:
            listener()

    async def _wait_for(self, at: float) -> bool:
        """Wait until the clock reaches `at` (or a step or jump says go); True when a jump
        came meanwhile (the record is then handed over at once, as catching up)."""
        assert self._wake is not None
        while True:
            if self._catch_up_to is not None and at <= self._catch_up_to:
                return True
            if self._step:
                self._step = False
                return False
            due = at - self.clock.now()
            if due <= 0:
                return False
            self._wake.clear()
            wait = None if self.clock.paused else min(due / self.clock.speed, MAX_WAIT_S)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    async def _run_clock_to(self, at: float) -> None:
        assert self._wake is not None
        while self.clock.now() < at and self._catch_up_to is None and not self._step:
            self._wake.clear()
            wait = None if self.clock.paused else min(at - self.clock.now(), MAX_WAIT_S)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    def _finish(self, why: str, at: float | None) -> None:
        if at is not None:
            self.clock.set(at)
        self.clock.pause(True)
        self.ended = why
        if self._catch_up_to is not None:
            self._catch_up_to, self._resume = None, None
            for listener in self.caught_up_listeners:
                listener()

    @property
    def catching_up(self) -> bool:
        """Whether records are being handed over at once (a jump, or `--from`)."""
        return self._catch_up_to is not None

    def shown(self) -> None:
        """The board took the last record handed over (it may hand over the next)."""
        if self._taken is not None:
            self._taken.set()

    # --- the controls -----------------------------------------------------------------------
    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def toggle_pause(self) -> bool:
        """Pause or play on; returns whether it is now paused."""
        if self.ended is not None:
            return True
        if self._resume is not None:  # catching up: decide what happens after
            self._resume = not self._resume
            return not self._resume
        self.clock.pause(not self.clock.paused)
        self._poke()
        return self.clock.paused

    def step(self) -> None:
        """Pause, and show the next recorded poll."""
        if self.ended is None:
            self.clock.pause(True)
            self._step = True
            self._poke()

    def faster(self) -> float:
        """The next speed up; returns it."""
        faster = next((s for s in SPEEDS if s > self.clock.speed), self.clock.speed)
        self.clock.set_speed(faster)
        self._poke()
        return faster

    def slower(self) -> float:
        """The next speed down; returns it."""
        slower = next((s for s in reversed(SPEEDS) if s < self.clock.speed), self.clock.speed)
        self.clock.set_speed(slower)
        self._poke()
        return slower

    def jump(self, seconds: float = JUMP_S) -> None:
        """Move `seconds` forward, every poll on the way taken in turn."""
        self.jump_to(self.clock.now() + seconds)

    def jump_to(self, at: float) -> bool:
        """Move forward to `at`; False when `at` is not ahead (the replay runs forward only)."""
        if self.ended is not None or at <= self.clock.now():
            return False
        self._catch_up_to = at
        self._poke()
        return True

    def refresh(self) -> None:
        """Nothing to refresh: the recording is what it is."""

    async def aclose(self) -> None:
        """Nothing held open between records."""

    def status(self, now: float) -> str:
        """What the health line says first: REPLAY, the recorded time, the pace, and why
        it stopped once it has."""
        parts = [f"REPLAY {local_time(now)}", f"×{self.clock.speed:g}"]
        if self.ended is not None:
            parts.append(self.ended)
        elif self._catch_up_to is not None:
            parts.append(f"catching up to {local_time(self._catch_up_to)[11:]}")
        elif self.clock.paused:
            parts.append("paused (space plays, . steps)")
        return " · ".join(parts)


def _event(record: Record) -> SourceEvent:
    if isinstance(record, RecordedFailure):
        return SourceFailure(record.kind, record.message, record.retry_in_s)
    return record
