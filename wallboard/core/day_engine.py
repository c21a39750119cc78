"""The day's figures, poll by poll: inference, counting, day boundaries and what to save.

`DayEngine.apply` takes each snapshot and returns a `PollRecord`: everything that poll
changed, for the store to write in one transaction. A `StoredDay` (what the store read
back) lets a restarted process continue the day where the last one stopped: outcomes are
counted once by key, agents' open time segments continue, and callers who were waiting are
still followed. When the restart took longer than a gap, their fates are `unknown`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wallboard.core.calendar import DayCalendar
from wallboard.core.day_figures import DayFigures
from wallboard.core.day_metrics import (
    AgentDay,
    DayMetrics,
    LiveQueue,
    Outcome,
    ThresholdTable,
    agent_figures,
    agent_row,
    queue_figures,
)
from wallboard.core.outcomes import GAP_INTERVALS, OutcomeTracker
from wallboard.core.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class StoredDay:
    """What a store holds for the day it was last writing."""

    day: date
    outcomes: tuple[Outcome, ...] = ()
    agents: tuple[Mapping[str, Any], ...] = ()  # AgentDay.to_row() dicts
    tracker: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    first_poll: float | None = None


@dataclass(frozen=True, slots=True)
class PollRecord:
    """What one poll changed: the store writes it as one transaction."""

    day: date
    at: float
    outcomes: tuple[Outcome, ...]
    agents: tuple[dict[str, Any], ...]  # changed agent rows of `day`
    tracker: dict[str, dict[str, Any] | None]  # changed tracker records (None: deleted)
    first_poll: float | None  # when this day's watching began
    closed_day: date | None = None  # the day that ended at this poll ...
    closed_agents: tuple[dict[str, Any], ...] = ()  # ... and its agents' final rows


class DayEngine:
    """Feeds snapshots through the tracker into the day's metrics (see the module)."""

    def __init__(
        self,
        calendar: DayCalendar,
        thresholds: ThresholdTable,
        interval_s: float,
        stored: StoredDay | None = None,
    ) -> None:
        self.calendar = calendar
        self.thresholds = thresholds
        self.interval_s = interval_s
        self.metrics: DayMetrics | None = None
        self.live: dict[int, LiveQueue] = {}
        self._dirty_agents: set[str] = set()
        self._polls = 0  # snapshots counted (what `figures` knows its rows' age by)
        if stored is None:
            self.tracker = OutcomeTracker(interval_s)
            return
        self.tracker = OutcomeTracker.restore(
            interval_s, {key: dict(value) for key, value in stored.tracker.items()}
        )
        self.metrics = metrics_from_rows(
            stored.day, thresholds, stored.outcomes, stored.agents, stored.first_poll
        )

    def apply(self, snapshot: Snapshot) -> PollRecord | None:
        """Count one snapshot; None when it is older than the last one (nothing to save)."""
        now = snapshot.fetched_at
        last = self.tracker.last_poll
        if last is not None and now <= last:
            return None
        self._polls += 1  # from here the count moves: figures made before are out of date
        today = self.calendar.day_of(now)
        closed_day: date | None = None
        closed_rows: tuple[dict[str, Any], ...] = ()
        metrics = self.metrics
        if metrics is not None and metrics.day != today:
            # The day ended: its open time up to the boundary (or to the last poll, if the
            # data stopped before it) is the old day's; the new day starts empty.
            boundary = self.calendar.start_of(today)
            gap = last is not None and now - last > GAP_INTERVALS * self.interval_s
            upto = min(boundary, last) if gap and last is not None else boundary
            self.tracker.settle(upto, self._credit_to(metrics))
            closed_day = metrics.day
            closed_rows = tuple(agent.to_row() for agent in metrics.agents.values())
            metrics = None
        if metrics is None:
            metrics = self.metrics = DayMetrics(today, self.thresholds)
            self._dirty_agents.clear()
        if metrics.observed_since is None:
            metrics.observed_since = now
        outcomes = self.tracker.observe(snapshot, self._credit_to(metrics))
        counted = tuple(outcome for outcome in outcomes if metrics.add(outcome))
        for outcome in counted:
            if outcome.agent:
                self._dirty_agents.add(outcome.agent)
        self.live = live_queues(snapshot)
        rows = tuple(
            metrics.agents[key].to_row() for key in self._dirty_agents if key in metrics.agents
        )
        self._dirty_agents.clear()
        return PollRecord(
            day=today,
            at=now,
            outcomes=counted,
            agents=rows,
            tracker=self.tracker.drain_changes(),
            first_poll=metrics.observed_since,
            closed_day=closed_day,
            closed_agents=closed_rows,
        )

    def _credit_to(self, metrics: DayMetrics) -> Any:
        dirty = self._dirty_agents if metrics is self.metrics else set()

        def credit(key: str, name: str, category: str | int, seconds: float) -> None:
            metrics.agent(key, name).credit(category, seconds)
            dirty.add(key)

        return credit

    def report(self, now: float) -> dict[str, Any]:
        """The day's figures: `day`, `queues` and `agents`, as `wallboard stats --json`
        gives them (open time counted up to the last poll)."""
        metrics = self.metrics
        if metrics is None:
            return {"day": self.calendar.day_of(now).isoformat(), "queues": [], "agents": []}
        return day_report(metrics, self.live, now, self.tracker)

    def figures(self, now: float) -> DayFigures:
        """The day's figures as the panels read them: the same rows as `report`, but an
        agent's row is made from the count when a panel first reads it (a board shows a
        few hundred of a centre's agents, and making all 2,000 rows each poll was most of
        what counting the day cost the board). The figures are this poll's: once another
        poll is counted, an agent's row not read yet is None (never a mix of two polls;
        the app makes new figures after each poll)."""
        metrics = self.metrics
        if metrics is None:
            day = self.calendar.day_of(now).isoformat()
            return DayFigures.from_report({"day": day, "queues": [], "agents": []})
        polls = self._polls

        def keys() -> set[str]:
            if self._polls != polls:
                return set()
            open_agents = self.tracker.open_agents() if self.tracker.last_poll is not None else {}
            return set(metrics.agents) | set(open_agents)

        def row(key: str) -> dict[str, Any] | None:
            return self._agent_row(key) if self._polls == polls else None

        return DayFigures.from_counts(
            metrics.day.isoformat(), queue_figures(metrics, self.live, now), keys, row
        )

    def _agent_row(self, key: str) -> dict[str, Any] | None:
        """One agent's row as `report` gives it, open time added; None for an agent the
        day has not seen."""
        metrics, upto = self.metrics, self.tracker.last_poll
        if metrics is None:
            return None
        counted = metrics.agents.get(key)
        agent = counted.copy() if counted is not None else AgentDay(key, key)

        def credit(_key: str, _name: str, category: str | int, seconds: float) -> None:
            agent.credit(category, seconds)

        name = self.tracker.credit_open_time_of(key, upto, credit) if upto is not None else None
        if counted is None:
            if name is None:
                return None
            agent.name = name or key
        return agent_row(agent)

    def queue_report(self, now: float) -> dict[str, Any]:
        """Only the queues' figures (`{"queues": [...]}`): what the alert rules read, without
        copying every agent's counters as the full report does."""
        metrics = self.metrics
        return {"queues": queue_figures(metrics, self.live, now) if metrics is not None else []}


def day_report(
    metrics: DayMetrics,
    live: Mapping[int, LiveQueue],
    now: float,
    tracker: OutcomeTracker | None = None,
) -> dict[str, Any]:
    """`day`, `queues` and `agents` of a day, with the tracker's open time added."""
    return {
        "day": metrics.day.isoformat(),
        "queues": queue_figures(metrics, live, now),
        "agents": agent_figures(with_open_time(metrics, tracker)),
    }


def with_open_time(metrics: DayMetrics, tracker: OutcomeTracker | None) -> DayMetrics:
    """The day's agents with the time of their open segments (a call, a status still
    running) added up to the tracker's last poll: copies, so the counted figures stay as
    they are. `metrics` itself when there is nothing open to add."""
    if tracker is None or tracker.last_poll is None:
        return metrics
    agents = DayMetrics(metrics.day, metrics.thresholds)
    agents.agents = {key: agent.copy() for key, agent in metrics.agents.items()}
    for key, name in tracker.open_agents().items():
        agents.agent(key, name)

    def credit(key: str, name: str, category: str | int, seconds: float) -> None:
        agents.agent(key, name).credit(category, seconds)

    tracker.credit_open_time(tracker.last_poll, credit)
    return agents


def live_queues(snapshot: Snapshot) -> dict[int, LiveQueue]:
    """Who waits now in each queue of a snapshot, and the longest wait."""
    now = snapshot.fetched_at
    result: dict[int, LiveQueue] = {}
    for queue in snapshot.queues:
        longest = 0.0
        for caller in queue.callers:
            longest = max(longest, now - snapshot.to_utc(caller.join_time))
        result[queue.queue_id] = LiveQueue(
            queue.queue_id, queue.display_name, len(queue.callers), longest
        )
    return result


def live_from_tracker(records: Mapping[str, Mapping[str, Any]], now: float) -> dict[int, LiveQueue]:
    """Who was waiting at the last saved poll, from stored tracker records (for `stats`)."""
    result: dict[int, LiveQueue] = {}
    for key, record in records.items():
        if not key.startswith("caller\x1f") or record.get("left") is not None:
            continue
        queue_id = int(record["queue_id"])
        found = result.get(queue_id)
        wait = max(0.0, now - float(record["joined"]))
        if found is None:
            result[queue_id] = LiveQueue(queue_id, str(record.get("queue_name", "")), 1, wait)
        else:
            result[queue_id] = LiveQueue(
                queue_id, found.name, found.waiting + 1, max(found.longest_wait_s, wait)
            )
    return result


def metrics_from_rows(
    day: date,
    thresholds: ThresholdTable,
    outcomes: Iterable[Outcome],
    agents: Iterable[Mapping[str, Any]],
    first_poll: float | None,
) -> DayMetrics:
    """Rebuild a day's metrics from what the store holds."""
    metrics = DayMetrics(day, thresholds)
    metrics.observed_since = first_poll
    for row in agents:
        agent = metrics.agents[str(row["key"])] = AgentDay(str(row["key"]), str(row["name"]))
        agent.talk_s = float(row.get("talk_s") or 0.0)
        agent.hold_s = float(row.get("hold_s") or 0.0)
        agent.status_s = {int(code): float(s) for code, s in (row.get("status_s") or {}).items()}
    metrics.add_all(sorted(outcomes, key=lambda outcome: outcome.at_utc))
    return metrics
