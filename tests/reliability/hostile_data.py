"""Hostile strings, and a small fixed centre to plant them in.

The centre has nine agents whose states all sort differently, so each tile's place on the
grid depends on its state alone, never on its (hostile) name: a board with hostile text and
the same board with plain text draw every tile in the same cell, and the two screens can be
compared cell by cell. Agent 4 (in the middle of the grid) and queue "Q2" carry the text.
"""

from __future__ import annotations

import re
from typing import Any

from wallboard.api.parse import parse_extensions, parse_queues
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import Snapshot, build_snapshot

T0 = 1_800_000_000  # FakeClock's default start
HOSTILE_INDEX = 4  # the hostile agent's place on the grid (state "Parked": rank 4)

CORPUS: dict[str, str] = {
    "markup": "[bold red]x[/]",
    "link": "[link=https://evil.example/]click me[/link]",
    "csi_clear": "\x1b[2J\x1b[H",
    "sgr": "\x1b[31mred\x1b[0m",
    "osc_title": "\x1b]0;title\x07",
    "osc52_clipboard": "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "c1_csi": "\x9b2J\x9b31m",
    "bidi_override": "\u202eevil\u202c",
    "bidi_isolate": "\u2066iso\u2069late",
    "zero_width": "ze\u200bro\u200dwi\u2060dth\ufeff",
    "wide_cjk": "電話番号テスト中文字",
    "emoji": "😀👨‍👩‍👧 ok",
    "emoji_skin_tone": "👍🏽👋🏿 ok",
    "hebrew": "שלום עולם",
    "long_10k": "A" * 10_000,
    "mixed": "\x1b[31m[bold]電話\u202e😀\x9b\x00\r\n\t\x7f",
}

# What must never reach a screen line or a terminal: C0 and C1 controls and DEL (every
# escape sequence starts with one), bidi embeddings/overrides/isolates/marks, zero widths.
FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _call(state: Any, started_ago: int, text: str, **extra: Any) -> dict[str, Any]:
    call: dict[str, Any] = {
        "callstatus": state,
        "callStarted": T0 - started_ago,
        "callAnswered": T0 - started_ago + 5 if state in ("Talking", "Hold") else 0,
        "answered": 1 if state in ("Talking", "Hold") else 0,
        "direction": "Incoming",
        "callername": f"caller {text}" if text else "",
        "callerphone": "0501234567",
        "ivrid": f"ivr-{started_ago}",
        "did": "035551234",
        "customdata": {"Campaign": "spring", "OriginalIvrUniqueID": ""},
        "recording": {"Filename": "rec.wav", "IsMuted": 0},
    }
    call.update(extra)
    return call


def _agent(i: int, status: int, calls: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return {
        "name": f"ext{i}",
        "userID": 100 + i,
        "representative": name,
        "onlineUserID": 0 if status == 2 else 200 + i,
        "username": f"SIP{1000 + i}",
        "extensionID": 300 + i,
        "onlineUserStatus": status,
        "calls": calls,
    }


def centre_payloads(hostile: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both answers of the fixed centre; with `hostile`, agent 4 and queue Q2 carry it.

    The hostile agent's every string field holds the text: representative, name, SIP
    username, and on its call the caller name and number, DID, direction, ivrid, recording
    file, a custom data key and value, and an undocumented extra field.
    """
    agents = [
        _agent(0, 1, [_call("Ringing", 12, "a")], "Agent Ring"),
        _agent(1, 1, [_call("Dialing", 30, "b", direction="Outgoing")], "Agent Dial"),
        _agent(2, 1, [_call("Talking", 95, "c")], "Agent Talk"),
        _agent(3, 1, [_call("Hold", 140, "d")], "Agent Hold"),
        _agent(4, 1, [_call("Parked", 61, "e")], "Agent Plain"),
        _agent(5, 1, [], "Agent Avail"),
        _agent(6, 5, [], "Agent Admin"),
        _agent(7, 7, [], "Agent Break"),
        _agent(8, 2, [], "Agent Out"),
    ]
    queues: list[dict[str, Any]] = [
        {
            "Name": f"Q{q}",
            "ID": 10 + q,
            "Weight": q,
            "Callers": [
                {
                    "Phone": f"05{q}000000{c}",
                    "JoinTime": T0 - 30 * (q + 1) - 7 * c,
                    "CallID": f"call-{q}-{c}",
                    "Duration": 30 * (q + 1) + 7 * c,
                }
                for c in range(2)
            ],
        }
        for q in range(1, 4)
    ]
    if hostile is not None:
        target = agents[HOSTILE_INDEX]
        target.update(representative=hostile, name=hostile, username=hostile, extra=hostile)
        target[hostile] = "extra field named by the hostile text"
        call = target["calls"][0]
        call.update(
            callername=hostile,
            callerphone=hostile,
            did=hostile,
            direction=hostile,
            ivrid=hostile,
            recording={"Filename": hostile, "IsMuted": 1},
            customdata={hostile: hostile, "Campaign": hostile},
        )
        queues[1]["Name"] = hostile
        queues[1]["Callers"][1].update(Phone=hostile, CallID=hostile)  # waits longest: line 4
    return (
        {"ERR": 0, "DESC": "OK", "EXTENSIONS": agents},
        {"ERR": 0, "DESC": "OK", "QUEUES": queues},
    )


def snapshot_of(payloads: tuple[dict[str, Any], dict[str, Any]], now: float = T0) -> Snapshot:
    """Parse both answers into a snapshot fetched at `now`, server clock = UTC."""
    extensions, skipped_ext = parse_extensions(payloads[0])
    queues, skipped_q = parse_queues(payloads[1])
    return build_snapshot(
        extensions,
        queues,
        skipped_ext + skipped_q,
        fetched_at=now,
        latency_s=0.012,
        estimator=ServerClockEstimator(0.0),
        source="hostile fixture",
    )


def many_hostile_payloads(
    labels: list[str] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One centre holding corpus strings at once (all, or `labels`): an agent and a queue
    per string, with agent 4 holding the `mixed` one in every field."""
    extensions, queues = centre_payloads(CORPUS["mixed"])
    texts = [CORPUS[label] for label in labels] if labels else list(CORPUS.values())
    for n, text in enumerate(texts):
        extensions["EXTENSIONS"].append(
            _agent(20 + n, 1, [_call("Talking", 40 + n, text, callerphone=text)], text)
        )
        queues["QUEUES"].append(
            {
                "Name": text,
                "ID": 100 + n,
                "Weight": 1,
                "Callers": [{"Phone": text, "JoinTime": T0 - 20, "CallID": text, "Duration": 20}],
            }
        )
    return extensions, queues
