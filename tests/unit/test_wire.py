"""The feed's wire format: a round trip keeps the data, and a board trusts a message no
more than it trusts the API (lenient item by item, strict about the envelope)."""

from __future__ import annotations

import json
from dataclasses import replace

import orjson
import pytest

from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues
from wallboard.core.day_metrics import ANSWERED
from wallboard.core.events import Event
from wallboard.core.snapshot import Snapshot
from wallboard.feed.state import FeedState
from wallboard.feed.wire import (
    WIRE_VERSION,
    DayMessage,
    Decoder,
    FailureMessage,
    Header,
    NewerFormatError,
    SnapshotEncoder,
    SnapshotMessage,
    WireError,
    encode_failure,
    encode_snapshot,
)
from wallboard.sim.centre import CallCentre

HEADER = Header("hub-1", "run", 7, 5.0, 1_800_000_000.0)
EXTENSIONS = [
    {"name": "[bold]Dana[/bold] \x1b[31m", "username": "SIP1", "onlineUserStatus": "1",
     "calls": [{"callStarted": 1_799_999_900, "callstatus": "Talking", "ivrid": "a1"}]},
    {"name": "no username"},
]  # fmt: skip
QUEUES = [{"ID": "5", "Name": "Sales", "Callers": [{"JoinTime": 1_799_999_950, "CallID": "c"}]}]


def snapshot() -> Snapshot:
    extensions, skipped = parse_extensions({"ERR": 0, "EXTENSIONS": EXTENSIONS})
    queues, _ = parse_queues({"ERR": 0, "QUEUES": QUEUES})
    return Snapshot(tuple(extensions), tuple(queues), 1_800_000_000.0, 0.0, tuple(skipped), 0.1)


def test_a_snapshot_survives_the_round_trip_and_strings_stay_plain_text() -> None:
    original = snapshot()
    data = encode_snapshot(HEADER, original, day={"day": "2027-01-15", "queues": []})
    message = Decoder("redis://h:1").decode(data)
    assert isinstance(message, SnapshotMessage)
    assert message.snapshot.extensions == original.extensions
    assert message.snapshot.queues == original.queues
    assert message.snapshot.fetched_at == original.fetched_at
    assert message.header == HEADER
    assert message.day is not None and message.day["day"] == "2027-01-15"
    assert message.alerts == ()
    # markup is text, not markup: the name arrives exactly as the API sent it
    assert message.snapshot.extensions[0].name.startswith("[bold]Dana[/bold]")
    assert json.loads(data)["wallboard_feed"] == WIRE_VERSION


def test_a_failure_survives_the_round_trip() -> None:
    data = encode_failure(HEADER, kind="network", message="timed out", retry_in_s=4, failures=2)
    message = Decoder().decode(data)
    assert isinstance(message, FailureMessage)
    assert (message.kind, message.message, message.retry_in_s, message.failures) == (
        "network", "timed out", 4, 2,
    )  # fmt: skip


def test_a_newer_hub_is_named_not_a_crash() -> None:
    with pytest.raises(NewerFormatError, match="upgrade wallboard"):
        Decoder().decode(orjson.dumps({"wallboard_feed": WIRE_VERSION + 1, "type": "snapshot"}))


@pytest.mark.parametrize(
    "data",
    [
        b"{not json",
        b"[]",
        b'{"type": "snapshot"}',
        orjson.dumps({**json.loads(encode_failure(HEADER, kind="k", message="m",
                      retry_in_s=1, failures=1)), "retry_in_s": "soon"}),
        encode_snapshot(HEADER, snapshot(), day=None).replace(b'"fetched_at":1800000000.0',
                                                              b'"fetched_at":1e999'),
        orjson.dumps({"wallboard_feed": 1, "type": "snapshot", "hub": "h", "run": "r",
                      "seq": 1, "interval_s": 5, "published_at": 1, "fetched_at": 1,
                      "clock_offset_s": 0, "latency_s": 0, "extensions": "nope"}),
    ],
    ids=["not-json", "not-object", "no-version", "bad-number", "infinite", "bad-list"],
)  # fmt: skip
def test_a_malformed_message_is_a_wire_error(data: bytes) -> None:
    with pytest.raises(WireError):
        Decoder().decode(data)


def test_a_bad_item_is_skipped_and_named_and_odd_day_values_are_dropped() -> None:
    document = json.loads(encode_snapshot(HEADER, snapshot(), day=None))
    document["extensions"].append({"username": {"a": 1}})
    document["day"] = {
        "queues": [{"id": 5, "answered": None, "nested": {"x": 1, "y": {"z": 2}}, "l": [1]}],
        "agents": "x",
        "day": 3,
    }
    message = Decoder().decode(orjson.dumps(document))
    assert isinstance(message, SnapshotMessage)
    assert len(message.snapshot.extensions) == 1
    assert any("EXTENSIONS[" in item.where for item in message.snapshot.skipped)
    # an object of scalars one level down is kept (an agent's seconds per status)
    assert message.day == {"queues": [{"id": 5, "answered": None,
                                       "nested": {"x": 1, "y": None}, "l": None}],
                           "agents": [], "day": 3}  # fmt: skip


# --- deltas and the picture a board rebuilds ----------------------------------------------
START = 1_800_000_000.0 - (1_800_000_000.0 % 86400) + 9 * 3600


def centre_polls(count: int, interval_s: float = 5.0) -> list[Snapshot]:
    """Polls of a simulated 300-agent centre, read by the real parser with its memo (so an
    unchanged extension is the same model object, as at a hub)."""
    centre = CallCentre(seed=5, agents=300, queues=6, start=START)
    extension_memo, queue_memo = ParseMemo(), ParseMemo()
    polls = []
    for n in range(count):
        centre.advance_to(START + n * interval_s)
        extensions, _ = parse_extensions(
            {"ERR": 0, "EXTENSIONS": centre.extensions_payload()}, extension_memo
        )
        queues, _ = parse_queues({"ERR": 0, "QUEUES": centre.queues_payload()}, queue_memo)
        polls.append(
            Snapshot(tuple(extensions), tuple(queues), START + n * interval_s, 0.0, (), 0.1)
        )
    return polls


def day_for(snapshot: Snapshot, n: int) -> dict[str, object]:
    return {
        "day": "2027-01-15",
        "queues": [{"id": q.queue_id, "answered": n} for q in snapshot.queues],
        "agents": [
            {"username": e.username, "answered": n // 4 if i == 3 else 0, "talk_s": float(n),
             "status_s": {"1": float(n)}}
            for i, e in enumerate(snapshot.extensions)
        ],
    }  # fmt: skip


def publish(
    encoder: SnapshotEncoder,
    run: str,
    seq: int,
    poll: Snapshot,
    day: dict | None,
    events=(),
    new=(),
) -> tuple[bytes, bytes, bytes]:
    """One poll as a hub sends it: the snapshot message, the day message, the whole."""
    live = encoder.live(Header("hub", run, seq, 5.0, poll.fetched_at), poll)
    counted, whole = encoder.counted(
        Header("hub", run, seq + 1, 5.0, poll.fetched_at), day=day, events=events, new_events=new
    )
    return live, counted, whole


def test_deltas_rebuild_every_poll_whole_and_keep_unchanged_models() -> None:
    encoder, decoder, state = SnapshotEncoder(interval_s=5.0), Decoder(), FeedState()
    polls = centre_polls(14)
    sizes = []
    previous: Snapshot | None = None
    latest: list[Event] = []
    for n, poll in enumerate(polls, start=1):
        new = [Event(poll.fetched_at, ANSWERED, who=f"agent {n}", seconds=1.0)]
        latest += new
        day = day_for(poll, n)
        live, counted, whole_data = publish(encoder, "run-1", 2 * n - 1, poll, day, latest, new)
        message = decoder.decode(live)
        assert isinstance(message, SnapshotMessage) and not message.has_day
        assert (message.base is None) == (n == 1)
        taken = state.apply(message)
        assert taken is not None
        day_message = decoder.decode(counted)
        assert isinstance(day_message, DayMessage) and day_message.of == 2 * n - 1
        assert (day_message.base is None) == (n == 1)
        hub_day = state.apply_day(day_message)
        assert hub_day is not None
        whole = decoder.decode(whole_data)
        assert isinstance(whole, SnapshotMessage) and whole.base is None and whole.has_day
        # the picture from deltas is the whole snapshot, in the API's order
        assert taken.extensions == whole.snapshot.extensions
        assert taken.queues == whole.snapshot.queues
        assert taken.fetched_at == poll.fetched_at
        assert hub_day.day is not None and whole.day is not None
        assert hub_day.day["queues"] == whole.day["queues"]
        assert {r["username"]: r["answered"] for r in hub_day.day["agents"]} == {
            r["username"]: r["answered"] for r in whole.day["agents"]
        }
        assert [e.who for e in hub_day.events] == [f"agent {k}" for k in range(1, n + 1)]
        assert [e.who for e in whole.events] == [f"agent {k}" for k in range(1, n + 1)]
        if previous is not None:
            unchanged = [
                e for e in taken.extensions if any(p is e for p in previous.extensions)
            ]  # fmt: skip
            assert unchanged  # kept as the very same objects: the board's views are kept
        previous = taken
        sizes.append((len(live) + len(counted), len(whole_data)))
    # a delta is a fraction of the whole (here at most a third; at 2,000 agents ~12 %)
    assert all(stream < whole / 3 for stream, whole in sizes[1:])
    # the day's durations of an agent whose counts did not move catch up within a minute
    rows = {r["username"]: r for r in hub_day.day["agents"]}
    assert all(row["talk_s"] >= 14 - 12 for row in rows.values())
    assert rows[polls[-1].extensions[3].username]["answered"] == 14 // 4
    # its row went when its count moved (poll 12), nested figures and all
    assert rows[polls[-1].extensions[3].username]["status_s"]["1"] >= 12.0


def test_a_missed_delta_or_another_run_does_not_fit_and_the_whole_resets() -> None:
    encoder, decoder, state = SnapshotEncoder(interval_s=5.0), Decoder(), FeedState()
    polls = centre_polls(4)
    sent = [
        [decoder.decode(data) for data in publish(encoder, "run-1", 2 * n + 1, poll, None)]
        for n, poll in enumerate(polls)
    ]
    assert state.apply(sent[0][0]) is not None and state.apply_day(sent[0][1]) is not None
    assert state.apply(sent[2][0]) is None  # the delta over poll 2, but poll 1 is held
    assert state.apply_day(sent[2][1]) is None  # and its day is not about the snapshot held
    assert state.is_old(sent[0][0]) and state.is_old(sent[0][1])  # read again: old
    other = SnapshotEncoder(interval_s=5.0)
    publish(other, "run-2", 1, polls[0], None)
    restarted = decoder.decode(publish(other, "run-2", 3, polls[1], None)[0])
    assert isinstance(restarted, SnapshotMessage) and state.apply(restarted) is None
    whole = sent[2][2]  # the latest key: whole, with its day
    assert isinstance(whole, SnapshotMessage)
    taken = state.apply(whole)
    assert taken is not None and taken.extensions == whole.snapshot.extensions
    state.whole_day(whole)
    assert state.is_old(sent[2][0]) and state.is_old(sent[2][1])
    assert state.apply(sent[3][0]) is not None  # and the deltas fit again
    assert state.apply_day(sent[3][1]) is not None


def test_the_day_turning_goes_whole_and_duplicate_usernames_send_the_snapshot_whole() -> None:
    encoder, decoder = SnapshotEncoder(interval_s=5.0), Decoder()
    polls = centre_polls(3)
    publish(encoder, "r", 1, polls[0], day_for(polls[0], 1))
    _, same_day, _ = publish(encoder, "r", 3, polls[1], day_for(polls[1], 2))
    turned = {**day_for(polls[2], 3), "day": "2027-01-16"}
    live, next_day, _ = publish(encoder, "r", 5, polls[2], turned)
    bases = [decoder.decode(data).base for data in (same_day, live, next_day)]  # type: ignore[union-attr]
    assert bases == [1, 3, None]
    doubled = replace(polls[2], extensions=polls[2].extensions + polls[2].extensions[:1])
    again = decoder.decode(encoder.live(Header("h", "r", 7, 5.0, 4.0), doubled))
    assert isinstance(again, SnapshotMessage) and again.base is None


def test_events_arrive_plain_and_one_malformed_event_never_drops_the_others() -> None:
    document = json.loads(encode_snapshot(HEADER, snapshot(), day=None))
    good = {"at": 1_800_000_000, "kind": "answered", "who": "[red]Dana\x1b[2J", "phone": "0501",
            "queue": "Sales", "seconds": 12, "detail": "", "level": ""}  # fmt: skip
    document["events"] = [
        "not an object",
        {**good, "at": "soon"},
        {**good, "kind": "exploded"},
        {**good, "at": 1e12},  # year 33658: no clock shows it
        {**good, "at": 0},  # 1970: not an event of any board's day
        {**good, "seconds": -4, "who": ["x"], "level": "panic"},
        good,
        {"at": 1_800_000_001.5, "kind": "alert", "detail": "Sales: 5 waiting", "level": "alert"},
    ]
    message = Decoder().decode(orjson.dumps(document))
    assert isinstance(message, SnapshotMessage)
    odd, answered, alert = message.events
    assert (odd.seconds, odd.who, odd.level) == (None, "", "")
    assert answered.kind == ANSWERED and answered.seconds == 12.0
    assert "\x1b" not in answered.who and answered.who.startswith("[red]Dana")  # plain text
    assert (alert.kind, alert.level, alert.detail) == ("alert", "alert", "Sales: 5 waiting")
