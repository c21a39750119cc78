"""What `wallboard snapshot` prints: the JSON document and the human summary."""

from __future__ import annotations

import contextlib
import json

from wallboard.api.models import Extension, Queue
from wallboard.api.parse import SkippedItem
from wallboard.core.board import Board
from wallboard.core.export import snapshot_to_json
from wallboard.core.snapshot import Snapshot
from wallboard.core.summary import summarise

T0 = 1_800_000_000.0


def a_snapshot(**overrides) -> Snapshot:
    extensions = (
        Extension.model_validate(
            {
                "username": "SIP1",
                "name": "Desk 1",
                "representative": "שרה",
                "userID": "11",
                "onlineUserID": 11,
                "extensionID": 101,
                "onlineUserStatus": "1",
                "calls": [
                    {
                        "callStarted": int(T0) - 100,
                        "callAnswered": int(T0) - 90,
                        "answered": 1,
                        "callername": "\x1b[31mEve",
                        "callerphone": 501234567,
                        "callstatus": 3,
                        "customdata": [],
                        "direction": "Incoming",
                        "ivrid": "ivr1",
                        "recording": {"Filename": "a.mp3", "IsMuted": "1"},
                        "did": "035551234",
                    },
                    {"callStarted": int(T0) - 5, "callstatus": "Parked", "recording": []},
                ],
            }
        ),
        Extension.model_validate({"username": "SIP2", "onlineUserStatus": 42}),
        Extension.model_validate({"username": "SIP3", "onlineUserStatus": 3}),
        Extension.model_validate({"username": "SIP4", "onlineUserStatus": 2}),
    )
    queues = (
        Queue.model_validate(
            {
                "ID": "7",
                "Name": "[bold]Sales\x07",
                "Weight": 2,
                "Callers": [
                    {"Phone": "050", "CallID": "c1", "JoinTime": int(T0) - 75, "Duration": 75}
                ],
            }
        ),
        Queue.model_validate({"ID": 8, "Callers": []}),
    )
    values = {
        "extensions": extensions,
        "queues": queues,
        "fetched_at": T0,
        "clock_offset_s": 0.0,
        "skipped": (SkippedItem("EXTENSIONS[4]", "username: Field required"),),
        "latency_s": 0.123,
    }
    values.update(overrides)
    return Snapshot(**values)


def test_the_json_document_keeps_api_names_and_adds_true_durations():
    document = snapshot_to_json(a_snapshot())
    json.dumps(document)  # serialisable as is

    first = document["extensions"][0]
    assert first["userID"] == 11
    assert first["onlineUserStatus"] == 1
    assert first["status_label"] == "Logged in"
    assert first["representative"] == "שרה"
    talking, parked = first["calls"]
    assert talking["callstatus"] == "Talking"
    assert talking["callername"] == "\x1b[31mEve"  # exactly as received; JSON escapes it
    assert talking["callerphone"] == "501234567"
    assert talking["customdata"] == {}
    assert talking["recording"] == {"Filename": "a.mp3", "IsMuted": 1}
    assert talking["recorded"] is False
    assert talking["duration_s"] == 90
    assert parked["callstatus"] == "Parked"
    assert parked["recorded"] is None
    assert parked["duration_s"] == 5

    assert document["extensions"][1]["status_label"] == "Unknown (42)"
    assert document["queues"][0] == {
        "ID": 7,
        "Name": "[bold]Sales\x07",
        "Weight": 2,
        "callers": [{"Phone": "050", "CallID": "c1", "JoinTime": int(T0) - 75, "wait_s": 75}],
    }
    assert document["skipped"] == [{"where": "EXTENSIONS[4]", "reason": "username: Field required"}]


def test_the_summary_counts_agents_queues_and_what_was_skipped():
    lines = summarise(a_snapshot())
    text = "\n".join(lines)
    assert lines[0].startswith("Fetched 2027-01-15 08:00:00 UTC in 123 ms")
    assert "server clock UTC+0:00" in lines[0]
    assert "Agents 4: 3 logged in, 0 available" in text
    assert "1 talking" in text
    assert "Away: Lunch break 1, Unknown (42) 1" in text
    assert "Queues 2: 1 callers waiting, longest wait 1:15" in text
    assert "Queue 8 [8]: 0 waiting, nobody waiting" in text
    assert "Skipped 1 malformed item(s):" in text
    assert "EXTENSIONS[4]: username: Field required" in text


def test_the_summary_prints_outside_text_as_plain_text():
    text = "\n".join(summarise(a_snapshot()))
    assert "\x07" not in text
    assert "\x1b" not in text
    assert "[bold]Sales" in text


def test_a_long_list_of_skipped_items_is_cut_short():
    skipped = tuple(SkippedItem(f"EXTENSIONS[{i}]", "bad") for i in range(50))
    lines = summarise(a_snapshot(skipped=skipped))
    assert "  ... and 30 more" in lines
    assert sum(1 for line in lines if line.startswith("  EXTENSIONS[")) == 20


def test_a_board_that_cannot_read_a_snapshot_keeps_its_last_picture():
    class Unreadable:
        """A snapshot whose times cannot be converted (a bug further up, say)."""

        def __init__(self, good: Snapshot) -> None:
            self.extensions = good.extensions
            self.queues = good.queues
            self.fetched_at = good.fetched_at + 5
            # A new offset: every time must be converted again (nothing can be reused).
            self.clock_offset_s = good.clock_offset_s + 1

        def to_utc(self, epoch: float) -> float:
            raise ArithmeticError("cannot convert")

    board = Board()
    good = a_snapshot()
    board.apply(good, T0)
    before = (board.agents, board.queues, board.totals, board.generation, dict(board._tracked))
    with contextlib.suppress(ArithmeticError):
        board.apply(Unreadable(good), T0 + 5)  # type: ignore[arg-type]
    after = (board.agents, board.queues, board.totals, board.generation, dict(board._tracked))
    assert after == before
    assert board.snapshot is good
