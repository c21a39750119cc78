"""A snapshot as one JSON-able object, for `wallboard snapshot --json`.

Field names are the API's own; strings are exactly as received; each call and caller gains
true durations computed with the server's clock offset. Written out by
`wallboard.core.jsonout`, the one strict encoder (lone surrogates and non-finite numbers
replaced, and said so).
"""

from __future__ import annotations

from typing import Any

from wallboard.api.models import Call, CallState, Extension, Queue, QueueCaller
from wallboard.core.snapshot import Snapshot


def snapshot_to_json(snapshot: Snapshot) -> dict[str, Any]:
    """The `snapshot --json` document."""
    return {
        "fetched_at": snapshot.fetched_at,
        "clock_offset_s": snapshot.clock_offset_s,
        "extensions": [_extension(ext, snapshot) for ext in snapshot.extensions],
        "queues": [_queue(queue, snapshot) for queue in snapshot.queues],
        "skipped": [{"where": s.where, "reason": s.reason} for s in snapshot.skipped],
    }


def _extension(ext: Extension, snapshot: Snapshot) -> dict[str, Any]:
    return {
        "username": ext.username,
        "name": ext.name,
        "representative": ext.representative,
        "userID": ext.user_id,
        "onlineUserID": ext.online_user_id,
        "extensionID": ext.extension_id,
        "onlineUserStatus": ext.status,
        "status_label": ext.status_label,
        "calls": [_call(call, snapshot) for call in ext.calls],
    }


def call_duration_s(call: Call, snapshot: Snapshot, now: float) -> float | None:
    """True seconds since answer, or since start when unanswered; None without epochs."""
    epoch = call.call_answered if call.call_answered else call.call_started
    if not epoch:
        return None
    return max(0.0, now - snapshot.to_utc(epoch))


def _call(call: Call, snapshot: Snapshot) -> dict[str, Any]:
    duration = call_duration_s(call, snapshot, snapshot.fetched_at)
    state = call.state.value if isinstance(call.state, CallState) else call.state
    return {
        "callStarted": call.call_started,
        "callAnswered": call.call_answered,
        "answered": call.answered,
        "callername": call.caller_name,
        "callerphone": call.caller_phone,
        "callstatus": state,
        "customdata": dict(call.custom_data),
        "direction": call.direction,
        "ivrid": call.ivr_id,
        "recording": {
            "Filename": call.recording.filename,
            "IsMuted": call.recording.is_muted,
        },
        "did": call.did,
        "duration_s": None if duration is None else round(duration, 3),
        "recorded": call.recording.recorded,
    }


def _queue(queue: Queue, snapshot: Snapshot) -> dict[str, Any]:
    return {
        "ID": queue.queue_id,
        "Name": queue.name,
        "Weight": queue.weight,
        "callers": [_caller(caller, snapshot) for caller in queue.callers],
    }


def _caller(caller: QueueCaller, snapshot: Snapshot) -> dict[str, Any]:
    wait = max(0.0, snapshot.fetched_at - snapshot.to_utc(caller.join_time))
    return {
        "Phone": caller.phone,
        "CallID": caller.call_id,
        "JoinTime": caller.join_time,
        "wait_s": round(wait, 3),
    }
