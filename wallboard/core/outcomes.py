"""What happened between two polls: call outcomes and agents' time, inferred from snapshots.

The Active Calls API shows only what *is*. Comparing one snapshot with the next tells:

- **A caller leaves a queue.** *Answered* when, in that poll or the next, an extension has an
  answered Incoming call whose `ivrid` is the caller's `CallID`, or failing that whose
  `callerphone` is the caller's `Phone` (the same digits, `972...` read as `0...`) and which
  started no earlier than the caller joined. The wait is `callAnswered - JoinTime` when the
  call has `callAnswered`, else the wait when it left. Otherwise *abandoned*, with the wait
  when it left (short abandons are told apart by the day's thresholds, not here). "When it
  left" is half-way between the last poll that saw the caller and the first that did not:
  the last seen wait alone is short by half an interval on average, and at 5 s polls turns
  7 s abandons into short ones (docs/METRICS.md has the measurement).
- **A ring goes unanswered** (missed): an Incoming call that an agent never had Talking or
  on Hold disappears. Decided one poll later: not a miss when the same `ivrid` was answered
  by another agent (ring-all queues), nor when its caller left the queue unanswered then
  (the caller hung up while it rang; that is the caller's abandon, not the agent's miss).
- **A call ends** (handled): an answered call of either direction disappears. Its end is
  taken half-way between the last poll that saw it and the first that did not; its hold
  time is the time it was seen on Hold, measured the same way.
- **Time in status, talking and on hold**: an agent's state is credited from the midpoint
  of the two polls around each change, so the error of each change is at most half an
  interval and zero on average. Segments are settled only when they change (the work of a
  poll follows what changed, not the size of the centre).
- **Gaps**: when two polls are more than `GAP_INTERVALS` intervals apart, whatever ended in
  between is counted `unknown` (queue callers) or not at all (agent outcomes), and no time
  over the gap is credited.

The tracker's state is a set of small records, each with a key; `drain_changes` hands the
ones that changed since the last call to the store, so a restarted process continues where
the last one left off (`restore`). Nothing here reads a clock: time is the snapshot's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

from wallboard.api.models import CallState, Extension
from wallboard.core.day_metrics import (
    ABANDONED,
    ANSWERED,
    DIALLED,
    HANDLED,
    HOLD,
    MISSED,
    TAKEN,
    TALK,
    UNKNOWN,
    Outcome,
)
from wallboard.core.phone import phone_key
from wallboard.core.snapshot import Snapshot

GAP_INTERVALS = 2.0
# A call must start no earlier than its caller joined; server epochs are whole seconds.
JOIN_TOLERANCE_S = 2.0

# (agent key, agent name, category, seconds): time to add to an agent's day.
Credit = Callable[[str, str, "str | int", float], None]


@dataclass(slots=True)
class WaitingCaller:
    """A caller seen in a queue; `left` is set once it is gone and its fate is pending."""

    queue_id: int
    queue_name: str
    call_id: str
    phone: str
    joined: float  # UTC
    left: float | None = None
    last_wait: float = 0.0  # the wait when it left: see `_observe_callers`


@dataclass(slots=True)
class TrackedCall:
    """A call seen on an agent's extension."""

    agent: str
    agent_name: str
    ivrid: str
    incoming: bool
    phone: str
    started: float | None  # UTC
    answered: float | None  # UTC, from callAnswered or the first poll that saw it connected
    answer_time_known: bool = False  # `answered` came from the server's callAnswered
    rang: bool = False
    connected: bool = False  # seen Talking or on Hold
    hold_since: float | None = None
    hold_s: float = 0.0
    claimed: bool = False  # already matched to a queue caller
    gone: float | None = None  # when it disappeared, for a ring whose miss is pending


@dataclass(slots=True)
class Presence:
    """An agent's open time segments: the status, talking and hold, each since when."""

    name: str
    status: int | None
    status_since: float
    talk_since: float | None = None
    hold_since: float | None = None


def agent_keys(extensions: Iterable[Extension]) -> list[str]:
    """A key per extension, unique in the answer: its SIP id, with `#2`, `#3`... added to
    repeats (two extensions with one SIP id must not share their counters)."""
    keys = [ext.username for ext in extensions]
    if len(set(keys)) == len(keys):
        return keys
    seen: dict[str, int] = {}
    unique: list[str] = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        unique.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return unique


_RECORD_FIELDS: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(kind)) for kind in (WaitingCaller, TrackedCall, Presence)
}


def _as_record(item: WaitingCaller | TrackedCall | Presence | None) -> dict[str, Any] | None:
    """A record's fields as a new dict (all plain values: no deep copy needed, and
    `dataclasses.asdict` costs ten times as much)."""
    if item is None:
        return None
    return {name: getattr(item, name) for name in _RECORD_FIELDS[type(item)]}


def _server_time(snapshot: Snapshot, epoch: int | None) -> float | None:
    """A server epoch as UTC, at the middle of its second.

    The server sends whole seconds: an event at 12.7 s reads 12. Set beside the client's
    clock (a poll's time), the epoch stands for the middle of its second, else every wait
    and handle time measured against a poll reads half a second long. Differences of two
    server epochs (`callAnswered - JoinTime`) are unchanged by it.
    """
    return snapshot.to_utc(epoch) + 0.5 if epoch else None


def _withheld(phone: str) -> str:
    """The index key of a number without digits ("Anonymous"): its text, told apart from
    any digits by a prefix; "" for an empty number, which matches nothing."""
    text = phone.strip().casefold()
    return f"~{text}" if text else ""


def _connected(state: object) -> bool:
    return state is CallState.TALKING or state is CallState.HOLD


class OutcomeTracker:
    """Turns a stream of snapshots into outcomes and agent time credits (see the module)."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self.last_poll: float | None = None
        self._callers: dict[str, WaitingCaller] = {}
        self._calls: dict[str, TrackedCall] = {}
        self._ring_ends: dict[str, TrackedCall] = {}
        self._presence: dict[str, Presence] = {}
        self._agent_calls: dict[str, set[str]] = {}
        self._extensions: dict[str, Extension] = {}  # last seen, to skip unchanged ones
        self._by_ivrid: dict[str, set[str]] = {}
        self._by_phone: dict[str, set[str]] = {}
        # ivrid -> when it was answered (UTC); kept a few polls, to tell ring-all from a miss.
        self._answered_ivrids: dict[str, float] = {}
        # phone key -> when its caller left a queue unanswered; kept for two polls.
        self._left_unanswered: dict[str, float] = {}
        self._dirty: set[str] = set()

    # --- the poll -----------------------------------------------------------------------
    def observe(self, snapshot: Snapshot, credit: Credit) -> list[Outcome]:
        """Compare `snapshot` with the last one; return what happened, credit agents' time."""
        now = snapshot.fetched_at
        prev = self.last_poll
        if prev is not None and now <= prev:
            return []  # an answer older than the last one teaches nothing
        gap = prev is not None and now - prev > GAP_INTERVALS * self.interval_s
        outcomes: list[Outcome] = []
        if gap and prev is not None:
            self.settle(prev, credit, restart_at=now)
        # A change is dated half-way between the polls around it; after a gap or at the
        # first poll, from this poll on (nothing is credited over what was not seen).
        mid = now if prev is None or gap else (prev + now) / 2
        self._observe_agents(snapshot, now, prev, mid, gap, credit, outcomes)
        self._observe_callers(snapshot, now, prev, gap, outcomes)
        self._decide_ring_ends(now, gap, outcomes)
        self._forget_old(now)
        self.last_poll = now
        self._dirty.add("meta")
        return outcomes

    def _observe_agents(
        self,
        snapshot: Snapshot,
        now: float,
        prev: float | None,
        mid: float,
        gap: bool,
        credit: Credit,
        outcomes: list[Outcome],
    ) -> None:
        extensions = snapshot.extensions
        keys = agent_keys(extensions)
        last = self._extensions
        seen: dict[str, Extension] = {}
        for key, ext in zip(keys, extensions, strict=True):
            seen[key] = ext
            if last.get(key) is ext:
                continue  # unchanged since the last poll: nothing to settle
            self._observe_agent(key, ext, snapshot, now, prev, mid, gap, credit, outcomes)
        if len(seen) != len(last) or seen.keys() != last.keys():
            for key in last.keys() - seen.keys():
                self._agent_gone(key, now, prev, mid, gap, credit, outcomes)
        self._extensions = seen

    def _observe_agent(
        self,
        key: str,
        ext: Extension,
        snapshot: Snapshot,
        now: float,
        prev: float | None,
        mid: float,
        gap: bool,
        credit: Credit,
        outcomes: list[Outcome],
    ) -> None:
        name = ext.agent_name
        current: dict[str, Any] = {}
        for index, call in enumerate(ext.calls):
            call_key = f"call\x1f{key}\x1f{call.ivr_id or index}"
            current[call_key] = call
        known = self._agent_calls.setdefault(key, set())
        talking = holding = False
        for call_key, call in current.items():
            tracked = self._calls.get(call_key)
            state = call.state
            answered_utc = _server_time(snapshot, call.call_answered)
            if tracked is None:
                incoming = call.direction.strip().lower() != "outgoing"
                tracked = TrackedCall(
                    agent=key,
                    agent_name=name,
                    ivrid=call.ivr_id,
                    incoming=incoming,
                    phone=call.caller_phone,
                    started=_server_time(snapshot, call.call_started),
                    answered=answered_utc,
                    answer_time_known=answered_utc is not None,
                )
                self._calls[call_key] = tracked
                known.add(call_key)
                self._index(call_key, tracked)
                if not incoming:
                    outcomes.append(self._agent_outcome(DIALLED, tracked, now))
            changed = False
            if state is CallState.RINGING and not tracked.rang:
                tracked.rang = changed = True
            connected = _connected(state) or answered_utc is not None
            if connected and not tracked.connected:
                tracked.connected = changed = True
                if tracked.answered is None:
                    tracked.answered = answered_utc if answered_utc is not None else mid
                    tracked.answer_time_known = answered_utc is not None
                if tracked.incoming:
                    outcomes.append(self._agent_outcome(TAKEN, tracked, now))
                    self._answered_ivrids[tracked.ivrid] = tracked.answered or now
            if state is CallState.HOLD and tracked.hold_since is None:
                tracked.hold_since, changed = mid, True
            elif state is not CallState.HOLD and tracked.hold_since is not None:
                tracked.hold_s += max(0.0, mid - tracked.hold_since)
                tracked.hold_since, changed = None, True
            if changed:
                self._dirty.add(call_key)
            talking = talking or tracked.connected
            holding = holding or state is CallState.HOLD
        for call_key in known - current.keys():
            known.discard(call_key)
            self._call_gone(call_key, now, prev, mid, gap, outcomes)
        self._update_presence(key, name, ext.status, talking, holding, mid, credit)

    def _update_presence(
        self,
        key: str,
        name: str,
        status: int | None,
        talking: bool,
        holding: bool,
        mid: float,
        credit: Credit,
    ) -> None:
        presence = self._presence.get(key)
        if presence is None:
            self._presence[key] = Presence(
                name, status, mid, mid if talking else None, mid if holding else None
            )
            self._dirty.add(f"agent\x1f{key}")
            return
        before = (presence.status, presence.talk_since, presence.hold_since, presence.name)
        presence.name = name
        if status != presence.status:
            if presence.status is not None:
                credit(key, name, presence.status, mid - presence.status_since)
            presence.status, presence.status_since = status, max(mid, presence.status_since)
        if talking != (presence.talk_since is not None):
            if presence.talk_since is not None:
                credit(key, name, TALK, mid - presence.talk_since)
            presence.talk_since = mid if talking else None
        if holding != (presence.hold_since is not None):
            if presence.hold_since is not None:
                credit(key, name, HOLD, mid - presence.hold_since)
            presence.hold_since = mid if holding else None
        if before != (presence.status, presence.talk_since, presence.hold_since, presence.name):
            self._dirty.add(f"agent\x1f{key}")

    def _agent_gone(
        self,
        key: str,
        now: float,
        prev: float | None,
        mid: float,
        gap: bool,
        credit: Credit,
        outcomes: list[Outcome],
    ) -> None:
        """An extension left the answer: its calls end, its time stops where last seen."""
        for call_key in self._agent_calls.pop(key, set()):
            self._call_gone(call_key, now, prev, mid, gap, outcomes)
        presence = self._presence.pop(key, None)
        if presence is not None and prev is not None and not gap:
            self._credit_open(key, presence, prev, credit)
        self._dirty.add(f"agent\x1f{key}")

    def _call_gone(
        self,
        call_key: str,
        now: float,
        prev: float | None,
        mid: float,
        gap: bool,
        outcomes: list[Outcome],
    ) -> None:
        tracked = self._calls.pop(call_key, None)
        if tracked is None:
            return
        self._unindex(call_key, tracked)
        self._dirty.add(call_key)
        if gap or prev is None:
            return  # it ended while nobody was looking: not guessed
        if tracked.connected and tracked.answered is not None:
            if tracked.hold_since is not None:
                tracked.hold_s += max(0.0, mid - tracked.hold_since)
            handle = max(0.0, mid - tracked.answered)
            outcomes.append(self._agent_outcome(HANDLED, tracked, now, handle, tracked.hold_s))
        elif tracked.incoming and tracked.rang:
            tracked.gone = mid
            self._ring_ends[call_key] = tracked
            self._dirty.add(f"ring\x1f{call_key}")

    def _observe_callers(
        self, snapshot: Snapshot, now: float, prev: float | None, gap: bool, out: list[Outcome]
    ) -> None:
        present: set[str] = set()
        callers = self._callers
        for queue in snapshot.queues:
            for caller in queue.callers:
                ident = caller.call_id or f"{caller.phone}@{caller.join_time}"
                key = f"{queue.queue_id}\x1f{ident}"
                present.add(key)
                if key not in callers:
                    callers[key] = WaitingCaller(
                        queue.queue_id,
                        queue.display_name,
                        caller.call_id,
                        caller.phone,
                        _server_time(snapshot, caller.join_time) or 0.0,
                    )
                    self._dirty.add(f"caller\x1f{key}")
        for key in [k for k in callers if k not in present]:
            waiting = callers[key]
            if gap or prev is None:
                out.append(self._caller_outcome(key, waiting, UNKNOWN, now, None))
                del callers[key]
            elif waiting.left is None:
                # It left since the last poll: answered now, or next poll, or abandoned.
                waiting.left = now
                # It was there at the last poll and gone at this one: it left half-way, on
                # average. (The last seen wait alone would be short by half an interval,
                # and at 5 s polls would call a 7 s abandon a short one.)
                waiting.last_wait = max(0.0, (prev + now) / 2 - waiting.joined)
                self._resolve_leaver(key, waiting, now, out, final=False)
            else:
                self._resolve_leaver(key, waiting, now, out, final=True)
            self._dirty.add(f"caller\x1f{key}")

    def _resolve_leaver(
        self, key: str, waiting: WaitingCaller, now: float, out: list[Outcome], *, final: bool
    ) -> None:
        call = self._answering_call(waiting)
        if call is not None:
            call.claimed = True
            wait = waiting.last_wait
            if call.answered is not None and call.answer_time_known:
                wait = max(0.0, call.answered - waiting.joined)
            out.append(self._caller_outcome(key, waiting, ANSWERED, now, wait, call))
            del self._callers[key]
            return
        digits = phone_key(waiting.phone)
        if digits is not None:
            self._left_unanswered[digits] = now
        if final:
            out.append(self._caller_outcome(key, waiting, ABANDONED, now, waiting.last_wait))
            del self._callers[key]

    def _answering_call(self, waiting: WaitingCaller) -> TrackedCall | None:
        """The unclaimed, connected incoming call that took this caller, if one is seen."""
        if waiting.call_id:
            for call_key in self._by_ivrid.get(waiting.call_id, ()):
                call = self._calls[call_key]
                if call.incoming and call.connected and not call.claimed:
                    return call
        digits = phone_key(waiting.phone)
        if digits is not None:
            candidates = self._by_phone.get(digits, ())
        else:
            # A withheld number ("Anonymous") matches the same text, only among calls
            # answered while this caller was leaving: there is nothing better to go by.
            candidates = self._by_phone.get(_withheld(waiting.phone), ())
        best: TrackedCall | None = None
        for call_key in candidates:
            call = self._calls[call_key]
            if not (call.incoming and call.connected) or call.claimed:
                continue
            if call.started is not None and call.started < waiting.joined - JOIN_TOLERANCE_S:
                continue
            if digits is None and not self._answered_as_left(call, waiting):
                continue
            if best is None or (call.answered or 0.0) < (best.answered or 0.0):
                best = call
        return best

    def _answered_as_left(self, call: TrackedCall, waiting: WaitingCaller) -> bool:
        """Whether `call` was answered within a poll of the moment `waiting` left."""
        if call.answered is None or waiting.left is None:
            return False
        window = GAP_INTERVALS * self.interval_s
        return waiting.left - window <= call.answered <= waiting.left + JOIN_TOLERANCE_S

    def _decide_ring_ends(self, now: float, gap: bool, out: list[Outcome]) -> None:
        """Rings that ended at the last poll: a miss unless answered elsewhere or abandoned."""
        for call_key, ring in list(self._ring_ends.items()):
            if ring.gone is None or ring.gone >= now:
                continue
            if self.last_poll is not None and ring.gone > self.last_poll:
                continue  # ended in this very poll: decided at the next
            del self._ring_ends[call_key]
            self._dirty.add(f"ring\x1f{call_key}")
            if gap:
                continue
            answered_at = self._answered_ivrids.get(ring.ivrid) if ring.ivrid else None
            if answered_at is not None and answered_at <= ring.gone + self.interval_s / 2:
                # Answered by a colleague as it stopped ringing here: ring-all. (A caller
                # offered again after this ring went unanswered is answered later.)
                continue
            digits = phone_key(ring.phone)
            left = self._left_unanswered.get(digits) if digits is not None else None
            if left is not None and self._same_moment(left, ring.gone):
                continue  # the caller hung up while it rang
            ring_s = max(0.0, ring.gone - ring.started) if ring.started is not None else None
            out.append(self._agent_outcome(MISSED, ring, now, ring_s))

    def _same_moment(self, left: float, gone: float) -> bool:
        """Whether a caller who was first missed at poll time `left` hung up as a ring that
        stopped at `gone` (a midpoint) did: the same poll, or the next (the two endpoints
        are read apart). A caller who gives up later, after waiting again, is not."""
        return gone - self.interval_s <= left <= gone + 1.5 * self.interval_s + JOIN_TOLERANCE_S

    def _forget_old(self, now: float) -> None:
        horizon = now - 2 * GAP_INTERVALS * self.interval_s
        for table in (self._answered_ivrids, self._left_unanswered):
            for key in [k for k, t in table.items() if t < horizon]:
                del table[key]

    # --- time ---------------------------------------------------------------------------
    def settle(self, at: float, credit: Credit, restart_at: float | None = None) -> None:
        """Credit every open segment up to `at` and restart it at `restart_at` (default
        `at`): a day boundary, or the last poll before a gap and the first after it."""
        again = at if restart_at is None else restart_at
        for key, presence in self._presence.items():
            self._credit_open(key, presence, at, credit)
            presence.status_since = max(presence.status_since, again)
            if presence.talk_since is not None:
                presence.talk_since = max(presence.talk_since, again)
            if presence.hold_since is not None:
                presence.hold_since = max(presence.hold_since, again)
            self._dirty.add(f"agent\x1f{key}")

    @staticmethod
    def _credit_open(key: str, presence: Presence, upto: float, credit: Credit) -> None:
        if presence.status is not None:
            credit(key, presence.name, presence.status, upto - presence.status_since)
        if presence.talk_since is not None:
            credit(key, presence.name, TALK, upto - presence.talk_since)
        if presence.hold_since is not None:
            credit(key, presence.name, HOLD, upto - presence.hold_since)

    def credit_open_time(self, upto: float, credit: Credit) -> None:
        """Credit the open segments up to `upto` without closing them (for a report)."""
        for key, presence in self._presence.items():
            self._credit_open(key, presence, upto, credit)

    def credit_open_time_of(self, key: str, upto: float, credit: Credit) -> str | None:
        """Credit one agent's open segments up to `upto` (as `credit_open_time`); returns
        the agent's name, or None when the last answer did not have the agent."""
        presence = self._presence.get(key)
        if presence is None:
            return None
        self._credit_open(key, presence, upto, credit)
        return presence.name

    def open_agents(self) -> dict[str, str]:
        """Agent key to name for every agent seen in the last answer."""
        return {key: presence.name for key, presence in self._presence.items()}

    # --- outcomes -----------------------------------------------------------------------
    @staticmethod
    def _agent_outcome(
        kind: str,
        call: TrackedCall,
        now: float,
        seconds: float | None = None,
        hold_s: float | None = None,
    ) -> Outcome:
        ident = call.ivrid or f"{call.phone}@{call.started}"
        return Outcome(
            key=f"{kind}:{call.agent}:{ident}",
            kind=kind,
            at_utc=now,
            agent=call.agent,
            agent_name=call.agent_name,
            phone=call.phone,
            seconds=seconds,
            hold_s=hold_s,
        )

    @staticmethod
    def _caller_outcome(
        key: str,
        waiting: WaitingCaller,
        kind: str,
        now: float,
        wait: float | None,
        call: TrackedCall | None = None,
    ) -> Outcome:
        return Outcome(
            key=f"caller:{key}",
            kind=kind,
            at_utc=waiting.left if waiting.left is not None else now,
            queue_id=waiting.queue_id,
            queue_name=waiting.queue_name,
            agent=call.agent if call is not None else "",
            agent_name=call.agent_name if call is not None else "",
            phone=waiting.phone,
            seconds=wait,
        )

    # --- indexes ------------------------------------------------------------------------
    def _index(self, call_key: str, call: TrackedCall) -> None:
        if not call.incoming:
            return
        if call.ivrid:
            self._by_ivrid.setdefault(call.ivrid, set()).add(call_key)
        digits = phone_key(call.phone) or _withheld(call.phone)
        if digits:
            self._by_phone.setdefault(digits, set()).add(call_key)

    def _unindex(self, call_key: str, call: TrackedCall) -> None:
        digits = phone_key(call.phone) or _withheld(call.phone)
        for table, key in ((self._by_ivrid, call.ivrid), (self._by_phone, digits)):
            if key and key in table:
                table[key].discard(call_key)
                if not table[key]:
                    del table[key]

    # --- persistence --------------------------------------------------------------------
    def drain_changes(self) -> dict[str, dict[str, Any] | None]:
        """The records changed since the last drain: key to record, None when deleted."""
        changes: dict[str, dict[str, Any] | None] = {}
        for key in self._dirty:
            changes[key] = self._record(key)
        self._dirty.clear()
        return changes

    def _record(self, key: str) -> dict[str, Any] | None:
        kind, _, ident = key.partition("\x1f")
        if kind == "meta":
            # Copies: the store's thread reads the record while this one goes on.
            return {
                "last_poll": self.last_poll,
                "answered_ivrids": dict(self._answered_ivrids),
                "left_unanswered": dict(self._left_unanswered),
            }
        if kind == "caller":
            return _as_record(self._callers.get(ident))
        if kind == "agent":
            return _as_record(self._presence.get(ident))
        if kind == "ring":
            return _as_record(self._ring_ends.get(ident))
        return _as_record(self._calls.get(key))  # kind == "call": the key is the call's own

    def all_records(self) -> dict[str, dict[str, Any]]:
        """Every record of the state (for a first write, or a test)."""
        keys = ["meta"]
        keys += [f"caller\x1f{k}" for k in self._callers]
        keys += [f"agent\x1f{k}" for k in self._presence]
        keys += [f"ring\x1f{k}" for k in self._ring_ends]
        keys += list(self._calls)
        return {key: record for key in keys if (record := self._record(key)) is not None}

    @classmethod
    def restore(cls, interval_s: float, records: dict[str, dict[str, Any]]) -> OutcomeTracker:
        """A tracker continuing from stored records (as `drain_changes` gave them)."""
        tracker = cls(interval_s)
        for key, record in records.items():
            kind, _, ident = key.partition("\x1f")
            if kind == "meta":
                tracker.last_poll = record.get("last_poll")
                tracker._answered_ivrids = dict(record.get("answered_ivrids") or {})
                tracker._left_unanswered = dict(record.get("left_unanswered") or {})
            elif kind == "caller":
                tracker._callers[ident] = WaitingCaller(**record)
            elif kind == "agent":
                tracker._presence[ident] = Presence(**record)
            elif kind == "ring":
                tracker._ring_ends[ident] = TrackedCall(**record)
            elif kind == "call":
                call = TrackedCall(**record)
                tracker._calls[key] = call
                tracker._agent_calls.setdefault(call.agent, set()).add(key)
                tracker._index(key, call)
        return tracker
