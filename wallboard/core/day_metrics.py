"""The day's figures per queue and per agent, counted from the outcomes the tracker infers.

Definitions (per queue, with its own thresholds):

- `service_level_pct` = answered within `service_level_s` / (answered + abandoned) x 100,
  None while nothing finished; `abandon_pct` = abandoned / (answered + abandoned) x 100.
  A caller who hangs up before `short_abandon_s` is a *short abandon*: counted on its own,
  in neither answered nor abandoned. A caller whose fate fell inside a gap in the data is
  `unknown`, never guessed.
- `asa_s`: mean answer wait; `avg_abandon_wait_s`; `longest_wait_s` today, over answered,
  abandoned and still waiting callers; `ewt_s`: see `estimated_wait`.

Agents: answered incoming calls, missed rings, outgoing calls, handled calls and their mean
handle time (`aht_s`), talk and hold time, and seconds in each `onlineUserStatus`.

Nothing here reads a clock or a file: times come in as arguments.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Outcome kinds. A queue caller ends as one of the first three; the rest are an agent's.
ANSWERED = "answered"
ABANDONED = "abandoned"
UNKNOWN = "unknown"
TAKEN = "taken"  # an agent picked up an incoming call
DIALLED = "dialled"  # an agent placed an outgoing call
MISSED = "missed"  # a ring went unanswered at an agent
HANDLED = "handled"  # an answered call (either direction) ended
OUTCOME_KINDS = (ANSWERED, ABANDONED, UNKNOWN, TAKEN, DIALLED, MISSED, HANDLED)

# Time categories credited to agents besides their status codes.
TALK = "talk"
HOLD = "hold"

# The estimated wait looks at the answers of the last quarter hour, and says nothing until
# it has seen a few: one answer is not a rate.
EWT_WINDOW_S = 900.0
EWT_MIN_ANSWERS = 3
# Per queue, the departures remembered for the estimate (a busy queue's quarter hour).
EWT_MAX_DEPARTURES = 5_000


@dataclass(frozen=True, slots=True)
class QueueThresholds:
    """A queue's service-level settings."""

    service_level_s: float = 20.0
    short_abandon_s: float = 5.0
    service_level_target_pct: float = 80.0


@dataclass(frozen=True, slots=True)
class ThresholdTable:
    """Thresholds per queue: by queue ID, else by name, else `"*"`, else the defaults."""

    default: QueueThresholds = field(default_factory=QueueThresholds)
    by_queue: Mapping[str, QueueThresholds] = field(default_factory=dict)

    def for_queue(self, queue_id: int, name: str) -> QueueThresholds:
        """The thresholds that apply to one queue."""
        table = self.by_queue
        return table.get(str(queue_id)) or table.get(name) or table.get("*") or self.default


@dataclass(frozen=True, slots=True)
class Outcome:
    """One thing that happened, inferred from two snapshots. `key` is unique per outcome:
    counting the same key twice (after a restart) is a no-op."""

    key: str
    kind: str
    at_utc: float
    queue_id: int | None = None
    queue_name: str = ""
    agent: str = ""  # the agent's key (its SIP id, unique in the answer)
    agent_name: str = ""
    phone: str = ""
    seconds: float | None = None  # a wait, a ring or a handle time, by kind
    hold_s: float | None = None  # a handled call's hold time

    def to_row(self) -> dict[str, Any]:
        """The outcome as a plain dict (for the store and for JSON)."""
        return {
            "key": self.key,
            "kind": self.kind,
            "at": self.at_utc,
            "queue_id": self.queue_id,
            "queue_name": self.queue_name,
            "agent": self.agent,
            "agent_name": self.agent_name,
            "phone": self.phone,
            "seconds": self.seconds,
            "hold_s": self.hold_s,
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Outcome:
        """The inverse of `to_row`."""
        return cls(
            key=str(row["key"]),
            kind=str(row["kind"]),
            at_utc=float(row["at"]),
            queue_id=None if row.get("queue_id") is None else int(row["queue_id"]),
            queue_name=str(row.get("queue_name") or ""),
            agent=str(row.get("agent") or ""),
            agent_name=str(row.get("agent_name") or ""),
            phone=str(row.get("phone") or ""),
            seconds=None if row.get("seconds") is None else float(row["seconds"]),
            hold_s=None if row.get("hold_s") is None else float(row["hold_s"]),
        )


@dataclass(slots=True)
class QueueDay:
    """One queue's counters for the day."""

    queue_id: int
    name: str
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    unknown: int = 0
    answered_within_sl: int = 0
    answer_wait_total: float = 0.0
    abandon_wait_total: float = 0.0
    longest_wait_s: float = 0.0
    # (when, answered?) of recent departures, for the estimated wait.
    departures: deque[tuple[float, bool]] = field(
        default_factory=lambda: deque(maxlen=EWT_MAX_DEPARTURES)
    )

    def add(self, outcome: Outcome, limits: QueueThresholds) -> None:
        """Count one caller's outcome."""
        if outcome.queue_name:
            self.name = outcome.queue_name
        wait = outcome.seconds
        if outcome.kind == UNKNOWN:
            self.unknown += 1
            return
        if wait is None:
            wait = 0.0
        self.longest_wait_s = max(self.longest_wait_s, wait)
        if outcome.kind == ANSWERED:
            self.answered += 1
            self.answer_wait_total += wait
            if wait <= limits.service_level_s:
                self.answered_within_sl += 1
            self.departures.append((outcome.at_utc, True))
        elif wait < limits.short_abandon_s:
            self.short_abandoned += 1
        else:
            self.abandoned += 1
            self.abandon_wait_total += wait
            self.departures.append((outcome.at_utc, False))

    @property
    def finished(self) -> int:
        """Callers who were answered or abandoned (short abandons excluded)."""
        return self.answered + self.abandoned

    @property
    def service_level_pct(self) -> float | None:
        """Share answered within the threshold, of answered and abandoned; None before any."""
        return 100.0 * self.answered_within_sl / self.finished if self.finished else None

    @property
    def abandon_pct(self) -> float | None:
        """Share abandoned, of answered and abandoned; None before any."""
        return 100.0 * self.abandoned / self.finished if self.finished else None

    @property
    def asa_s(self) -> float | None:
        """Mean answer wait."""
        return self.answer_wait_total / self.answered if self.answered else None

    @property
    def avg_abandon_wait_s(self) -> float | None:
        """Mean wait of the callers who abandoned."""
        return self.abandon_wait_total / self.abandoned if self.abandoned else None

    def estimated_wait(self, waiting: int, now: float, observed_since: float) -> float | None:
        """How long a caller joining now will wait for an answer, or None when unsure.

        Over the last `EWT_WINDOW_S` (or since the board started watching, if later): `a`
        answers and `d` abandons. Of the `waiting` callers ahead, about `a / (a + d)` will
        be answered before the newcomer (the others give up). Answers come one per
        `span / a` on average, and the newcomer's own comes half an interval after the
        last of theirs (agents free up at steady intervals, not all at once):
        `ewt = (waiting * a / (a + d) + 1/2) * span / a`. None with fewer than
        `EWT_MIN_ANSWERS` answers in the window. Its error against the simulator's truth
        is in docs/METRICS.md.
        """
        span = min(EWT_WINDOW_S, now - observed_since)
        if span <= 0:
            return None
        start = now - span
        answers = abandons = 0
        for when, answered in reversed(self.departures):
            if when < start:
                break
            if answered:
                answers += 1
            else:
                abandons += 1
        if answers < EWT_MIN_ANSWERS:
            return None
        ahead = waiting * answers / (answers + abandons)
        return (ahead + 0.5) * span / answers


@dataclass(slots=True)
class AgentDay:
    """One agent's counters for the day (time in open segments is added by the caller)."""

    key: str
    name: str
    answered: int = 0
    missed: int = 0
    outgoing: int = 0
    handled: int = 0
    handle_total: float = 0.0
    talk_s: float = 0.0
    hold_s: float = 0.0
    status_s: dict[int, float] = field(default_factory=dict)
    missed_in_a_row: int = 0  # rings missed since the last one answered

    def add(self, outcome: Outcome) -> None:
        """Count one of the agent's outcomes."""
        if outcome.agent_name:
            self.name = outcome.agent_name
        if outcome.kind == TAKEN:
            self.answered += 1
            self.missed_in_a_row = 0
        elif outcome.kind == MISSED:
            self.missed += 1
            self.missed_in_a_row += 1
        elif outcome.kind == DIALLED:
            self.outgoing += 1
        elif outcome.kind == HANDLED:
            self.handled += 1
            self.handle_total += outcome.seconds or 0.0

    def credit(self, category: str | int, seconds: float) -> None:
        """Add time to talk, hold or a status code."""
        if seconds <= 0:
            return
        if category == TALK:
            self.talk_s += seconds
        elif category == HOLD:
            self.hold_s += seconds
        else:
            code = int(category)
            self.status_s[code] = self.status_s.get(code, 0.0) + seconds

    def copy(self) -> AgentDay:
        """A copy whose counters can be added to without touching these (a report adds the
        open time to copies). Built directly: `dataclasses.replace` costs six times as much,
        and a report copies every agent of the centre each poll."""
        return AgentDay(
            key=self.key,
            name=self.name,
            answered=self.answered,
            missed=self.missed,
            outgoing=self.outgoing,
            handled=self.handled,
            handle_total=self.handle_total,
            talk_s=self.talk_s,
            hold_s=self.hold_s,
            status_s=dict(self.status_s),
            missed_in_a_row=self.missed_in_a_row,
        )

    @property
    def aht_s(self) -> float | None:
        """Mean handle time (answer to end, hold included)."""
        return self.handle_total / self.handled if self.handled else None

    def to_row(self) -> dict[str, Any]:
        """The settled counters as a plain dict (for the store)."""
        return {
            "key": self.key,
            "name": self.name,
            "talk_s": self.talk_s,
            "hold_s": self.hold_s,
            "status_s": {str(code): s for code, s in self.status_s.items()},
        }


class DayMetrics:
    """Every counter of one business day, built from outcomes and time credits.

    Counting is idempotent by outcome key: the store replays the day's outcomes into a new
    instance after a restart, and an outcome seen again is not counted twice. The set of
    keys is bounded by the day's calls.
    """

    def __init__(self, day: date, thresholds: ThresholdTable | None = None) -> None:
        self.day = day
        self.thresholds = thresholds or ThresholdTable()
        self.queues: dict[int, QueueDay] = {}
        self.agents: dict[str, AgentDay] = {}
        # When the board began watching this day (its first poll), for rates over time.
        self.observed_since: float | None = None
        self._seen: set[str] = set()

    def add(self, outcome: Outcome) -> bool:
        """Count an outcome; False when its key was counted already."""
        if outcome.key in self._seen:
            return False
        self._seen.add(outcome.key)
        if outcome.kind in (ANSWERED, ABANDONED, UNKNOWN) and outcome.queue_id is not None:
            queue = self.queue(outcome.queue_id, outcome.queue_name)
            queue.add(outcome, self.thresholds.for_queue(queue.queue_id, queue.name))
        if outcome.agent and outcome.kind in (TAKEN, DIALLED, MISSED, HANDLED):
            self.agent(outcome.agent, outcome.agent_name).add(outcome)
        return True

    def add_all(self, outcomes: Iterable[Outcome]) -> None:
        """Count several outcomes."""
        for outcome in outcomes:
            self.add(outcome)

    def queue(self, queue_id: int, name: str = "") -> QueueDay:
        """The counters of a queue, created on first use."""
        found = self.queues.get(queue_id)
        if found is None:
            found = self.queues[queue_id] = QueueDay(queue_id, name)
        return found

    def missed_in_a_row(self) -> dict[str, int]:
        """Agents whose last rings went unanswered, and how many in a row."""
        return {key: a.missed_in_a_row for key, a in self.agents.items() if a.missed_in_a_row}

    def agent(self, key: str, name: str = "") -> AgentDay:
        """The counters of an agent, created on first use."""
        found = self.agents.get(key)
        if found is None:
            found = self.agents[key] = AgentDay(key, name or key)
        return found


@dataclass(frozen=True, slots=True)
class LiveQueue:
    """What the latest snapshot says of a queue: who waits now, and since when."""

    queue_id: int
    name: str
    waiting: int
    longest_wait_s: float


def queue_figures(
    metrics: DayMetrics, live: Mapping[int, LiveQueue], now: float
) -> list[dict[str, Any]]:
    """Every queue's figures for `stats --json`: counted today and waiting now."""
    ids = sorted(set(metrics.queues) | set(live))
    rows: list[dict[str, Any]] = []
    for queue_id in ids:
        now_queue = live.get(queue_id)
        counted = metrics.queues.get(queue_id) or QueueDay(
            queue_id, now_queue.name if now_queue else ""
        )
        waiting = now_queue.waiting if now_queue else 0
        longest = max(counted.longest_wait_s, now_queue.longest_wait_s if now_queue else 0.0)
        name = now_queue.name if now_queue and now_queue.name else counted.name
        rows.append(
            {
                "id": queue_id,
                "name": name,
                "waiting": waiting,
                "answered": counted.answered,
                "abandoned": counted.abandoned,
                "short_abandoned": counted.short_abandoned,
                "unknown": counted.unknown,
                "answered_within_sl": counted.answered_within_sl,
                "service_level_pct": _round(counted.service_level_pct),
                "abandon_pct": _round(counted.abandon_pct),
                "asa_s": _round(counted.asa_s),
                "avg_abandon_wait_s": _round(counted.avg_abandon_wait_s),
                "longest_wait_s": _round(longest),
                "ewt_s": _round(
                    counted.estimated_wait(waiting, now, metrics.observed_since or now)
                ),
            }
        )
    return rows


def agent_figures(metrics: DayMetrics) -> list[dict[str, Any]]:
    """Every agent's figures for `stats --json` (open time already credited)."""
    return [agent_row(metrics.agents[key]) for key in sorted(metrics.agents)]


def agent_row(agent: AgentDay) -> dict[str, Any]:
    """One agent's row as `stats --json` gives it (open time already credited)."""
    return {
        "username": agent.key,
        "name": agent.name,
        "answered": agent.answered,
        "missed": agent.missed,
        "outgoing": agent.outgoing,
        "handled": agent.handled,
        "aht_s": _round(agent.aht_s),
        "talk_s": _round(agent.talk_s),
        "hold_s": _round(agent.hold_s),
        "status_s": {
            str(code): _round(seconds) for code, seconds in sorted(agent.status_s.items())
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
