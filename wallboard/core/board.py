"""The board: plain state built from snapshots, answering what the widgets draw.

It keeps what must survive between polls (above all when each agent entered its current
state) and derives everything else from the latest snapshot. Time comes in as `now`
(UTC epoch seconds); nothing here reads a clock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from itertools import compress, count
from operator import attrgetter, is_not

from wallboard.api.models import STATUS_LOGOUT, CallState, Extension
from wallboard.core.agent_state import BUILT_IN_STATUSES, StatusVocabulary, primary_call
from wallboard.core.snapshot import Snapshot
from wallboard.core.text import collation_key, plain

# Past this share of changed agents, the positional comparison is not worth it.
POSITIONAL_MAX_CHANGED = 0.25
# Two answers in a row whose agents overlap less than this (of the larger), or in which
# most logged-in agents (at least `MASS_LOGOUT_MIN`) log out at once, look like two servers
# that disagree rather than a centre that changed in one poll interval.
# Small centres are left alone: a few agents coming and going is no sign of anything.
CONSISTENT_OVERLAP = 0.6
MASS_CHANGE_MIN = 5
MASS_LOGOUT_MIN = 4


class WaitLevel(StrEnum):
    """How worrying a wait is, by the configured thresholds."""

    OK = "ok"
    WARN = "warn"
    ALERT = "alert"


@dataclass(frozen=True, slots=True)
class WaitThresholds:
    """Seconds of waiting after which a caller turns to warning, then to alert."""

    warn_s: float = 60.0
    alert_s: float = 180.0

    def level(self, wait_s: float) -> WaitLevel:
        """The level of a wait of `wait_s` seconds."""
        if wait_s >= self.alert_s:
            return WaitLevel.ALERT
        if wait_s >= self.warn_s:
            return WaitLevel.WARN
        return WaitLevel.OK


class AgentCategory(IntEnum):
    """What the sort by state groups by: the states a supervisor reads as one."""

    ON_A_CALL = 0
    AVAILABLE = 1
    AWAY = 2
    LOGGED_OUT = 3


def category_of(style: str) -> AgentCategory:
    """The category of a state, by its style key (any call state is on a call; any status
    but available and logged out, unknown ones too, is away)."""
    if style.startswith("call-"):
        return AgentCategory.ON_A_CALL
    if style == "status-available":
        return AgentCategory.AVAILABLE
    if style == "status-logged-out":
        return AgentCategory.LOGGED_OUT
    return AgentCategory.AWAY


@dataclass(frozen=True, slots=True)
class AgentView:
    """One agent's tile: who, what state, and since when (UTC) the timer counts.

    `since_exact` is False when the board first saw the agent already in this state, so the
    true time in state is at least the timer (shown with `≥`).
    """

    username: str
    name: str
    style: str
    word: str
    label: str
    rank: int
    call_count: int
    since_utc: float
    since_exact: bool
    logged_out: bool
    extension: Extension
    sort_name: str = ""  # the name's collation key (`collation_key`), made once per view
    # Unique within one answer: the SIP id, with "#2", "#3"... for its later repeats (two
    # extensions may share a username: each keeps its own time in state and details).
    key: str = ""
    # The sort-by-state key as one string (category, name, SIP id, in that order), made
    # once per view: thousands of string comparisons are 3-4x faster than of tuples. NUL
    # separates the parts: names are cleaned of it, and in a SIP id it could at worst swap
    # two agents of the same name. By category, not by state: a tile moves only when its
    # agent's category changes (Talking ↔ Hold keeps it in place).
    state_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = f"{int(category_of(self.style))}\x00{self.sort_name}\x00{self.username}"
        object.__setattr__(self, "state_key", key)

    @property
    def search_text(self) -> str:
        """What the filter matches against: agent, representative and SIP username."""
        ext = self.extension
        return f"{ext.name}\n{ext.representative}\n{ext.username}".casefold()


@dataclass(frozen=True, slots=True)
class CallerView:
    """One waiting caller, with the UTC time it joined its queue.

    Made of what does not change while the caller waits (not `Duration`), so one view
    serves every poll of the wait.
    """

    queue_id: int
    queue_name: str
    phone: str
    call_id: str
    joined_utc: float
    join_time: int  # `JoinTime` as the server sent it (its clock, not UTC)


@dataclass(frozen=True, slots=True)
class QueueView:
    """One queue: its callers, longest waiting first."""

    queue_id: int
    name: str
    weight: int | None
    callers: tuple[CallerView, ...]

    @property
    def oldest_join_utc(self) -> float | None:
        """When the longest-waiting caller joined, or None when nobody waits."""
        return self.callers[0].joined_utc if self.callers else None


@dataclass(frozen=True, slots=True)
class Totals:
    """The headline counts of the centre."""

    agents: int = 0
    logged_in: int = 0
    available: int = 0
    ringing: int = 0
    dialing: int = 0
    talking: int = 0
    hold: int = 0
    away: tuple[tuple[str, int], ...] = ()
    logged_out: int = 0
    waiting: int = 0
    oldest_join_utc: float | None = None

    @property
    def away_total(self) -> int:
        """Agents logged in but away, whatever the reason."""
        return sum(count for _, count in self.away)


@dataclass(frozen=True, slots=True)
class _Tracked:
    """What the board remembers of an agent between polls."""

    key: tuple[str, int | None]
    since_utc: float
    exact: bool
    view: AgentView | None = None
    offset: float = 0.0


class Board:
    """What the wallboard knows, updated one snapshot at a time."""

    def __init__(
        self, thresholds: WaitThresholds | None = None, statuses: StatusVocabulary | None = None
    ) -> None:
        self.thresholds = thresholds or WaitThresholds()
        # The centre's own status names and colours (config `[statuses."N"]`).
        self.statuses = statuses or BUILT_IN_STATUSES
        self.snapshot: Snapshot | None = None
        self.agents: tuple[AgentView, ...] = ()
        self.queues: tuple[QueueView, ...] = ()
        self.totals = Totals()
        # An answer too odd to show as live (the banner says why) ...
        self.suspicious: str | None = None
        # ... and one that disagrees wildly with the last (the health line says so).
        self.inconsistent: str | None = None
        self.generation = 0
        self._tracked: dict[str, _Tracked] = {}  # by `AgentView.key`
        # The extensions `agents` were built from, position by position, and the clock
        # offset they were built with: the next snapshot is compared with them.
        self._built_from: tuple[Extension, ...] = ()
        self._built_offset = 0.0
        # The last snapshot's caller views, by what they are made of (bounded by it).
        self._callers: dict[CallerKey, CallerView] = {}
        self._callers_offset = 0.0

    def apply(self, snapshot: Snapshot, now: float) -> None:
        """Take a new snapshot received at UTC `now`.

        An empty extension list after a non-empty one is suspicious (an outage or a broken
        account far more often than an empty centre): the board keeps the last agents and
        says so, while queues still update. Items skipped for impossible times, and an
        answer whose agents disagree wildly with the last one's, are flagged too.
        """
        # Everything is computed before anything is assigned, so a failure leaves the
        # board exactly as it was: the last good picture.
        suspicious: str | None = None
        agents, tracked = self.agents, self._tracked
        kept_last_agents = not snapshot.extensions and bool(self.agents)
        if kept_last_agents:
            suspicious = (
                f"the API returned no extensions (had {len(self.agents)}); "
                "showing the last agents seen"
            )
        else:
            agents, tracked = self._agent_views(snapshot, now)
        impossible = sum(1 for item in snapshot.skipped if item.suspect)
        if suspicious is None and impossible:
            # Skipping them alone would show a calm centre that is not there.
            suspicious = (
                f"data suspect: {impossible} item(s) with impossible times skipped "
                "(waits and timers may be missing)"
            )
        # Callers wait across many polls: their views are reused while the offset holds.
        same_clock = snapshot.clock_offset_s == self._callers_offset
        queues, callers = _queue_views(snapshot, self._callers if same_clock else {})
        totals = _totals(agents, queues)
        inconsistent = None
        if not kept_last_agents and self.snapshot is not None:
            inconsistent = _inconsistency(
                self._built_from, self.totals, snapshot.extensions, totals
            )
        self.agents, self._tracked, self.queues, self.totals = agents, tracked, queues, totals
        self._callers, self._callers_offset = callers, snapshot.clock_offset_s
        if not kept_last_agents:
            self._built_from = snapshot.extensions
            self._built_offset = snapshot.clock_offset_s
        self.suspicious = suspicious
        self.inconsistent = inconsistent
        self.snapshot = snapshot
        self.generation += 1

    def _agent_views(
        self, snapshot: Snapshot, now: float
    ) -> tuple[tuple[AgentView, ...], dict[str, _Tracked]]:
        extensions = snapshot.extensions
        offset = snapshot.clock_offset_s
        built_from = self._built_from
        if offset == self._built_offset and len(extensions) == len(built_from):
            # The parser hands back the previous model for an unchanged extension, so in
            # a big centre nearly every position holds the very object it held last time:
            # only the others need looking at (one pass of identity checks, not thousands
            # of lookups). An agent who came, went or moved takes the full path below.
            changed = list(compress(count(), map(is_not, extensions, built_from)))
            if len(changed) <= len(extensions) * POSITIONAL_MAX_CHANGED and all(
                extensions[index].username == built_from[index].username for index in changed
            ):
                # The same usernames in the same order: each position keeps its key.
                views = list(self.agents)
                tracked = dict(self._tracked)
                for index in changed:
                    key = views[index].key
                    view, entry = self._agent_view(
                        extensions[index], tracked.get(key), snapshot, now, key
                    )
                    views[index] = view
                    tracked[key] = entry
                return tuple(views), tracked
        previous = self._tracked
        tracked = {}
        all_views: list[AgentView] = []
        for ext, key in zip(extensions, agent_keys(extensions), strict=True):
            before = previous.get(key)
            if (
                before is not None
                and before.view is not None
                and before.view.extension is ext
                and before.offset == offset
            ):
                # The parser reused the model: nothing about this agent changed.
                tracked[key] = before
                all_views.append(before.view)
                continue
            view, tracked[key] = self._agent_view(ext, before, snapshot, now, key)
            all_views.append(view)
        # Only extensions in the latest answer are remembered: the map cannot grow.
        return tuple(all_views), tracked

    def _agent_view(
        self,
        ext: Extension,
        before: _Tracked | None,
        snapshot: Snapshot,
        now: float,
        agent_key: str,
    ) -> tuple[AgentView, _Tracked]:
        """One agent's view, and what to remember of it, given what was known before."""
        look = self.statuses.agent_look(ext)
        key = (look.style, ext.online_user_id)
        if before is not None and before.key == key:
            since, exact = before.since_utc, before.exact
        else:
            # A change we saw happen is exact; a first sighting is only a lower bound.
            since, exact = now, before is not None
        entry_since, entry_exact = since, exact
        call = primary_call(ext)
        # The API dates a call's start and answer, not a hold: a hold counts from the poll
        # where the board first saw it (up to one poll late; docs/METRICS.md), the tracked
        # time above. Talking counts from the answer, ringing and dialling from the start.
        if call is not None and call.state is not CallState.HOLD:
            epoch = (
                call.call_answered
                if call.state is CallState.TALKING and call.call_answered
                else call.call_started
            )
            if epoch:
                since, exact = snapshot.to_utc(epoch), True
        name = plain(ext.agent_name)
        view = AgentView(
            username=ext.username,
            name=name,
            style=look.style,
            word=look.word,
            label=look.label,
            rank=look.rank,
            call_count=len(ext.calls),
            since_utc=since,
            since_exact=exact,
            logged_out=ext.status == STATUS_LOGOUT and not ext.calls,
            extension=ext,
            sort_name=collation_key(name),
            key=agent_key,
        )
        return view, _Tracked(key, entry_since, entry_exact, view, snapshot.clock_offset_s)

    def wait_level(self, joined_utc: float | None, now: float) -> WaitLevel:
        """The threshold level of a wait that began at `joined_utc`."""
        if joined_utc is None:
            return WaitLevel.OK
        return self.thresholds.level(now - joined_utc)


def _inconsistency(
    before: tuple[Extension, ...], totals_before: Totals, now: tuple[Extension, ...], totals: Totals
) -> str | None:
    """Why two answers in a row look inconsistent, or None when they look like one centre."""
    if not before or not now:
        return None
    names_before = {ext.username for ext in before}
    names_now = {ext.username for ext in now}
    common = len(names_before & names_now)
    larger = max(len(names_before), len(names_now))
    logged_out_at_once = (
        totals_before.logged_in >= MASS_LOGOUT_MIN
        and totals.logged_in < totals_before.logged_in / 2
    )
    mass_change = larger - common >= MASS_CHANGE_MIN and common < CONSISTENT_OVERLAP * larger
    if not mass_change and not logged_out_at_once:
        return None
    return (
        f"answers look inconsistent: {len(before)} agents ({totals_before.logged_in} logged "
        f"in), then {len(now)} ({totals.logged_in} logged in), {common} in both; "
        "the service may be answering from servers that disagree"
    )


def agent_keys(extensions: tuple[Extension, ...]) -> list[str]:
    """A key per extension, unique in the answer: the SIP id, then `id#2`, `id#3`... for
    repeats (in answer order, so a repeat keeps its key while the answer keeps its order).
    A real SIP id that looks like a repeat's key gets a suffix of its own."""
    last: dict[str, int] = {}  # per SIP id, the last suffix used: keeps this linear
    used: set[str] = set()
    keys = []
    for ext in extensions:
        name = key = ext.username
        repeat = last.get(name, 1)
        while key in used:
            repeat += 1
            key = f"{name}#{repeat}"
        last[name] = repeat
        used.add(key)
        keys.append(key)
    return keys


_JOINED = attrgetter("joined_utc")

CallerKey = tuple[int, str, str, str, int]
"""What a caller view is made of: queue id and name, phone, call id, join time."""


def _queue_views(
    snapshot: Snapshot, known: dict[CallerKey, CallerView]
) -> tuple[tuple[QueueView, ...], dict[CallerKey, CallerView]]:
    """Every queue's view, reusing the caller views in `known` (made with the same clock
    offset), and the caller views of this snapshot by what they are made of."""
    made: dict[CallerKey, CallerView] = {}
    queues: list[QueueView] = []
    for queue in snapshot.queues:
        raw_name = queue.display_name
        name = plain(raw_name)
        callers: list[CallerView] = []
        for caller in queue.callers:
            key = (queue.queue_id, raw_name, caller.phone, caller.call_id, caller.join_time)
            view = known.get(key)
            if view is None:
                view = CallerView(
                    queue_id=queue.queue_id,
                    queue_name=name,
                    phone=plain(caller.phone),
                    call_id=plain(caller.call_id),
                    joined_utc=snapshot.to_utc(caller.join_time),
                    join_time=caller.join_time,
                )
            made[key] = view
            callers.append(view)
        callers.sort(key=_JOINED)
        queues.append(QueueView(queue.queue_id, name, queue.weight, tuple(callers)))
    return tuple(queues), made


_STYLE_AND_LABEL = attrgetter("style", "label")

# Styles that are not "away": on a call, available, or logged out.
_NOT_AWAY = frozenset(
    {"call-ringing", "call-dialing", "call-talking", "call-hold", "call-unknown"}
    | {"status-available", "status-logged-out"}
)


def _totals(agents: tuple[AgentView, ...], queues: tuple[QueueView, ...]) -> Totals:
    # One pass in C over thousands of agents: how many of each (style, label).
    looks = Counter(map(_STYLE_AND_LABEL, agents))
    by_style: Counter[str] = Counter()
    away: Counter[str] = Counter()
    for (style, label), number in looks.items():
        by_style[style] += number
        if style not in _NOT_AWAY:
            away[label] += number  # off a call the label is the status's, unknown codes too
    oldest = min((q.oldest_join_utc for q in queues if q.oldest_join_utc is not None), default=None)
    logged_out = by_style["status-logged-out"]
    return Totals(
        agents=len(agents),
        logged_in=len(agents) - logged_out,
        available=by_style["status-available"],
        ringing=by_style["call-ringing"],
        dialing=by_style["call-dialing"],
        talking=by_style["call-talking"],
        hold=by_style["call-hold"],
        away=tuple(sorted(away.items(), key=lambda item: (-item[1], item[0]))),
        logged_out=logged_out,
        waiting=sum(len(q.callers) for q in queues),
        oldest_join_utc=oldest,
    )
