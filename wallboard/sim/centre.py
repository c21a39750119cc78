"""A seeded, discrete-event model of a busy call centre that speaks Voicenter's wire format.

The model lives on a simulated clock: time moves only when :meth:`CallCentre.advance_to` is
called, and every random choice comes from one ``random.Random(seed)``. The same seed and the
same sequence of ``advance_to`` calls therefore give the same history, byte for byte.

It does not import the client's models (``wallboard.api`` / ``wallboard.core``) on purpose: it
writes plain dicts in the vendor's format, so a bug in the client's parsing cannot hide behind
the simulator.

What happens inside:

- **Queues** receive callers as Poisson arrivals. A caller waits, is offered to a free agent of
  the queue's agent group (the phone rings for a few seconds; the caller stays listed in the
  queue while it rings, as in Asterisk), is answered, may be put on hold, and hangs up. A
  caller whose patience runs out abandons, even while ringing. Patience is capped at
  :data:`MAX_PATIENCE_S`, so nobody waits forever.
- **Agents** answer queue calls, sometimes ring without answering, make follow-up outgoing
  calls (``Dialing``, then ``Talking`` or no answer), consult a colleague while a customer is
  on hold (two calls on one extension), and transfer some callers to another queue (the new
  call carries ``customdata.OriginalIvrUniqueID``). About one agent in ten works an outbound
  desk and only dials out.
- **Statuses** follow shifts: log in (1), breaks of every kind (3, 5, 7, 9, 11, 12, 13), log out
  (2). A break or log-out that falls due during a call waits until the call and its wrap-up
  end. Some log-ins are hot desking: another user sits at the extension, so
  ``onlineUserID`` and ``representative`` differ from the owner's.

Demand follows the agents on duty (workforce management staffs to the forecast; here the
forecast follows the staff), at about 1.2 times what they can answer: abandonment keeps the
queues bounded. At the default size (40 agents, 4 queues) that means about a dozen callers
waiting on average, someone waiting at about 98% of moments, everyone on duty busy, and about
one caller in seven abandoning, after a minute or so on average.

A :class:`CentreProfile` changes that: the demand, whether wrap-up shows as a status,
overflow routing between groups, surges of demand, the queues' names. The defaults are the
ones above (tests, the benchmark and ``wallboard simulate`` rely on them); :func:`demo_profile`
is what ``wallboard demo`` shows: a centre below capacity between morning peaks, where an
agent is never seen available while callers wait for them (``wallboard.sim.measure``
measures that).
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AWAY_STATUSES",
    "CALL_STATES",
    "MAX_PATIENCE_S",
    "STATUS_NAMES",
    "WARMUP_S",
    "CallCentre",
    "CentreProfile",
    "SimTruth",
    "Surges",
    "demo_profile",
]

#: Vendor status codes of ``onlineUserStatus`` and what they mean.
STATUS_NAMES: dict[int, str] = {
    1: "Login",
    2: "Logout",
    3: "Lunch break",
    5: "Administrative time",
    7: "Short break",
    9: "Other",
    11: "Training",
    12: "Team meeting",
    13: "Briefing",
}
LOGIN = 1
LOGOUT = 2

#: Away statuses: (relative frequency, shortest, longest duration in seconds).
AWAY_STATUSES: dict[int, tuple[int, float, float]] = {
    7: (45, 300, 900),
    3: (12, 1500, 2700),
    5: (15, 300, 1200),
    9: (10, 120, 600),
    11: (6, 1800, 3600),
    12: (6, 900, 2400),
    13: (6, 300, 900),
}
_AWAY_CODES = list(AWAY_STATUSES)
_AWAY_WEIGHTS = [AWAY_STATUSES[s][0] for s in _AWAY_CODES]

#: The four call states, spelled as the vendor sends them.
CALL_STATES = ("Ringing", "Dialing", "Talking", "Hold")
RINGING, DIALING, TALKING, HOLD = CALL_STATES

#: Simulated history run before ``start``, so that the first snapshot is already busy. Agents
#: start in their steady mix of statuses; queues and calls settle within about 25 minutes
#: (the mean queue length after 30 minutes matches the one after two hours).
WARMUP_S = 1800.0
#: A jump forward longer than this re-warms the model at the target instead of replaying every
#: event in between: the cost of any ``advance_to`` stays bounded by one warm-up.
RESYNC_AFTER_S = WARMUP_S
#: No caller waits longer than this: patience is capped here.
MAX_PATIENCE_S = 900.0

# --- tuning (seconds unless stated) -------------------------------------------------------
# Lognormal patience: most callers hold on for minutes, few hang up at once (the exponential
# would make a third of all callers quit inside a minute and keep the queues shallow).
_PATIENCE_MEDIAN, _PATIENCE_SIGMA = 240.0, 0.5
_MIN_PATIENCE = 15.0
# A few callers hang up within seconds (a wrong number, a change of mind): the short
# abandons that service-level figures leave out.
_EARLY_HANGUP_P = 0.03
_EARLY_HANGUP = (1.0, 8.0)
_RING = (3.0, 15.0)  # an answered ring
_RING_NO_ANSWER = (15.0, 20.0)  # the agent's phone rang out
_RING_NO_ANSWER_P = 0.04
_MISSED_PAUSE = 30.0  # an agent who missed a ring gets no offer for a while
_TALK_MEDIAN, _TALK_SIGMA = 170.0, 0.7  # lognormal talk time of a queue call
_TALK_MIN, _TALK_MAX = 10.0, 3600.0
_HOLD_P = 0.22
_HOLD = (15.0, 120.0)
_CONSULT_P = 0.4  # while on hold, the agent dials a colleague: two calls on one extension
_WRAP = (5.0, 25.0)
_FOLLOW_UP_P = 0.12  # after a queue call, the agent calls someone back
_DIAL_ANSWERED = (5.0, 30.0)
_DIAL_UNANSWERED = (20.0, 40.0)
_OUTBOUND_ANSWER_P = 0.65
_OUT_TALK_MEDIAN, _OUT_TALK_SIGMA = 90.0, 0.8
_TRANSFER_P = 0.07
_SESSION = (4 * 3600.0, 9 * 3600.0)  # a shift, logged in
_OFF = (20 * 60.0, 150 * 60.0)  # logged out between shifts
_AVAILABLE = (30 * 60.0, 120 * 60.0)  # available between two breaks
_HOT_DESK_P = 0.15
_WEIGHT_S = 10.0  # one point of queue Weight counts like 10 s of extra waiting
_QUEUES_PER_GROUP = 4
_OUTBOUND_SHARE = 10  # one agent in ten works the outbound desk (from 10 agents up)
#: Offered load relative to the group's capacity; above 1 keeps someone waiting nearly always,
#: abandonment keeps the queue bounded (an Erlang-A regime).
_LOAD = 1.2
#: Agent time one queue call costs on average: ring, talk, hold, wrap-up and follow-ups.
_AGENT_S_PER_CALL = 300.0

_ORG_CALLER_NAME = "Voicenter"

_HEBREW_FIRST = ["דנה", "יוסי", "מיכל", "אבי", "נועה", "רוני", "שירה", "איתי", "תמר", "עומר"]
_HEBREW_LAST = ["כהן", "לוי", "מזרחי", "פרץ", "ביטון", "אברהם", "פרידמן", "שפירא", "דהן"]
# fmt: off
_LATIN_FIRST = [
    "Dana", "Yossi", "Michal", "Avi", "Noa", "Roni", "Shira", "Itai", "Tamar", "Omer", "Ahmad",
    "Rana", "Yusuf", "Lina", "Olga", "Dmitri", "Svetlana", "Igor", "Sarah", "David", "Rachel",
    "Daniel", "Maya", "Eitan", "Fatima", "Karim", "Natalia", "Alexei", "Chen", "Liora",
]
_LATIN_LAST = [
    "Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Avraham", "Friedman", "Shapiro", "Dahan",
    "Azoulay", "Khalil", "Haddad", "Nasser", "Ivanova", "Petrov", "Smirnova", "Goldberg",
    "Ben-David", "Katz", "Rosenberg", "Abu-Ghosh", "Mansour", "Rosenberg-Ben-Ami",
]
_FIRST_QUEUES = [("Sales", 5), ("Support", 3), ("Billing", 1), ("VIP", 10)]
# Further queues are named department + variant (140 combinations).
_QUEUE_DEPARTMENTS = [
    "Technical Support", "Retention", "Collections", "Returns", "Orders", "Onboarding",
    "Complaints", "Callbacks", "Partners", "Enterprise", "תמיכה טכנית", "מכירות",
    "שירות לקוחות", "גבייה",
]
_QUEUE_VARIANTS = [
    "", " North", " South", " Center", " - Russian", " - Arabic", " - English", " - עברית",
    " Tier 2", " Night",
]
# fmt: on
_CUSTOMER_TIERS = ["Gold", "Silver", "Bronze", "Platinum"]
#: Caller ids from the caller's network are outside data: these test the board's plain-text
#: rendering (markup, escape sequences, wide and right-to-left text, control characters).
_ODD_CALLER_NAMES = [
    "[bold red]URGENT[/]",
    "\x1b[31mRED ALERT\x1b[0m",
    "<b>markup</b>",
    "Ｗｉｄｅ　Ｃａｌｌｅｒ",
    "משה (VIP) 050",
    "Tab\tand\nnewline",
    "\u202eevil override",
    "Caller with an extremely long display name that will not fit anywhere on a tile",
]

# Event kinds, which index CallCentre._handlers; the heap holds (time, sequence, kind, subject).
_ARRIVAL, _ABANDON, _RING_END, _HOLD_START, _HOLD_END = range(5)
_HANGUP, _DIAL_END, _READY, _STATUS, _OVERFLOW = range(5, 10)
# Caller states.
_WAITING, _OFFERED, _GONE = range(3)
# Call roles.
_QUEUE_CALL, _OUTBOUND_CALL, _CONSULT_CALL = range(3)


#: Arrival draws for one gap under surges; past it the gap ends (bounded; never reached at
#: any factor below 10).
_MAX_THINNING_DRAWS = 200


@dataclass(frozen=True, slots=True)
class Surges:
    """Demand that swells now and then, as a morning peak does.

    One surge begins every ``every_s``, the first at ``first_at`` (a simulated epoch; the
    series runs before it too). Demand rises smoothly over ``rise_s`` to ``factor`` times
    the usual, stays there for ``hold_s`` and falls back over ``rise_s``, in every queue.
    """

    first_at: float
    every_s: float = 1800.0
    rise_s: float = 240.0
    hold_s: float = 420.0
    factor: float = 1.6

    def __post_init__(self) -> None:
        if not 1.0 <= self.factor <= 10.0:
            raise ValueError(f"a surge's factor must be within 1..10, got {self.factor}")
        if self.rise_s <= 0 or self.hold_s < 0 or self.every_s < 2 * self.rise_s + self.hold_s:
            raise ValueError("a surge must rise, and end before the next one begins")

    def factor_at(self, t: float) -> float:
        """How many times the usual demand arrives at simulated time ``t``."""
        x = (t - self.first_at) % self.every_s
        rise, top = self.rise_s, self.rise_s + self.hold_s
        if x < rise:
            swell = x / rise
        elif x < top:
            swell = 1.0
        elif x < top + rise:
            swell = (top + rise - x) / rise
        else:
            return 1.0
        # Smooth at both ends (a raised cosine): demand does not jump.
        return 1.0 + (self.factor - 1.0) * (1.0 - math.cos(math.pi * swell)) / 2.0


@dataclass(frozen=True, slots=True)
class CentreProfile:
    """How the centre behaves; the defaults are the model's historic ones (tests, bench).

    - ``load``: offered demand relative to what the agents on duty can answer.
    - ``after_call_status``: when set, an agent in after-call work (the wrap-up after a
      call, or the pause after a ring they missed) shows this ``onlineUserStatus`` instead
      of 1, so a board never sees them available while the queue holds calls back from
      them. The vendor's list has no wrap-up code; 5, Administrative time, is the closest.
      None: wrap-up shows as available (status 1, no call), as a plain Asterisk wrapuptime.
    - ``overflow_after_s``: when set, a caller who has waited this long is offered to a
      free agent of any group (overflow routing), not only to the queue's own group.
    - ``surges``: demand that swells now and then (see :class:`Surges`); None: steady.
    - ``queue_names``: the first queues' names and weights, as an administrator typed them
      (empty: Sales, Support, Billing, VIP); further queues are named by the model.
    """

    load: float = _LOAD
    after_call_status: int | None = None
    overflow_after_s: float | None = None
    surges: Surges | None = None
    queue_names: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        if not 0 < self.load <= 5:
            raise ValueError(f"load must be within (0, 5], got {self.load}")
        if self.after_call_status is not None and self.after_call_status not in STATUS_NAMES:
            raise ValueError(f"unknown status code {self.after_call_status}")
        if self.after_call_status in (LOGIN, LOGOUT):
            raise ValueError("after-call work must show as an away status")


#: The demo's queues, named as an Israeli centre's administrator would name them, with
#: their weights (priority): Hebrew and English side by side, as the vendor sends them.
DEMO_QUEUES: tuple[tuple[str, int], ...] = (
    ("מכירות", 5),
    ("שירות לקוחות", 3),
    ("תמיכה טכנית", 2),
    ("VIP", 10),
    ("גבייה", 1),
    ("Support - English", 0),
)


def demo_profile(now: float) -> CentreProfile:
    """A believable busy centre for the demo, around simulated time ``now``.

    About 75 % of capacity between peaks: a few callers wait, mostly while a phone rings
    for them, and the service level sits above 90 %. A morning peak every two hours:
    demand rises over 3 minutes to twice the usual and stays there 8 minutes; the first is
    at full swing at ``now``, so callers queue at once, a wait passes three minutes (an
    alert) within the first minutes, and the day's service level dips and recovers.
    Wrap-up shows as Administrative time; callers overflow to any free agent after 10 s.
    """
    return CentreProfile(
        load=0.75,
        after_call_status=5,
        overflow_after_s=10.0,
        surges=Surges(first_at=now - 480.0, every_s=7200.0, rise_s=180.0, hold_s=480.0, factor=2.0),
        queue_names=DEMO_QUEUES,
    )


#: How many outcomes of each kind the ground truth keeps (a simulated week at the default size).
TRUTH_MAX_RECORDS = 500_000


@dataclass(frozen=True, slots=True)
class CallerFate:
    """What really became of one queue caller: answered or abandoned, after how long."""

    at: float  # simulated UTC epoch when the caller left the queue
    queue_id: int
    call_id: str
    answered: bool
    wait_s: float
    agent: str = ""  # the SIP id that answered


@dataclass(frozen=True, slots=True)
class RingMiss:
    """An agent's phone rang out: the agent did not answer a queue call offered to them."""

    at: float
    agent: str
    ivrid: str


@dataclass(frozen=True, slots=True)
class CallEnd:
    """An answered call ended: who had it, how long it lasted since the answer, and its hold."""

    at: float
    agent: str
    ivrid: str
    incoming: bool
    handle_s: float
    hold_s: float


@dataclass(slots=True)
class SimTruth:
    """The simulator's ground truth, which a board can only infer from snapshots.

    Every caller's fate, every ring that went unanswered and every answered call that
    ended, in the order they happened, each list bounded by :data:`TRUTH_MAX_RECORDS`.
    Tests compare what the board infers with these.
    """

    fates: deque[CallerFate] = field(default_factory=lambda: deque(maxlen=TRUTH_MAX_RECORDS))
    misses: deque[RingMiss] = field(default_factory=lambda: deque(maxlen=TRUTH_MAX_RECORDS))
    ends: deque[CallEnd] = field(default_factory=lambda: deque(maxlen=TRUTH_MAX_RECORDS))

    def fates_between(self, start: float, end: float) -> list[CallerFate]:
        """Callers who left a queue in ``[start, end)``."""
        return [f for f in self.fates if start <= f.at < end]

    def to_json(self, start: float = 0.0, end: float = math.inf) -> dict[str, Any]:
        """Counts and waits per queue and per agent in ``[start, end)``, as plain JSON."""
        queues: dict[str, dict[str, Any]] = {}
        for f in self.fates_between(start, end):
            q = queues.setdefault(
                str(f.queue_id),
                {"answered": 0, "abandoned": 0, "answer_waits": [], "abandon_waits": []},
            )
            q["answered" if f.answered else "abandoned"] += 1
            q["answer_waits" if f.answered else "abandon_waits"].append(round(f.wait_s, 3))
        agents: dict[str, dict[str, Any]] = {}
        for m in self.misses:
            if start <= m.at < end:
                agents.setdefault(m.agent, {"missed": 0, "handled": 0})["missed"] += 1
        for e in self.ends:
            if start <= e.at < end:
                agents.setdefault(e.agent, {"missed": 0, "handled": 0})["handled"] += 1
        return {"queues": queues, "agents": agents}


@dataclass(slots=True, eq=False)
class _Queue:
    qid: int
    name: str
    weight: int
    did: str
    group: int
    rate: float = 0.0  # arrivals per second per agent on duty (status 1) in the group
    # Everyone in the queue, in join order (ringing callers included): the wire's Callers.
    callers: dict[str, _Caller] = field(default_factory=dict)
    # Callers not yet offered to an agent; stale entries are skipped lazily.
    pending: deque[_Caller] = field(default_factory=deque)


@dataclass(slots=True, eq=False)
class _Caller:
    call_id: str
    ivrid: str
    phone: str
    name: str
    did: str
    join: float
    queue: _Queue
    customdata: dict[str, Any]
    state: int = _WAITING
    call: _Call | None = None  # the ringing call, while offered


@dataclass(slots=True, eq=False)
class _Call:
    ivrid: str
    role: int
    status: str
    started: float
    agent: _Agent
    name: str  # callername
    phone: str  # callerphone
    customdata: dict[str, Any]
    filename: str
    muted: int
    did: str = ""
    caller: _Caller | None = None  # the queue caller, for a queue call
    fails: bool = False  # rings out / nobody answers the dialled number
    answered_at: float = 0.0  # 0 until answered
    hold_since: float = 0.0  # when the current hold began (0: not on hold)
    held_s: float = 0.0  # hold time so far
    alive: bool = True
    consult: _Call | None = None  # the colleague dialled while this call is on hold

    @property
    def incoming(self) -> bool:
        return self.role == _QUEUE_CALL


@dataclass(slots=True, eq=False)  # eq=False: agents are dict keys by identity
class _Agent:
    name: str
    user_id: int
    ext_id: int
    username: str
    group: int  # -1 for the outbound desk
    outbound: bool
    status: int = LOGOUT
    status_seq: int = 0  # tells a current status event from one made stale by a change
    status_due: float = 0.0
    session_end: float = 0.0
    online_id: int = 0
    representative: str = ""
    roamer: tuple[int, str] | None = None  # the hot-desking user sitting here, if any
    calls: list[_Call] = field(default_factory=list)
    follow_up: bool = False  # may dial a follow-up once the wrap-up ends
    wrap_status: int = 0  # the status shown during after-call work; 0: shows ``status``


class CallCentre:
    """A busy call centre on a simulated clock, rendered in Voicenter's Active Calls format.

    ``start`` is the simulated epoch (UTC seconds) the model begins at; it has already run
    :data:`WARMUP_S` of history by then, so the first snapshot shows waiting callers, calls in
    every state, breaks and logged-out agents. Call :meth:`advance_to` to move time, then
    :meth:`extensions_payload` / :meth:`queues_payload` to read the wire-format lists.

    ``odd_caller_names`` lets about 1% of callers carry hostile display names (markup, ANSI
    escapes, control characters), as real caller ids can. ``profile`` sets demand and
    routing (:class:`CentreProfile`; :func:`demo_profile` is the demo's).
    """

    def __init__(
        self,
        *,
        seed: int = 1,
        agents: int = 40,
        queues: int = 4,
        start: float,
        odd_caller_names: bool = True,
        profile: CentreProfile | None = None,
    ) -> None:
        if agents < 1 or queues < 1:
            raise ValueError("a call centre needs at least one agent and one queue")
        self.seed = seed
        self.profile = profile if profile is not None else CentreProfile()
        self._rng = random.Random(seed)
        self._odd_names = odd_caller_names
        self._serial = itertools.count()
        # Ids are a counter scrambled by a seeded bijection: unique and random-looking.
        self._id_mul = self._rng.randrange(1 << 39) * 2 + 1
        self._id_add = self._rng.randrange(1 << 40)
        self._day_cache: tuple[int, str] = (-1, "")
        #: What really happened (answered, abandoned, missed, ended), for tests of inference.
        self.truth = SimTruth()
        self._build_queues(queues, agents)
        self._build_agents(agents)
        self._handlers: list[Callable[[Any, float], None]] = [
            self._on_arrival,
            self._on_abandon,
            self._on_ring_end,
            self._on_hold_start,
            self._on_hold_end,
            self._on_hangup,
            self._on_dial_end,
            self._on_ready,
            self._on_status,
            self._on_overflow,
        ]
        self._reset(float(start) - WARMUP_S)
        self._run_until(float(start))

    # --- public -------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """The simulated epoch (UTC seconds) the model has reached."""
        return self._now

    def advance_to(self, t: float) -> None:
        """Process every event up to simulated time ``t``; a ``t`` in the past is ignored.

        A jump longer than :data:`RESYNC_AFTER_S` re-warms the model just before ``t`` rather
        than replaying every event in between: nothing alive at the old time could still be,
        and the cost stays bounded whatever the jump.
        """
        if not math.isfinite(t):
            raise ValueError(f"cannot advance to {t}")
        if t <= self._now:
            return
        if t - self._now > RESYNC_AFTER_S:
            self._reset(t - WARMUP_S)
        self._run_until(t)

    def extensions_payload(
        self, extension: str | None = None, *, epoch_offset_s: int = 0
    ) -> list[dict[str, Any]]:
        """The ``EXTENSIONS`` list of GetExtensionsCalls at the current simulated time.

        ``extension`` keeps only the extension with that SIP id (``username``); an unknown one
        gives ``[]``. ``epoch_offset_s`` is added to every epoch (``callStarted``,
        ``callAnswered``), to mimic a server that sends local time instead of UTC.
        """
        if extension is None or extension == "":
            agents = self._agents
        else:
            found = self._by_username.get(str(extension))
            agents = [found] if found is not None else []
        return [self._agent_wire(a, epoch_offset_s) for a in agents]

    def queues_payload(
        self, queue: str | int | None = None, *, epoch_offset_s: int = 0
    ) -> list[dict[str, Any]]:
        """The ``QUEUES`` list of GetQueuesCallers at the current simulated time.

        ``queue`` keeps only the queue with that ``ID`` (an int or a string of digits; an
        unknown id gives ``[]``, anything else raises ``ValueError``). ``epoch_offset_s`` is
        added to each ``JoinTime``; ``Duration`` is the same in every frame.
        """
        if queue is None or queue == "":
            chosen = self._queues
        else:
            qid = _parse_queue_id(queue)
            found = self._by_qid.get(qid)
            chosen = [found] if found is not None else []
        now = int(self._now)
        return [
            {
                "Name": q.name,
                "ID": q.qid,
                "Weight": q.weight,
                "Callers": [
                    {
                        "Phone": c.phone,
                        "JoinTime": int(c.join) + epoch_offset_s,
                        "CallID": c.call_id,
                        "Duration": now - int(c.join),
                    }
                    for c in q.callers.values()
                ],
            }
            for q in chosen
        ]

    def teams(self) -> list[tuple[list[str], list[int]]]:
        """Who serves which queues: per agent group, its agents' SIP ids and its queue ids.

        The outbound desk serves no queue and is left out. The vendor's API does not say
        this; a board learns it from its configuration (teams), tests from here.
        """
        result: list[tuple[list[str], list[int]]] = [
            ([], [q.qid for q in queues]) for queues in self._group_queues
        ]
        for a in self._agents:
            if a.group >= 0:
                result[a.group][0].append(a.username)
        return result

    # --- building the organisation -------------------------------------------------------

    def _build_queues(self, count: int, agents: int) -> None:
        rng = self._rng
        queue_agents = agents - self._outbound_count(agents)
        # Agents serve groups of a few queues each; a group never lacks agents.
        groups = max(1, min(math.ceil(count / _QUEUES_PER_GROUP), queue_agents))
        names = list(self.profile.queue_names or _FIRST_QUEUES)
        extra = [
            (d + v, rng.choice([0, 0, 1, 2, 3, 5]))
            for d in _QUEUE_DEPARTMENTS
            for v in _QUEUE_VARIANTS
        ]
        rng.shuffle(extra)
        names += extra
        ids = rng.sample(range(10_000_000, 100_000_000), count)
        dids = rng.sample(range(1_000_000, 10_000_000), count)
        self._queues: list[_Queue] = []
        for i in range(count):
            name, weight = names[i] if i < len(names) else (f"Queue {i + 1}", 0)
            prefix = rng.choice(["03", "02", "04", "09", "072", "077"])
            did = f"{prefix}{dids[i]:07d}"
            self._queues.append(_Queue(ids[i], name, weight, did, group=i % groups))
        self._by_qid = {q.qid: q for q in self._queues}
        self._group_queues: list[list[_Queue]] = [[] for _ in range(groups)]
        for q in self._queues:
            self._group_queues[q.group].append(q)

    @staticmethod
    def _outbound_count(agents: int) -> int:
        return agents // _OUTBOUND_SHARE if agents >= _OUTBOUND_SHARE else 0

    def _build_agents(self, count: int) -> None:
        rng = self._rng
        outbound = self._outbound_count(count)
        groups = len(self._group_queues)
        roamers = max(2, count // 8)
        user_ids = rng.sample(range(1_000_000, 100_000_000), count + roamers)
        ext_ids = rng.sample(range(10_000_000, 1_000_000_000), count)
        usernames: set[str] = set()
        self._agents: list[_Agent] = []
        for i in range(count):
            if rng.random() < 0.7:
                username = f"SIP{1001 + i}"
            else:
                username = "vc" + "".join(rng.choices("abcdefghjkmnpqrstuvwxyz23456789", k=6))
            while username in usernames:  # the SIP id is the extension's key
                username += rng.choice("0123456789")
            usernames.add(username)
            is_out = i >= count - outbound
            group = -1 if is_out else i % groups
            self._agents.append(
                _Agent(self._person_name(), user_ids[i], ext_ids[i], username, group, is_out)
            )
        self._by_username = {a.username: a for a in self._agents}
        self._roamers_all = [(user_ids[count + j], self._person_name()) for j in range(roamers)]
        # Each queue takes a share of its group's load; the rate is per agent on duty.
        for queues in self._group_queues:
            shares = [rng.uniform(0.5, 1.5) * (0.4 if "VIP" in q.name else 1.0) for q in queues]
            for q, share in zip(queues, shares, strict=True):
                q.rate = self.profile.load / _AGENT_S_PER_CALL * share / sum(shares)

    def _person_name(self) -> str:
        rng = self._rng
        if rng.random() < 0.25:
            return f"{rng.choice(_HEBREW_FIRST)} {rng.choice(_HEBREW_LAST)}"
        return f"{rng.choice(_LATIN_FIRST)} {rng.choice(_LATIN_LAST)}"

    # --- the event loop -------------------------------------------------------------------

    def _reset(self, t0: float) -> None:
        """Forget every call and caller and restart at ``t0`` from a steady mix of statuses."""
        rng = self._rng
        self._now = t0
        self._events: list[tuple[float, int, int, Any]] = []
        self._idle: list[dict[_Agent, None]] = [{} for _ in self._group_queues]
        self._free_roamers = list(self._roamers_all)
        self._on_duty = [0] * len(self._group_queues)
        logged_in = _mean(_SESSION) / (_mean(_SESSION) + _mean(_OFF))
        for a in self._agents:
            a.status = LOGOUT  # so that _set_status counts the agents on duty afresh
            a.calls = []
            a.follow_up = False
            a.wrap_status = 0
            a.roamer = None
            if rng.random() >= logged_in:
                a.online_id, a.representative = 0, a.name
                self._set_status(a, LOGOUT, t0 + rng.uniform(0, _OFF[1]))
                continue
            self._sit_down(a)
            a.session_end = t0 + rng.uniform(0, _SESSION[1])
            if rng.random() < 0.2:
                status = self._pick_away()
                longest = AWAY_STATUSES[status][2]
                self._set_status(a, status, t0 + rng.uniform(0, longest))
            else:
                self._set_status(a, LOGIN, min(t0 + rng.uniform(0, _AVAILABLE[1]), a.session_end))
                self._push(t0 + rng.uniform(0, 30), _READY, a)
        for q in self._queues:
            q.callers.clear()
            q.pending.clear()
            self._push(t0 + self._arrival_gap(q, t0), _ARRIVAL, q)

    def _run_until(self, t: float) -> None:
        events, handlers, pop = self._events, self._handlers, heapq.heappop
        while events and events[0][0] <= t:
            when, _, kind, subject = pop(events)
            self._now = when
            handlers[kind](subject, when)
        self._now = t

    def _push(self, t: float, kind: int, subject: Any) -> None:
        heapq.heappush(self._events, (t, next(self._serial), kind, subject))

    # --- callers and queue calls -----------------------------------------------------------

    def _arrival_gap(self, q: _Queue, t: float) -> float:
        # Workforce management staffs the floor to the demand forecast; the model turns that
        # around and lets demand follow the agents on duty, so that the load stays steady
        # while breaks and shifts come and go.
        rate = q.rate * max(1, self._on_duty[q.group])
        surges = self.profile.surges
        if surges is None:
            return self._rng.expovariate(rate)
        # A rate that changes with time: draw at the peak rate and keep each draw with the
        # share the rate has then (thinning), so arrivals follow the surge's shape exactly.
        rng, top, gap = self._rng, surges.factor, 0.0
        for _ in range(_MAX_THINNING_DRAWS):
            gap += rng.expovariate(rate * top)
            if rng.random() * top <= surges.factor_at(t + gap):
                break
        return gap

    def _on_arrival(self, q: _Queue, t: float) -> None:
        self._push(t + self._arrival_gap(q, t), _ARRIVAL, q)
        phone = self._phone()
        self._enqueue(q, t, phone, self._caller_name(phone), q.did, self._customdata())

    def _enqueue(
        self, q: _Queue, t: float, phone: str, name: str, did: str, customdata: dict[str, Any]
    ) -> None:
        rng = self._rng
        caller = _Caller(self._call_id(t), self._ivrid(t), phone, name, did, t, q, customdata)
        q.callers[caller.call_id] = caller
        q.pending.append(caller)
        patience = _clamp(
            rng.lognormvariate(math.log(_PATIENCE_MEDIAN), _PATIENCE_SIGMA),
            _MIN_PATIENCE,
            MAX_PATIENCE_S,
        )
        if rng.random() < _EARLY_HANGUP_P:
            patience = rng.uniform(*_EARLY_HANGUP)
        self._push(t + patience, _ABANDON, caller)
        overflow = self.profile.overflow_after_s
        if overflow is not None and patience > overflow:
            self._push(t + overflow, _OVERFLOW, caller)
        self._offer_to_idle(q.group, t)

    def _offer_to_idle(self, group: int, t: float) -> None:
        idle = self._idle[group]
        if idle:
            agent = next(iter(idle))  # the agent idle longest
            del idle[agent]
            if not self._take_caller(agent, t):
                idle[agent] = None

    def _on_overflow(self, caller: _Caller, t: float) -> None:
        """A caller has waited ``overflow_after_s``: any group's free agent may take them."""
        if caller.state != _WAITING:
            return
        for group, idle in enumerate(self._idle):
            if group != caller.queue.group and idle:
                self._offer_to_idle(group, t)
                return

    def _take_caller(self, agent: _Agent, t: float) -> bool:
        """Ring ``agent`` with the most deserving caller of its group (or, with overflow
        routing, one who has waited long enough elsewhere); False if none waits."""
        best: _Caller | None = None
        best_score = -math.inf
        for q in self._group_queues[agent.group]:
            pending = q.pending
            while pending and pending[0].state != _WAITING:
                pending.popleft()
            if pending:
                score = t - pending[0].join + q.weight * _WEIGHT_S
                if score > best_score:
                    best, best_score = pending[0], score
        overflow = self.profile.overflow_after_s
        if best is None and overflow is not None:
            for group, queues in enumerate(self._group_queues):
                if group == agent.group:
                    continue
                for q in queues:
                    pending = q.pending
                    while pending and pending[0].state != _WAITING:
                        pending.popleft()
                    if pending and t - pending[0].join >= overflow:
                        score = t - pending[0].join + q.weight * _WEIGHT_S
                        if score > best_score:
                            best, best_score = pending[0], score
        if best is None:
            return False
        best.queue.pending.popleft()
        rng = self._rng
        fails = rng.random() < _RING_NO_ANSWER_P
        call = self._new_call(
            agent,
            best.ivrid,
            _QUEUE_CALL,
            RINGING,
            t,
            best.name,
            best.phone,
            best.customdata,
            did=best.did,
            caller=best,
            fails=fails,
        )
        best.state = _OFFERED
        best.call = call
        self._push(t + rng.uniform(*(_RING_NO_ANSWER if fails else _RING)), _RING_END, call)
        return True

    def _on_abandon(self, caller: _Caller, t: float) -> None:
        if caller.state == _GONE:
            return
        q = caller.queue
        if caller.state == _OFFERED and caller.call is not None:
            # Hung up while the agent's phone was ringing.
            agent = caller.call.agent
            self._end_call(caller.call)
            if not agent.calls:
                self._wrap_up(agent, t, 1.0, follow_up=False)
        caller.state = _GONE
        del q.callers[caller.call_id]
        self.truth.fates.append(CallerFate(t, q.qid, caller.call_id, False, t - caller.join))
        pending = q.pending
        while pending and pending[0].state == _GONE:
            pending.popleft()

    def _on_ring_end(self, call: _Call, t: float) -> None:
        if not call.alive:
            return
        caller = call.caller
        assert caller is not None
        agent = call.agent
        if call.fails:
            # Rang out: the caller goes back to the head of the line, the agent pauses.
            self.truth.misses.append(RingMiss(t, agent.username, call.ivrid))
            self._end_call(call)
            caller.state = _WAITING
            caller.call = None
            caller.queue.pending.appendleft(caller)
            self._wrap_up(agent, t, _MISSED_PAUSE, follow_up=False, shown=True)
            self._offer_to_idle(caller.queue.group, t)
            return
        rng = self._rng
        call.status = TALKING
        call.answered_at = t
        caller.state = _GONE
        del caller.queue.callers[caller.call_id]
        self.truth.fates.append(
            CallerFate(t, caller.queue.qid, caller.call_id, True, t - caller.join, agent.username)
        )
        talk = _clamp(rng.lognormvariate(math.log(_TALK_MEDIAN), _TALK_SIGMA), _TALK_MIN, _TALK_MAX)
        if rng.random() < _HOLD_P:
            hold_at = t + talk * rng.uniform(0.2, 0.7)
            hold_for = rng.uniform(*_HOLD)
            self._push(hold_at, _HOLD_START, call)
            self._push(hold_at + hold_for, _HOLD_END, call)
            talk += hold_for
        self._push(t + talk, _HANGUP, call)

    def _on_hold_start(self, call: _Call, t: float) -> None:
        if not call.alive:
            return
        call.status = HOLD
        call.hold_since = t
        if self._rng.random() < _CONSULT_P:
            agent = call.agent
            ext = self._rng.choice(self._agents)
            consult = self._new_call(
                agent,
                self._ivrid(t),
                _CONSULT_CALL,
                DIALING,
                t,
                agent.representative,
                ext.username,
                {},
            )
            call.consult = consult
            self._push(t + self._rng.uniform(3, 10), _DIAL_END, consult)

    def _on_hold_end(self, call: _Call, t: float) -> None:
        if not call.alive:
            return
        call.status = TALKING
        call.held_s += t - call.hold_since
        call.hold_since = 0.0
        if call.consult is not None and call.consult.alive:
            self._end_call(call.consult, t)
        call.consult = None

    def _on_hangup(self, call: _Call, t: float) -> None:
        if not call.alive:
            return
        agent = call.agent
        self._end_call(call, t)
        if call.incoming and self._rng.random() < _TRANSFER_P:
            # Transferred to a colleague's queue: a new call that remembers where it came from.
            caller = call.caller
            assert caller is not None
            target = self._rng.choice(self._group_queues[caller.queue.group])
            customdata = {k: v for k, v in call.customdata.items() if k != "OriginalIvrUniqueID"}
            customdata["OriginalIvrUniqueID"] = call.ivrid
            self._enqueue(target, t, call.phone, call.name, call.did, customdata)
        if not agent.calls:
            self._wrap_up(agent, t, self._rng.uniform(*_WRAP), follow_up=call.incoming, shown=True)

    # --- outgoing calls --------------------------------------------------------------------

    def _dial(self, agent: _Agent, t: float) -> None:
        rng = self._rng
        fails = rng.random() >= _OUTBOUND_ANSWER_P
        customdata: dict[str, Any] = {}
        if agent.outbound and rng.random() < 0.5:
            customdata["CampaignId"] = f"CMP-{rng.randrange(100, 1000)}"
        call = self._new_call(
            agent,
            self._ivrid(t),
            _OUTBOUND_CALL,
            DIALING,
            t,
            _ORG_CALLER_NAME,
            self._phone(),
            customdata,
            fails=fails,
        )
        self._push(
            t + rng.uniform(*(_DIAL_UNANSWERED if fails else _DIAL_ANSWERED)), _DIAL_END, call
        )

    def _on_dial_end(self, call: _Call, t: float) -> None:
        if not call.alive:
            return
        if call.fails:
            agent = call.agent
            self._end_call(call)
            if not agent.calls:
                self._wrap_up(agent, t, 3.0, follow_up=False)
            return
        call.status = TALKING
        call.answered_at = t
        if call.role == _OUTBOUND_CALL:  # a consult call ends when the customer comes back
            talk = self._rng.lognormvariate(math.log(_OUT_TALK_MEDIAN), _OUT_TALK_SIGMA)
            self._push(t + _clamp(talk, _TALK_MIN, _TALK_MAX), _HANGUP, call)

    def _new_call(
        self,
        agent: _Agent,
        ivrid: str,
        role: int,
        status: str,
        t: float,
        name: str,
        phone: str,
        customdata: dict[str, Any],
        *,
        did: str = "",
        caller: _Caller | None = None,
        fails: bool = False,
    ) -> _Call:
        muted = 1 if self._rng.random() < 0.1 else 0
        filename = f"{ivrid}-aws-{agent.username}-{_e164(phone)}.mp3"
        call = _Call(
            ivrid,
            role,
            status,
            t,
            agent,
            name,
            phone,
            customdata,
            filename,
            muted,
            did=did,
            caller=caller,
            fails=fails,
        )
        agent.calls.append(call)
        return call

    def _end_call(self, call: _Call, t: float | None = None) -> None:
        call.alive = False
        call.agent.calls.remove(call)
        if call.answered_at and t is not None:
            held = call.held_s + (t - call.hold_since if call.hold_since else 0.0)
            self.truth.ends.append(
                CallEnd(
                    t, call.agent.username, call.ivrid, call.incoming, t - call.answered_at, held
                )
            )

    # --- agents ---------------------------------------------------------------------------

    def _wrap_up(
        self, agent: _Agent, t: float, seconds: float, *, follow_up: bool, shown: bool = False
    ) -> None:
        """After-call work for ``seconds``: no offers meanwhile. ``shown``: long enough for a
        board to see, so it shows the profile's after-call status, if any."""
        agent.follow_up = follow_up
        if shown and self.profile.after_call_status is not None:
            agent.wrap_status = self.profile.after_call_status
        self._push(t + seconds, _READY, agent)

    def _on_ready(self, agent: _Agent, t: float) -> None:
        """The agent is free: change status if one is due, else dial out or take a caller."""
        agent.wrap_status = 0
        if agent.calls or agent.status != LOGIN:
            return
        if agent.status_due <= t:
            self._next_status(agent, t)
            return
        if agent.outbound or (agent.follow_up and self._rng.random() < _FOLLOW_UP_P):
            agent.follow_up = False
            self._dial(agent, t)
            return
        agent.follow_up = False
        if not self._take_caller(agent, t):
            self._idle[agent.group][agent] = None

    def _on_status(self, subject: tuple[_Agent, int], t: float) -> None:
        agent, seq = subject
        if seq != agent.status_seq:
            return
        if agent.status == LOGIN:
            # A break waits for the call and the wrap-up to end; _on_ready takes it then.
            idle = self._idle[agent.group] if agent.group >= 0 else {}
            if agent not in idle:
                return
            del idle[agent]
        self._next_status(agent, t)

    def _next_status(self, agent: _Agent, t: float) -> None:
        rng = self._rng
        if agent.status == LOGIN:
            if t >= agent.session_end:
                if agent.roamer is not None:
                    self._free_roamers.append(agent.roamer)
                    agent.roamer = None
                agent.online_id, agent.representative = 0, agent.name
                self._set_status(agent, LOGOUT, t + rng.uniform(*_OFF))
            else:
                status = self._pick_away()
                _, lo, hi = AWAY_STATUSES[status]
                self._set_status(agent, status, t + rng.uniform(lo, hi))
            return
        if agent.status == LOGOUT:
            self._sit_down(agent)
            agent.session_end = t + rng.uniform(*_SESSION)
        self._set_status(agent, LOGIN, min(t + rng.uniform(*_AVAILABLE), agent.session_end))
        agent.follow_up = False
        self._on_ready(agent, t)

    def _sit_down(self, agent: _Agent) -> None:
        """Log a user in to the extension: its owner, or now and then a hot-desking colleague."""
        rng = self._rng
        if self._free_roamers and rng.random() < _HOT_DESK_P:
            agent.roamer = self._free_roamers.pop(rng.randrange(len(self._free_roamers)))
            agent.online_id, agent.representative = agent.roamer
        else:
            agent.online_id, agent.representative = agent.user_id, agent.name

    def _set_status(self, agent: _Agent, status: int, due: float) -> None:
        if agent.group >= 0 and (agent.status == LOGIN) != (status == LOGIN):
            self._on_duty[agent.group] += 1 if status == LOGIN else -1
        agent.status = status
        agent.status_due = due
        agent.status_seq += 1
        self._push(due, _STATUS, (agent, agent.status_seq))

    def _pick_away(self) -> int:
        return self._rng.choices(_AWAY_CODES, _AWAY_WEIGHTS)[0]

    # --- outside data -----------------------------------------------------------------------

    def _phone(self) -> str:
        rng = self._rng
        r = rng.random()
        if r < 0.01:
            return "Anonymous"  # caller id withheld
        if r < 0.6:
            return f"05{rng.choice('023458')}{rng.randrange(10_000_000):07d}"
        if r < 0.88:
            return f"0{rng.choice('23489')}{rng.randrange(10_000_000):07d}"
        if r < 0.98:
            return f"07{rng.choice('27')}{rng.randrange(10_000_000):07d}"
        return f"00{rng.choice(['1', '44', '33', '49', '7'])}{rng.randrange(10**9):09d}"

    def _caller_name(self, phone: str) -> str:
        rng = self._rng
        r = rng.random()
        if self._odd_names and r < 0.01:
            return rng.choice(_ODD_CALLER_NAMES)
        if r < 0.35:
            return phone
        if r < 0.8:
            return self._person_name()
        return ""

    def _customdata(self) -> dict[str, Any]:
        rng = self._rng
        r = rng.random()
        if r < 0.65:
            return {}
        data: dict[str, Any] = {}
        if r < 0.85:
            data["CustomerTier"] = rng.choice(_CUSTOMER_TIERS)
        if r >= 0.75:
            data["TicketId"] = f"TCK-{rng.randrange(100_000, 1_000_000)}"
        if r >= 0.95:
            data["Language"] = rng.choice(["he", "ar", "ru", "en"])
        return data

    def _day(self, t: float) -> str:
        day = int(t) // 86400
        if self._day_cache[0] != day:
            self._day_cache = (day, time.strftime("%Y%m%d", time.gmtime(day * 86400)))
        return self._day_cache[1]

    def _scrambled(self) -> int:
        return (next(self._serial) * self._id_mul + self._id_add) & ((1 << 40) - 1)

    def _ivrid(self, t: float) -> str:
        """A call id shaped like the vendor's ``2020101201cc7b38df``."""
        return f"{self._day(t)}{self._scrambled():010x}"

    def _call_id(self, t: float) -> str:
        """A queue CallID shaped like the vendor's ``202010131433000d14cc4b``."""
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(int(t)))
        return f"{stamp}{self._scrambled() & 0xFFFFFFFF:08x}"

    # --- wire format ------------------------------------------------------------------------

    @staticmethod
    def _agent_wire(a: _Agent, offset: int) -> dict[str, Any]:
        return {
            "name": a.name,
            "userID": a.user_id,
            "representative": a.representative,
            "onlineUserID": a.online_id,
            "username": a.username,
            "extensionID": a.ext_id,
            "onlineUserStatus": a.wrap_status or a.status,
            "calls": [
                {
                    "callStarted": int(c.started) + offset,
                    "callAnswered": int(c.answered_at) + offset if c.answered_at else 0,
                    "answered": 1 if c.answered_at else 0,
                    "callername": c.name,
                    "callerphone": c.phone,
                    "callstatus": c.status,
                    "customdata": dict(c.customdata),  # a copy: faults may mangle the payload
                    "direction": "Incoming" if c.incoming else "Outgoing",
                    "ivrid": c.ivrid,
                    "recording": {"Filename": c.filename, "IsMuted": c.muted},
                    "did": c.did,
                }
                for c in a.calls
            ],
        }


def _parse_queue_id(queue: str | int) -> int:
    if isinstance(queue, bool):
        raise ValueError("queue id must be an integer")
    if isinstance(queue, int):
        return queue
    text = str(queue).strip()
    if not text.isdigit() or not text.isascii():
        raise ValueError("queue id must be an integer")
    return int(text)


def _e164(phone: str) -> str:
    """The number as the vendor writes it in recording file names (972... for Israel)."""
    if phone.startswith("00"):
        return phone[2:]
    if phone.startswith("0"):
        return "972" + phone[1:]
    return phone


def _mean(bounds: tuple[float, float]) -> float:
    return (bounds[0] + bounds[1]) / 2


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x
