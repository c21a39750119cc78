"""Alerts: conditions worth interrupting a supervisor for, raised once, cleared by themselves.

Two parts, both pure (time comes in as `now`):

- `find_conditions` looks at the board, the day's figures and the feed's health and says
  which conditions hold *now*, each with a stable key ("queue:5001:wait"), a level and a
  sentence.
- `AlertBook` turns that stream into alerts: one is raised when its condition starts,
  stays while it holds (its sentence follows the latest figures), and clears by itself
  once the condition has been false for `clear_after_s` (hysteresis: a value wobbling
  at the line raises one alert, not ten). It also decides which alerts to notify off
  screen: at once when raised or escalated, again every `renotify_s` while active, never
  while acknowledged or muted.

Every string from the API in a sentence goes through `plain`: an alert's text is safe to
put on a terminal, in a notification or in JSON as it is.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from wallboard.api.models import CallState
from wallboard.core.agent_state import primary_call
from wallboard.core.board import Board
from wallboard.core.durations import format_duration
from wallboard.core.health import Health
from wallboard.core.text import plain

# How many cleared alerts are remembered (for the alert list and `stats`).
CLEARED_KEPT = 200
# How many alerts may be active at once: a storm (every agent of thousands on a long
# break) keeps the first ones and counts the rest in one centre-wide alert.
MAX_ACTIVE = 500


class Level(StrEnum):
    """How urgent an alert is."""

    WARN = "warn"
    ALERT = "alert"


_RANK = {Level.WARN: 1, Level.ALERT: 2}


@dataclass(frozen=True, slots=True)
class QueueAlertRules:
    """A queue's alert thresholds; None switches a rule off."""

    wait_alert_s: float | None = 180.0
    waiting_alert: int | None = None
    service_level_target_pct: float | None = 80.0
    min_calls: int = 10
    abandon_alert_pct: float | None = None


@dataclass(frozen=True, slots=True)
class AlertRules:
    """Every alert threshold (from the config), per queue and per status code."""

    queue_default: QueueAlertRules = field(default_factory=QueueAlertRules)
    queues: Mapping[str, QueueAlertRules] = field(default_factory=dict)
    status_after_s: Mapping[int, float] = field(default_factory=dict)
    long_call_s: float | None = 3600.0
    missed_alert: int | None = 3
    recording_required: bool = False
    nobody_available: bool = True
    stale_alert_s: float | None = 60.0

    def for_queue(self, queue_id: int, name: str) -> QueueAlertRules:
        """A queue's rules: by ID, else by name, else `"*"`, else the defaults."""
        table = self.queues
        return table.get(str(queue_id)) or table.get(name) or table.get("*") or self.queue_default


@dataclass(frozen=True, slots=True)
class Condition:
    """Something that holds now and deserves an alert."""

    key: str
    level: Level
    subject_kind: str  # "queue", "agent" or "centre"
    subject: str  # the queue's or agent's name, or "centre"
    text: str
    subject_id: str = ""  # the queue ID or the agent's SIP id
    phone: str = ""  # a caller's number the text names (masked where it is drawn)


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert: raised at `first_seen`, true until at least `last_true`, maybe cleared."""

    key: str
    level: Level
    subject_kind: str
    subject: str
    subject_id: str
    text: str
    first_seen: float
    last_true: float
    cleared_at: float | None = None
    acknowledged: bool = False
    last_notified: float | None = None
    phone: str = ""  # a caller's number the text names, as the API sent it (made plain)

    @property
    def active(self) -> bool:
        """Not cleared yet."""
        return self.cleared_at is None

    def text_for(self, show_phone: Callable[[str], str]) -> str:
        """The sentence with its caller's number drawn by `show_phone` (masked or not)."""
        if not self.phone or self.phone not in self.text:
            return self.text
        return self.text.replace(self.phone, show_phone(self.phone))

    def masked(self, show_phone: Callable[[str], str]) -> Alert:
        """The alert as a screen or notification that masks numbers may show it."""
        if not self.phone:
            return self
        return replace(self, text=self.text_for(show_phone), phone=show_phone(self.phone))

    def to_json(self) -> dict[str, Any]:
        """The alert as a plain JSON object (for `stats`, the feed and a user's command)."""
        return {
            "key": self.key,
            "level": self.level.value,
            "subject_kind": self.subject_kind,
            "subject": self.subject,
            "subject_id": self.subject_id,
            "text": self.text,
            "first_seen": self.first_seen,
            "cleared_at": self.cleared_at,
            "acknowledged": self.acknowledged,
            "phone": self.phone,
        }


@dataclass(frozen=True, slots=True)
class AlertChanges:
    """What one update did: alerts raised, cleared, and to notify off screen now."""

    raised: tuple[Alert, ...] = ()
    cleared: tuple[Alert, ...] = ()
    notify: tuple[Alert, ...] = ()


class AlertBook:
    """The alerts' state over time (see the module)."""

    def __init__(self, *, clear_after_s: float = 30.0, renotify_s: float = 300.0) -> None:
        self.clear_after_s = clear_after_s
        self.renotify_s = renotify_s
        self.active: dict[str, Alert] = {}
        self.cleared: deque[Alert] = deque(maxlen=CLEARED_KEPT)
        self.muted_until: float | None = None

    def update(self, conditions: Iterable[Condition], now: float) -> AlertChanges:
        """Take the conditions that hold at `now`; return what changed."""
        raised: list[Alert] = []
        notify: list[Alert] = []
        holding: set[str] = set()
        for condition in conditions:
            holding.add(condition.key)
            alert = self.active.get(condition.key)
            if alert is None:
                if len(self.active) >= MAX_ACTIVE:
                    continue
                alert = Alert(
                    condition.key,
                    condition.level,
                    condition.subject_kind,
                    condition.subject,
                    condition.subject_id,
                    condition.text,
                    first_seen=now,
                    last_true=now,
                    phone=condition.phone,
                )
                raised.append(alert)
            else:
                escalated = _RANK[condition.level] > _RANK[alert.level]
                alert = replace(
                    alert,
                    level=condition.level,
                    text=condition.text,
                    subject=condition.subject,
                    phone=condition.phone,
                    last_true=now,
                    # A worse level is news: notify at once, acknowledged or not.
                    last_notified=None if escalated else alert.last_notified,
                    acknowledged=alert.acknowledged and not escalated,
                )
            self.active[condition.key] = alert
        cleared: list[Alert] = []
        for key, alert in list(self.active.items()):
            if key in holding:
                continue
            if now - alert.last_true >= self.clear_after_s:
                done = replace(alert, cleared_at=now)
                del self.active[key]
                self.cleared.appendleft(done)
                cleared.append(done)
        muted = self.muted_until is not None and now < self.muted_until
        for key, alert in self.active.items():
            if muted or alert.acknowledged:
                continue
            due = alert.last_notified is None or now - alert.last_notified >= self.renotify_s
            if due:
                alert = replace(alert, last_notified=now)
                self.active[key] = alert
                notify.append(alert)
        return AlertChanges(tuple(raised), tuple(cleared), tuple(notify))

    def acknowledge(self, key: str) -> bool:
        """No more notifications for this alert until it clears and comes back."""
        alert = self.active.get(key)
        if alert is None:
            return False
        self.active[key] = replace(alert, acknowledged=True)
        return True

    def mute(self, now: float, seconds: float) -> None:
        """No off-screen notification at all for `seconds` (0 unmutes)."""
        self.muted_until = now + seconds if seconds > 0 else None

    def is_muted(self, now: float) -> bool:
        """Whether off-screen notifications are muted at `now`."""
        return self.muted_until is not None and now < self.muted_until

    def listing(self) -> list[Alert]:
        """Active alerts (worst, then oldest first), then recently cleared (newest first)."""
        active = sorted(self.active.values(), key=lambda a: (-_RANK[a.level], a.first_seen))
        return [*active, *self.cleared]


@dataclass(frozen=True, slots=True)
class FeedFacts:
    """What the feed's health says, for the data alerts."""

    stale_for_s: float | None  # seconds since good data, when stale; else None
    refused: bool  # the API refused the account code


def feed_facts(health: Health, now: float) -> FeedFacts:
    """The data facts from the health line's state."""
    stale = health.age(now) if health.is_stale(now) else None
    if stale is None and health.is_stale(now):
        stale = now - health.started_utc
    return FeedFacts(stale, health.error_kind == "auth")


def find_conditions(
    board: Board,
    day: Mapping[str, Any] | None,
    feed: FeedFacts,
    rules: AlertRules,
    now: float,
    missed_in_a_row: Mapping[str, int] | None = None,
) -> list[Condition]:
    """Every condition that holds at `now` (see `AlertRules` for the thresholds)."""
    found: list[Condition] = []
    found += data_conditions(feed, rules)
    if board.snapshot is None:
        return found
    found += _queue_conditions(board, day, rules, now)
    found += _agent_conditions(board, rules, now, missed_in_a_row or {})
    return found


def data_conditions(feed: FeedFacts, rules: AlertRules) -> list[Condition]:
    """The conditions about the data itself: stale, or the account code refused."""
    found: list[Condition] = []
    if feed.refused:
        found.append(
            Condition(
                "centre:code-refused",
                Level.ALERT,
                "centre",
                "centre",
                "The API refused the account code: the board gets no data",
            )
        )
    if (
        rules.stale_alert_s is not None
        and feed.stale_for_s is not None
        and feed.stale_for_s >= rules.stale_alert_s
    ):
        found.append(
            Condition(
                "centre:stale",
                Level.ALERT,
                "centre",
                "centre",
                f"No fresh data for {format_duration(feed.stale_for_s)}: the board is stale",
            )
        )
    return found


def _queue_conditions(
    board: Board, day: Mapping[str, Any] | None, rules: AlertRules, now: float
) -> list[Condition]:
    found: list[Condition] = []
    figures = {int(q["id"]): q for q in (day or {}).get("queues", ())}
    waiting_queues: list[str] = []
    for queue in board.queues:
        limits = rules.for_queue(queue.queue_id, queue.name)
        name = queue.name  # already plain text
        waiting = len(queue.callers)
        longest = now - queue.callers[0].joined_utc if queue.callers else 0.0
        if waiting:
            waiting_queues.append(
                f"{name}: {_callers(waiting)}, longest {format_duration(longest)}"
            )
        ident = str(queue.queue_id)
        if limits.wait_alert_s is not None and waiting and longest >= limits.wait_alert_s:
            found.append(
                Condition(
                    f"queue:{ident}:wait",
                    Level.ALERT,
                    "queue",
                    name,
                    f"{name}: a caller has waited {format_duration(longest)}",
                    ident,
                )
            )
        if limits.waiting_alert is not None and waiting > limits.waiting_alert:
            found.append(
                Condition(
                    f"queue:{ident}:waiting",
                    Level.WARN,
                    "queue",
                    name,
                    f"{name}: {_callers(waiting)} waiting (more than {limits.waiting_alert})",
                    ident,
                )
            )
        counted = figures.get(queue.queue_id)
        if counted is None:
            continue
        finished = int(counted.get("answered", 0)) + int(counted.get("abandoned", 0))
        if finished < limits.min_calls:
            continue
        level = counted.get("service_level_pct")
        target = limits.service_level_target_pct
        if target is not None and level is not None and level < target:
            found.append(
                Condition(
                    f"queue:{ident}:service-level",
                    Level.WARN,
                    "queue",
                    name,
                    f"{name}: service level {level:.0f} % < {target:.0f} %",
                    ident,
                )
            )
        abandon = counted.get("abandon_pct")
        if (
            limits.abandon_alert_pct is not None
            and abandon is not None
            and abandon > limits.abandon_alert_pct
        ):
            found.append(
                Condition(
                    f"queue:{ident}:abandon",
                    Level.WARN,
                    "queue",
                    name,
                    f"{name}: {abandon:.0f} % abandoned > {limits.abandon_alert_pct:.0f} %",
                    ident,
                )
            )
    if rules.nobody_available and waiting_queues and board.totals.available == 0:
        found.append(
            Condition(
                "centre:nobody-available",
                Level.ALERT,
                "centre",
                "centre",
                "; ".join(waiting_queues[:3])
                + ("; …" if len(waiting_queues) > 3 else "")
                + " - nobody available",
            )
        )
    return found


def _agent_conditions(
    board: Board, rules: AlertRules, now: float, missed_in_a_row: Mapping[str, int]
) -> list[Condition]:
    found: list[Condition] = []
    for view in board.agents:
        ext = view.extension
        ident = view.key  # unique in the answer, as the day's counters key agents
        name = view.name
        call = primary_call(ext)
        elapsed = now - view.since_utc
        if call is None:
            limit = rules.status_after_s.get(ext.status) if ext.status is not None else None
            if limit is not None and elapsed >= limit:
                found.append(
                    Condition(
                        f"agent:{ident}:status",
                        Level.WARN,
                        "agent",
                        name,
                        f"{name}: {view.label} for {format_duration(elapsed)}",
                        ident,
                    )
                )
        else:
            connected = call.state in (CallState.TALKING, CallState.HOLD)
            if connected and rules.long_call_s is not None and elapsed >= rules.long_call_s:
                found.append(
                    Condition(
                        f"agent:{ident}:long-call",
                        Level.WARN,
                        "agent",
                        name,
                        f"{name}: on one call for {format_duration(elapsed)}",
                        ident,
                    )
                )
            if rules.recording_required:
                silent = [
                    c
                    for c in ext.calls
                    if c.state in (CallState.TALKING, CallState.HOLD) and c.recording.is_muted == 1
                ]
                if silent:
                    phone = plain(silent[0].caller_phone, 20)
                    found.append(
                        Condition(
                            f"agent:{ident}:not-recorded",
                            Level.ALERT,
                            "agent",
                            name,
                            f"{name}: talking to {phone or 'a caller'} and not recorded",
                            ident,
                            phone,
                        )
                    )
        misses = missed_in_a_row.get(ident, 0)
        if rules.missed_alert is not None and misses >= rules.missed_alert:
            found.append(
                Condition(
                    f"agent:{ident}:missed",
                    Level.WARN,
                    "agent",
                    name,
                    f"{name}: {misses} calls rang out in a row",
                    ident,
                )
            )
    return found


def _callers(count: int) -> str:
    return "1 caller" if count == 1 else f"{count} callers"


def relayed_conditions(alerts: Iterable[Mapping[str, Any]]) -> list[Condition]:
    """The active alerts another process sent (their `Alert.to_json()`), as conditions.

    Read with care, as the feed is outside data: an entry without a key or with an odd
    level is dropped, and every string is made plain.
    """
    found: list[Condition] = []
    for entry in alerts:
        if not isinstance(entry, Mapping) or entry.get("cleared_at") is not None:
            continue
        key = entry.get("key")
        level = entry.get("level")
        if not isinstance(key, str) or not key or level not in ("warn", "alert"):
            continue
        found.append(
            Condition(
                plain(key, 120),
                Level(level),
                plain(str(entry.get("subject_kind", "centre")), 20),
                plain(str(entry.get("subject", "")), 80),
                plain(str(entry.get("text", "")), 300),
                plain(str(entry.get("subject_id", "")), 80),
                plain(str(entry.get("phone") or ""), 40),
            )
        )
    return found
