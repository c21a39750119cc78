"""The feed's wire format: a round trip keeps the data, and a board trusts a message no
more than it trusts the API (lenient item by item, strict about the envelope)."""

from __future__ import annotations

import json

import orjson
import pytest

from wallboard.api.parse import parse_extensions, parse_queues
from wallboard.core.snapshot import Snapshot
from wallboard.feed.wire import (
    WIRE_VERSION,
    Decoder,
    FailureMessage,
    Header,
    NewerFormatError,
    SnapshotMessage,
    WireError,
    encode_failure,
    encode_snapshot,
)

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
        "queues": [{"id": 5, "answered": None, "nested": {"x": 1}}],
        "agents": "x",
        "day": 3,
    }
    message = Decoder().decode(orjson.dumps(document))
    assert isinstance(message, SnapshotMessage)
    assert len(message.snapshot.extensions) == 1
    assert any("EXTENSIONS[" in item.where for item in message.snapshot.skipped)
    assert message.day == {"queues": [{"id": 5, "answered": None, "nested": None}],
                           "agents": [], "day": 3}  # fmt: skip
