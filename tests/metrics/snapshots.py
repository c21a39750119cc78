"""Hand-made snapshots for the inference rules: a poll is a list of agents and queues.

Times are UTC; the server's clock reads UTC + `OFFSET`, as Voicenter's may.
"""

from __future__ import annotations

from typing import Any

from wallboard.api.models import Extension, Queue
from wallboard.core.snapshot import Snapshot

T0 = 1_800_000_000.0
OFFSET = 7200.0


def call(
    state: str,
    ivrid: str,
    *,
    phone: str = "0501234567",
    started: float,
    answered: float | None = None,
    direction: str = "Incoming",
) -> dict[str, Any]:
    """A call whose times are UTC, sent as server epochs."""
    return {
        "callstatus": state,
        "ivrid": ivrid,
        "callerphone": phone,
        "direction": direction,
        "callStarted": int(started + OFFSET),
        "callAnswered": int(answered + OFFSET) if answered else 0,
    }


def agent(username: str, status: int = 1, *calls: dict[str, Any], name: str = "") -> Extension:
    """One extension with its calls."""
    return Extension.model_validate(
        {
            "username": username,
            "representative": name or f"Agent {username}",
            "onlineUserStatus": status,
            "calls": list(calls),
        }
    )


def caller(call_id: str, joined: float, phone: str = "0501234567") -> dict[str, Any]:
    """A waiting caller who joined at UTC `joined`."""
    return {"CallID": call_id, "Phone": phone, "JoinTime": int(joined + OFFSET)}


def queue(queue_id: int, *callers: dict[str, Any], name: str = "Support") -> Queue:
    """One queue with its waiting callers."""
    return Queue.model_validate({"ID": queue_id, "Name": name, "Callers": list(callers)})


def poll(at: float, agents: list[Extension], queues: list[Queue]) -> Snapshot:
    """The snapshot a poll at UTC `at` returns."""
    return Snapshot(
        extensions=tuple(agents), queues=tuple(queues), fetched_at=at, clock_offset_s=OFFSET
    )
