"""Each agent's day as a strip of slots: the state that filled most of each quarter hour.

Fed by the board's snapshots (the agents' keys and state style keys, and the time), it
adds the time between two snapshots to the state each agent was in at the first of them,
per slot; when a slot ends, each agent's dominant state in it is kept as one byte. Bounded:
slots × agents (at most `max_agents`, the rest not followed) and the distinct states.
A board sees only what happened while it ran: slots before its first snapshot are empty,
as are slots inside a gap in the data longer than `max_gap_s`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wallboard.core.calendar import DayCalendar

SLOT_S = 900.0  # a quarter hour: 96 cells a day
MAX_AGENTS = 10_000
MAX_STATES = 250  # style keys kept apart; past it, states share "other"
MAX_GAP_S = 60.0  # longer between snapshots: the time between is not counted


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One agent's day: per slot the dominant state's style key, or None (no data)."""

    day_start_utc: float
    slot_s: float
    slots: tuple[str | None, ...]
    started_utc: float  # the first snapshot the timeline saw today


class StatusTimeline:
    """The day's dominant state per agent and slot, built from snapshots (time injected)."""

    def __init__(
        self,
        calendar: DayCalendar,
        slot_s: float = SLOT_S,
        max_agents: int = MAX_AGENTS,
        max_gap_s: float = MAX_GAP_S,
    ) -> None:
        self.calendar = calendar
        self.slot_s = slot_s
        self.max_agents = max_agents
        self.max_gap_s = max_gap_s
        self._day_start = 0.0
        self._day_end = 0.0
        self._slots = 0
        self.started_utc: float | None = None
        self._states: dict[str, int] = {}  # style key → id (1-based: 0 is "no data")
        self._names: list[str] = [""]
        self._rows: dict[str, bytearray] = {}  # agent key → one id per slot
        self._slot = -1  # the slot being accumulated
        self._acc: dict[str, dict[int, float]] = {}  # agent key → state id → seconds
        self._last: dict[str, int] = {}  # agent key → state id at the last snapshot
        self._last_utc: float | None = None

    def _state_id(self, style: str) -> int:
        found = self._states.get(style)
        if found is None:
            if len(self._names) > MAX_STATES:
                style = "other"
                found = self._states.get(style)
                if found is not None:
                    return found
            found = len(self._names)
            self._states[style] = found
            self._names.append(style)
        return found

    def _slot_of(self, utc: float) -> int:
        return int((utc - self._day_start) // self.slot_s)

    def _new_day(self, now: float) -> None:
        day = self.calendar.day_of(now)
        self._day_start = self.calendar.start_of(day)
        self._day_end = self.calendar.end_of(day)
        self._slots = max(1, round((self._day_end - self._day_start) / self.slot_s))
        self.started_utc = now
        self._rows.clear()
        self._acc.clear()
        self._last.clear()
        self._slot = self._slot_of(now)
        self._last_utc = None

    def record(self, agents: Iterable[tuple[str, str]], now: float) -> None:
        """Take a snapshot's agents as (key, style key) pairs, seen at UTC `now`."""
        if self.started_utc is None or not self._day_start <= now < self._day_end:
            if self.started_utc is not None:
                self._close_slot()
            self._new_day(now)
        last_utc = self._last_utc
        if last_utc is not None and now > last_utc:
            spent = min(now - last_utc, self.max_gap_s)
            acc = self._acc
            for key, state in self._last.items():
                seconds = acc.get(key)
                if seconds is None:
                    seconds = acc[key] = {}
                seconds[state] = seconds.get(state, 0.0) + spent
        slot = self._slot_of(now)
        if slot != self._slot:
            self._close_slot()
            self._slot = slot
        last: dict[str, int] = {}
        followed = self._rows
        for key, style in agents:
            if key not in followed:
                if len(followed) >= self.max_agents:
                    continue
                followed[key] = bytearray(self._slots)
            last[key] = self._state_id(style)
        self._last = last
        self._last_utc = now

    def _close_slot(self) -> None:
        """Keep each agent's dominant state of the slot that ends."""
        slot = self._slot
        if 0 <= slot < self._slots:
            for key, seconds in self._acc.items():
                row = self._rows.get(key)
                if row is not None and seconds:
                    row[slot] = max(seconds, key=seconds.__getitem__)
        self._acc = {}

    def row(self, key: str) -> TimelineRow | None:
        """Agent `key`'s day so far (the current slot by what it holds yet), or None."""
        stored = self._rows.get(key)
        if stored is None or self.started_utc is None:
            return None
        ids = list(stored)
        slot = self._slot
        if 0 <= slot < self._slots:
            seconds = self._acc.get(key)
            if seconds:
                ids[slot] = max(seconds, key=seconds.__getitem__)
            elif key in self._last:
                ids[slot] = self._last[key]
        names = self._names
        return TimelineRow(
            self._day_start,
            self.slot_s,
            tuple(names[i] if i else None for i in ids),
            self.started_utc,
        )
