"""The ticker: what just happened, as short sentences, newest first.

Events come from three places, each already inferred elsewhere: the day's outcomes
(answered, abandoned, missed; `core.outcomes`), agents' status changes between two boards
(`status_changes`), and alerts raised (`core.alerts`). An event keeps its parts (who,
which number, which queue, how long), so that a caller's number is masked when it is
drawn, not when it is stored: the masking setting may change while the board runs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from wallboard.core.alerts import Alert
from wallboard.core.board import AgentView
from wallboard.core.calendar import DayCalendar
from wallboard.core.day_metrics import ABANDONED, ANSWERED, MISSED, Outcome
from wallboard.core.durations import format_duration
from wallboard.core.text import plain

# Today's events kept for the full list (a busy centre's day is a few thousand).
MAX_EVENTS = 5000
# An event this much older than the day's start still goes on the new day's list: the
# clocks of a hub and of the boards it feeds differ by a little.
LATE_GRACE_S = 60.0

STATUS = "status"
ALERT = "alert"


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, with the parts its sentence is made of."""

    at: float
    kind: str  # ANSWERED, ABANDONED, MISSED, STATUS or ALERT
    who: str = ""  # an agent's name
    phone: str = ""  # a caller's number, as the API sent it
    queue: str = ""
    seconds: float | None = None
    detail: str = ""  # a status's label, an alert's sentence
    level: str = ""  # "warn" or "alert" for alerts; "" otherwise

    def sentence(self, show_phone: Callable[[str], str]) -> str:
        """The event as words; `show_phone` draws a caller's number (masked or not)."""
        phone = show_phone(self.phone) if self.phone else "a caller"
        wait = format_duration(self.seconds or 0)
        if self.kind == ANSWERED:
            return f"{self.who or 'An agent'} answered {phone} after {wait}"
        if self.kind == ABANDONED:
            return f"{phone} abandoned {self.queue} after {wait}"
        if self.kind == MISSED:
            return f"{self.who} missed a call (rang {wait})"
        if self.kind == STATUS:
            return f"{self.who} → {self.detail}"
        if self.phone:  # an alert naming a caller
            return self.detail.replace(self.phone, phone)
        return self.detail


def outcome_events(outcomes: Iterable[Outcome]) -> list[Event]:
    """Ticker events for the outcomes worth a line: answers, abandons, misses."""
    events: list[Event] = []
    for outcome in outcomes:
        if outcome.kind == ANSWERED:
            events.append(
                Event(
                    outcome.at_utc,
                    ANSWERED,
                    who=plain(outcome.agent_name, 40),
                    phone=outcome.phone,
                    queue=plain(outcome.queue_name, 40),
                    seconds=outcome.seconds,
                )
            )
        elif outcome.kind == ABANDONED:
            events.append(
                Event(
                    outcome.at_utc,
                    ABANDONED,
                    phone=outcome.phone,
                    queue=plain(outcome.queue_name, 40),
                    seconds=outcome.seconds,
                )
            )
        elif outcome.kind == MISSED:
            events.append(
                Event(
                    outcome.at_utc,
                    MISSED,
                    who=plain(outcome.agent_name, 40),
                    phone=outcome.phone,
                    seconds=outcome.seconds,
                )
            )
    return events


def status_changes(
    before: Sequence[AgentView], after: Sequence[AgentView], now: float
) -> list[Event]:
    """An event per agent whose status (off a call) changed between two boards.

    Calls starting and ending are not news (the outcomes tell those); a break, lunch,
    log-in or log-out is. Views are compared by identity first: the board keeps the view
    of an agent who did not change, so a quiet poll costs one pass of identity checks.
    """
    if not before:
        return []
    previous = {view.key: view for view in before}
    events: list[Event] = []
    for view in after:
        old = previous.get(view.key)
        if old is None or old is view:
            continue
        if view.call_count or old.call_count:
            continue
        if old.label != view.label:
            events.append(Event(now, STATUS, who=view.name, detail=view.label))
    return events


def alert_events(alerts: Iterable[Alert]) -> list[Event]:
    """An event per alert raised."""
    return [
        Event(
            alert.first_seen, ALERT, detail=alert.text, level=alert.level.value, phone=alert.phone
        )
        for alert in alerts
    ]


def cleared_events(alerts: Iterable[Alert]) -> list[Event]:
    """An event per alert cleared: the supervisor sees the trouble end, not only start.
    Uncoloured (no level): it is good news."""
    return [
        Event(
            alert.cleared_at if alert.cleared_at is not None else alert.last_true,
            ALERT,
            detail=f"cleared: {alert.text}",
        )
        for alert in alerts
    ]


class Ticker:
    """Today's events, newest first, bounded by `limit`.

    With a `calendar`, the list is the business day's: `roll` (the board's clock, at each
    poll and tick) empties it when a new day starts, so a board on a wall for weeks never
    lists yesterday under "today", even where nothing happens overnight; an event dated
    before the day's start (beyond `LATE_GRACE_S`: a hub's clock a little behind) is left
    out. Events' own times never move the day: they come from outside (a hub's feed).
    """

    def __init__(self, limit: int = MAX_EVENTS, calendar: DayCalendar | None = None) -> None:
        self.events: deque[Event] = deque(maxlen=limit)
        # Moves when the list changes (events added, or the day's list emptied): a view
        # redraws when it moves.
        self.added = 0
        self.calendar = calendar
        self._day_start: float | None = None  # the current day's bounds (UTC), once rolled
        self._day_end = 0.0

    def roll(self, now: float) -> bool:
        """Follow the board's clock into a new business day; True if the list was emptied."""
        calendar = self.calendar
        if calendar is None:
            return False
        start = self._day_start
        if start is not None and start <= now < self._day_end:
            return False
        day = calendar.day_of(now)
        self._day_start, self._day_end = calendar.start_of(day), calendar.end_of(day)
        if start is None:
            # The first day: only its own events (and the grace's) are today's.
            kept = [e for e in self.events if e.at >= self._day_start - LATE_GRACE_S]
            if len(kept) == len(self.events):
                return False
            self.events = deque(kept, maxlen=self.events.maxlen)
        elif not self.events:
            return False
        else:
            self.events.clear()
        self.added += 1
        return True

    def add(self, events: Iterable[Event]) -> None:
        """Add events (each batch in time order, oldest first)."""
        start = self._day_start
        for event in sorted(events, key=lambda e: e.at):
            if start is not None and event.at < start - LATE_GRACE_S:
                continue  # yesterday's, arriving late
            self.events.appendleft(event)
            self.added += 1

    def latest(self, count: int) -> list[Event]:
        """The newest `count` events."""
        return [event for _, event in zip(range(count), self.events, strict=False)]


OUTCOME_KINDS = frozenset({ANSWERED, ABANDONED, MISSED})


class SeenEvents:
    """Which events a board has taken already, for sources that may send one twice.

    A hub sends the day's recent outcomes with each of its reports; a board following it
    takes each event once. Remembers the last `limit` events taken (events are values:
    two equal events are the same thing happening).
    """

    def __init__(self, limit: int = MAX_EVENTS) -> None:
        self._order: deque[Event] = deque()
        self._seen: set[Event] = set()
        self._limit = limit

    def fresh(self, events: Iterable[Event]) -> list[Event]:
        """The events not taken before (now taken)."""
        new: list[Event] = []
        for event in events:
            if event in self._seen:
                continue
            new.append(event)
            self._seen.add(event)
            self._order.append(event)
            if len(self._order) > self._limit:
                self._seen.discard(self._order.popleft())
        return new
