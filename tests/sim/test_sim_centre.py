"""The call-centre model: a simulated day must look like a real, busy, coherent centre."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from wallboard.sim import centre as centre_module
from wallboard.sim.centre import CALL_STATES, MAX_PATIENCE_S, STATUS_NAMES, CallCentre

START = 1_700_000_000.0  # 2023-11-14, a Tuesday
DAY_S = 86_400
STEP_S = 5


@dataclass
class _CallLife:
    """What one ivrid has looked like so far."""

    extension: str
    direction: str
    started: int
    answered_at: int
    state: str
    seen_at: int


@dataclass
class DayRecord:
    """Everything a simulated day showed, and every broken rule, for the tests to inspect."""

    samples: int = 0
    violations: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    samples_with_waiting: int = 0
    samples_with_talking: int = 0
    hot_desk_samples: int = 0
    transfers: set[str] = field(default_factory=set)
    multi_call_samples: int = 0
    longest_wait: int = 0
    customdata_keys: Counter[str] = field(default_factory=Counter)
    muted_recordings: int = 0

    def fail(self, now: int, message: str) -> None:
        if len(self.violations) < 50:  # enough to debug, bounded
            self.violations.append(f"t={now}: {message}")


class _Watcher:
    """Checks each snapshot against the rules and against the snapshots before it."""

    def __init__(self, rec: DayRecord, began: int) -> None:
        self.rec = rec
        self.began = began  # the first time watched
        self.lives: dict[str, _CallLife] = {}  # ivrid -> how it looked when last seen
        self.ended: set[str] = set()  # connected or dialled calls that have gone
        self.on_screen: set[str] = set()  # ivrids of the previous snapshot
        self.joined: dict[str, int] = {}  # CallID -> JoinTime of callers waiting now
        self.left: set[str] = set()  # CallIDs of callers who have left their queue

    def extensions(self, now: int, extensions: list[dict[str, Any]]) -> None:
        rec = self.rec
        usernames = [e["username"] for e in extensions]
        if len(set(usernames)) != len(usernames):
            rec.fail(now, "duplicate SIP usernames")
        talking = hot_desk = False
        current: set[str] = set()
        for ext in extensions:
            name, status = ext["username"], ext["onlineUserStatus"]
            rec.statuses[status] += 1
            if status not in STATUS_NAMES:
                rec.fail(now, f"unknown status {status}")
            if (ext["onlineUserID"] == 0) != (status == 2):
                rec.fail(now, f"{name}: onlineUserID {ext['onlineUserID']}, status {status}")
            if ext["onlineUserID"] not in (0, ext["userID"]):
                hot_desk = True
                if ext["representative"] == ext["name"]:
                    rec.fail(now, f"{name}: hot desk but representative is the owner")
            elif ext["representative"] != ext["name"]:
                rec.fail(now, f"{name}: representative differs without hot desking")
            if ext["calls"] and status != 1:
                rec.fail(now, f"{name}: calls while in status {status}")
            if len(ext["calls"]) > 1:
                rec.multi_call_samples += 1
            for call in ext["calls"]:
                self.call(now, name, call)
                current.add(call["ivrid"])
                talking = talking or call["callstatus"] == "Talking"
        rec.samples_with_talking += talking
        rec.hot_desk_samples += hot_desk
        for ivrid in self.on_screen - current:
            life = self.lives.pop(ivrid)
            # A ring that went unanswered may be offered again; anything else has ended.
            if life.state != "Ringing":
                self.ended.add(ivrid)
            else:
                self.lives[ivrid] = life
        self.on_screen = current

    def call(self, now: int, extension: str, call: dict[str, Any]) -> None:
        rec = self.rec
        state, direction, ivrid = call["callstatus"], call["direction"], call["ivrid"]
        rec.states[state] += 1
        answered = state in ("Talking", "Hold")
        if state not in CALL_STATES or direction not in ("Incoming", "Outgoing"):
            rec.fail(now, f"{ivrid}: state {state!r}, direction {direction!r}")
        if (state == "Ringing" and direction != "Incoming") or (
            state == "Dialing" and direction != "Outgoing"
        ):
            rec.fail(now, f"{ivrid}: {state} on an {direction} call")
        if answered != (call["answered"] == 1) or answered != (call["callAnswered"] != 0):
            rec.fail(now, f"{ivrid}: {state}, answered={call['answered']}/{call['callAnswered']}")
        if answered and call["callAnswered"] < call["callStarted"]:
            rec.fail(now, f"{ivrid}: answered before it started")
        if call["callStarted"] > now or call["callAnswered"] > now:
            rec.fail(now, f"{ivrid}: a time in the future")
        if (call["did"] != "") != (direction == "Incoming"):
            rec.fail(now, f"{ivrid}: did {call['did']!r} on an {direction} call")
        recording = call["recording"]
        if not recording["Filename"].startswith(ivrid) or recording["IsMuted"] not in (0, 1):
            rec.fail(now, f"{ivrid}: recording {recording}")
        rec.muted_recordings += recording["IsMuted"]
        rec.customdata_keys.update(call["customdata"].keys())
        original = call["customdata"].get("OriginalIvrUniqueID")
        if original is not None:
            rec.transfers.add(ivrid)
            # A transferred caller waits at most MAX_PATIENCE_S before ringing; a call ringing
            # later than that after we began watching came from a call we must have seen.
            joined_late = call["callStarted"] > self.began + MAX_PATIENCE_S
            if joined_late and original not in self.ended and original not in self.lives:
                rec.fail(now, f"{ivrid}: transferred from {original}, never seen")
        if ivrid in self.ended:
            rec.fail(now, f"{ivrid}: came back after it ended")
        life = self.lives.get(ivrid)
        if life is not None:
            if life.state in ("Talking", "Hold"):
                # Connected: the call stays on its extension with its times, never rings again.
                if not answered or extension != life.extension:
                    rec.fail(now, f"{ivrid}: {life.state} on {life.extension} -> {state}")
                if (call["callStarted"], call["callAnswered"]) != (life.started, life.answered_at):
                    rec.fail(now, f"{ivrid}: times changed while connected")
            elif life.state == "Dialing" and (extension != life.extension or state == "Ringing"):
                rec.fail(now, f"{ivrid}: Dialing on {life.extension} -> {state} on {extension}")
            if direction != life.direction:
                rec.fail(now, f"{ivrid}: direction changed")
        self.lives[ivrid] = _CallLife(
            extension, direction, call["callStarted"], call["callAnswered"], state, now
        )

    def queues(self, now: int, queues: list[dict[str, Any]]) -> None:
        rec = self.rec
        waiting: dict[str, int] = {}
        for queue in queues:
            for caller in queue["Callers"]:
                call_id = caller["CallID"]
                if call_id in waiting:
                    rec.fail(now, f"caller {call_id} listed twice")
                waiting[call_id] = caller["JoinTime"]
                if caller["JoinTime"] > now or caller["Duration"] != now - caller["JoinTime"]:
                    rec.fail(now, f"caller {call_id}: {caller}")
                if not 0 <= caller["Duration"] <= MAX_PATIENCE_S:
                    rec.fail(now, f"caller {call_id} waited {caller['Duration']} s")
                rec.longest_wait = max(rec.longest_wait, caller["Duration"])
                if self.joined.get(call_id, caller["JoinTime"]) != caller["JoinTime"]:
                    rec.fail(now, f"caller {call_id}: JoinTime changed")
                if call_id in self.left:
                    rec.fail(now, f"caller {call_id} came back")
                if not caller["Phone"]:
                    rec.fail(now, f"caller {call_id} without a number")
        self.left |= self.joined.keys() - waiting.keys()
        self.joined = waiting
        rec.samples_with_waiting += bool(waiting)


def simulate_day(seed: int = 7) -> DayRecord:
    """One simulated day at the default size, sampled every 5 simulated seconds."""
    centre = CallCentre(seed=seed, start=START)
    rec = DayRecord()
    watcher = _Watcher(rec, began=int(START) + STEP_S)
    for step in range(1, DAY_S // STEP_S + 1):
        centre.advance_to(START + step * STEP_S)
        now = int(centre.now)
        rec.samples += 1
        watcher.extensions(now, centre.extensions_payload())
        watcher.queues(now, centre.queues_payload())
    return rec


@pytest.fixture(scope="module")
def day() -> DayRecord:
    """The simulated day the tests below look at (simulated once per module)."""
    return simulate_day()


def test_a_day_breaks_no_rule_of_calls_queues_and_statuses(day: DayRecord) -> None:
    assert day.violations == []
    assert day.samples == DAY_S // STEP_S


def test_every_status_and_every_call_state_occurs_during_a_day(day: DayRecord) -> None:
    assert set(day.statuses) == set(STATUS_NAMES)
    assert set(day.states) == set(CALL_STATES)


def test_people_wait_and_talk_at_nearly_every_moment(day: DayRecord) -> None:
    assert day.samples_with_talking == day.samples
    assert day.samples_with_waiting >= 0.95 * day.samples


def test_nobody_waits_longer_than_their_patience_allows(day: DayRecord) -> None:
    assert 60 < day.longest_wait <= MAX_PATIENCE_S


def test_hot_desking_transfers_and_double_calls_happen(day: DayRecord) -> None:
    assert day.hot_desk_samples > 0.5 * day.samples
    assert len(day.transfers) > 50
    assert day.multi_call_samples > 100
    assert {"OriginalIvrUniqueID", "CustomerTier", "TicketId"} <= set(day.customdata_keys)
    assert day.muted_recordings > 0


def _snapshot(centre: CallCentre) -> tuple[Any, Any]:
    return centre.extensions_payload(), centre.queues_payload()


def test_same_seed_gives_the_same_history_and_another_seed_does_not() -> None:
    a, b, c = (CallCentre(seed=s, start=START) for s in (3, 3, 4))
    for step in range(1, 40):
        t = START + step * 97.5
        for centre in (a, b, c):
            centre.advance_to(t)
        assert _snapshot(a) == _snapshot(b)
    assert _snapshot(a) != _snapshot(c)


def test_the_first_snapshot_already_looks_like_a_busy_centre() -> None:
    centre = CallCentre(start=START)
    extensions, queues = _snapshot(centre)
    assert sum(len(q["Callers"]) for q in queues) > 0
    statuses = {e["onlineUserStatus"] for e in extensions}
    assert {1, 2} <= statuses and statuses & {3, 5, 7, 9, 11, 12, 13}
    assert any(c["callstatus"] == "Talking" for e in extensions for c in e["calls"])
    # Ringing and dialling last seconds: within the first two minutes every state shows up.
    states: set[str] = set()
    for second in range(0, 120):
        centre.advance_to(START + second)
        states |= {c["callstatus"] for e in centre.extensions_payload() for c in e["calls"]}
    assert states == set(CALL_STATES)


def test_payloads_have_exactly_the_vendors_fields_and_types(
    load_fixture: Callable[[str], Any],
) -> None:
    sample_ext = load_fixture("GetExtensionsCalls.json")["EXTENSIONS"][1]
    sample_queue = load_fixture("GetQueuesCallers.json")["QUEUES"][0]
    centre = CallCentre(start=START)
    extensions, queues = _snapshot(centre)
    calls = [c for e in extensions for c in e["calls"]]
    callers = [c for q in queues for c in q["Callers"]]
    assert calls and callers
    assert all(e.keys() == sample_ext.keys() for e in extensions)
    assert all(c.keys() == sample_ext["calls"][0].keys() for c in calls)
    assert all(q.keys() == sample_queue.keys() for q in queues)
    assert all(c.keys() == sample_queue["Callers"][0].keys() for c in callers)
    for item, sample in [(e, sample_ext) for e in extensions] + [
        (c, sample_ext["calls"][0]) for c in calls
    ]:
        for key, value in sample.items():
            if key != "calls":
                assert type(item[key]) is type(value), (key, item[key])
    for item, sample in [(q, sample_queue) for q in queues] + [
        (c, sample_queue["Callers"][0]) for c in callers
    ]:
        assert all(type(item[k]) is type(v) for k, v in sample.items()), item
    json.dumps([extensions, queues])  # plain JSON-able data


def test_the_organisation_looks_israeli_and_its_ids_are_unique() -> None:
    centre = CallCentre(seed=2, agents=200, queues=8, start=START)
    extensions, queues = _snapshot(centre)
    names = [e["name"] for e in extensions]
    assert any("\u0590" <= ch <= "\u05ff" for n in names for ch in n)  # Hebrew script
    assert any(n.isascii() for n in names)
    assert len({e["username"] for e in extensions}) == 200
    assert len({e["extensionID"] for e in extensions}) == 200
    assert len({e["userID"] for e in extensions}) == 200
    assert [q["Name"] for q in queues[:4]] == ["Sales", "Support", "Billing", "VIP"]
    assert len({q["ID"] for q in queues}) == 8
    for call in (c for e in extensions for c in e["calls"] if c["direction"] == "Incoming"):
        assert call["did"].isdigit() and call["did"].startswith("0")


def test_filters_pick_one_extension_or_one_queue() -> None:
    centre = CallCentre(start=START)
    extensions, queues = _snapshot(centre)
    one = extensions[5]
    assert centre.extensions_payload(one["username"]) == [one]
    assert centre.extensions_payload("no-such-sip") == []
    qid = queues[2]["ID"]
    assert centre.queues_payload(qid) == [queues[2]]
    assert centre.queues_payload(str(qid)) == [queues[2]]
    assert centre.queues_payload(12) == []
    with pytest.raises(ValueError):
        centre.queues_payload("Sales")


def test_an_epoch_offset_shifts_every_epoch_but_no_duration() -> None:
    centre = CallCentre(start=START)
    shift = 2 * 3600
    plain, shifted = centre.extensions_payload(), centre.extensions_payload(epoch_offset_s=shift)
    for e0, e1 in zip(plain, shifted, strict=True):
        for c0, c1 in zip(e0["calls"], e1["calls"], strict=True):
            assert c1["callStarted"] == c0["callStarted"] + shift
            assert c1["callAnswered"] == (c0["callAnswered"] + shift if c0["answered"] else 0)
    queues = centre.queues_payload(), centre.queues_payload(epoch_offset_s=shift)
    for q0, q1 in zip(*queues, strict=True):
        for c0, c1 in zip(q0["Callers"], q1["Callers"], strict=True):
            assert c1["JoinTime"] == c0["JoinTime"] + shift
            assert c1["Duration"] == c0["Duration"]


def test_time_only_moves_forward() -> None:
    centre = CallCentre(start=START)
    centre.advance_to(START + 60)
    before = _snapshot(centre)
    centre.advance_to(START + 30)
    assert centre.now == START + 60
    assert _snapshot(centre) == before


def test_the_model_never_reads_the_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden() -> float:
        raise AssertionError("the model read the wall clock")

    for name in ("time", "monotonic", "perf_counter"):
        monkeypatch.setattr(centre_module.time, name, forbidden)
    centre = CallCentre(start=START)
    centre.advance_to(START + 600)
    _snapshot(centre)


def test_long_jumps_stay_fast_and_the_centre_stays_busy() -> None:
    centre = CallCentre(start=START)
    began = time.perf_counter()
    centre.advance_to(START + 3600)
    assert time.perf_counter() - began < 0.5  # one simulated hour, 40 agents
    began = time.perf_counter()
    for hour in range(2, 24 * 7):  # a week, polled hourly
        centre.advance_to(START + hour * 3600)
    centre.advance_to(START + 90 * DAY_S)  # a laptop asleep for months
    assert time.perf_counter() - began < 10  # about 2 s on one core
    extensions, queues = _snapshot(centre)
    assert centre.now == START + 90 * DAY_S
    assert sum(len(q["Callers"]) for q in queues) > 0
    assert sum(len(e["calls"]) for e in extensions) > 10


def test_five_thousand_agents_in_a_hundred_queues_work() -> None:
    began = time.perf_counter()
    centre = CallCentre(seed=5, agents=5000, queues=100, start=START)
    centre.advance_to(START + 60)
    extensions, queues = _snapshot(centre)
    assert len(extensions) == 5000 and len(queues) == 100
    assert sum(1 for q in queues if q["Callers"]) > 50
    assert time.perf_counter() - began < 10


def test_a_two_thousand_agent_snapshot_serialises_well_under_50_ms() -> None:
    centre = CallCentre(seed=6, agents=2000, queues=40, start=START)
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        json.dumps({"ERR": 0, "DESC": "OK", "EXTENSIONS": centre.extensions_payload()})
        json.dumps({"ERR": 0, "DESC": "OK", "QUEUES": centre.queues_payload()})
        best = min(best, time.perf_counter() - began)
    assert best < 0.05
