"""The server's clock: whatever zone its epochs are in, the board shows true durations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from wallboard.api.models import Extension, Queue
from wallboard.core.export import call_duration_s, snapshot_to_json
from wallboard.core.server_clock import ServerClockEstimator, israel_offset_s
from wallboard.core.snapshot import Snapshot, build_snapshot

WINTER = datetime(2026, 1, 15, 12, 0, tzinfo=UTC).timestamp()  # Israel is UTC+2
SUMMER = datetime(2026, 7, 15, 12, 0, tzinfo=UTC).timestamp()  # Israel is UTC+3
HOUR = 3600


def centre(
    true_now: float,
    server_offset_s: float,
    *,
    call_ages: tuple[float, ...] = (),
    waits: tuple[float, ...] = (),
) -> tuple[list[Extension], list[Queue]]:
    """A centre as a server whose clock reads UTC + `server_offset_s` reports it.

    Each agent has one call answered `age` true seconds before `true_now` (it rang 5 s
    before that); each caller has waited `wait` true seconds.
    """
    server_now = true_now + server_offset_s
    extensions = [
        Extension.model_validate(
            {
                "username": f"SIP{index}",
                "onlineUserStatus": 1,
                "calls": [
                    {
                        "callStarted": int(server_now - age - 5),
                        "callAnswered": int(server_now - age),
                        "callstatus": "Talking",
                        "ivrid": f"call{index}",
                    }
                ],
            }
        )
        for index, age in enumerate(call_ages)
    ]
    queues = []
    if waits:
        queues.append(
            Queue.model_validate(
                {
                    "ID": 1,
                    "Name": "Sales",
                    "Callers": [
                        {
                            "CallID": f"c{index}",
                            "JoinTime": int(server_now - wait),
                            "Duration": int(wait),
                        }
                        for index, wait in enumerate(waits)
                    ],
                }
            )
        )
    return extensions, queues


def snap(
    estimator: ServerClockEstimator,
    *,
    true_now: float,
    server_offset_s: float,
    client_fast_s: float = 0.0,
    call_ages: tuple[float, ...] = (),
    waits: tuple[float, ...] = (),
) -> Snapshot:
    extensions, queues = centre(true_now, server_offset_s, call_ages=call_ages, waits=waits)
    return build_snapshot(
        extensions,
        queues,
        [],
        fetched_at=true_now + client_fast_s,
        latency_s=0.05,
        estimator=estimator,
    )


def caller_waits(snapshot: Snapshot) -> list[float]:
    return [
        snapshot.fetched_at - snapshot.to_utc(caller.join_time)
        for queue in snapshot.queues
        for caller in queue.callers
    ]


def call_durations(snapshot: Snapshot) -> list[float | None]:
    return [
        call_duration_s(call, snapshot, snapshot.fetched_at)
        for ext in snapshot.extensions
        for call in ext.calls
    ]


def test_israel_offset_follows_daylight_saving():
    assert israel_offset_s(WINTER) == 2 * HOUR
    assert israel_offset_s(SUMMER) == 3 * HOUR


@pytest.mark.parametrize(
    ("when", "offset_h"),
    [(WINTER, 0), (WINTER, 2), (SUMMER, 3), (SUMMER, 0), (SUMMER, 2), (WINTER, -5), (WINTER, 5.5)],
)
def test_waiting_callers_give_true_waits_and_durations_in_any_zone(when, offset_h):
    snapshot = snap(
        ServerClockEstimator(),
        true_now=when,
        server_offset_s=offset_h * HOUR,
        call_ages=(12, 300, 4000),
        waits=(3, 45, 610),
    )
    assert snapshot.clock_offset_s == pytest.approx(offset_h * HOUR, abs=1)
    assert caller_waits(snapshot) == pytest.approx([3, 45, 610], abs=1)
    assert call_durations(snapshot) == pytest.approx([12, 300, 4000], abs=1)


@pytest.mark.parametrize(
    ("when", "offset_h"),
    [(WINTER, 0), (SUMMER, 0), (WINTER, 2), (SUMMER, 3)],
)
def test_without_waiting_callers_calls_bound_the_offset_and_israel_time_is_assumed(when, offset_h):
    snapshot = snap(
        ServerClockEstimator(),
        true_now=when,
        server_offset_s=offset_h * HOUR,
        call_ages=(8, 95, 1800),
    )
    assert snapshot.clock_offset_s == offset_h * HOUR
    assert call_durations(snapshot) == pytest.approx([8, 95, 1800], abs=1)


def test_a_server_in_another_zone_is_placed_on_the_nearest_quarter_hour():
    snapshot = snap(
        ServerClockEstimator(), true_now=WINTER, server_offset_s=5.5 * HOUR, call_ages=(30,)
    )
    assert snapshot.clock_offset_s == 5.5 * HOUR
    assert call_durations(snapshot) == pytest.approx([30], abs=1)


def test_an_empty_centre_assumes_utc():
    snapshot = snap(ServerClockEstimator(), true_now=WINTER, server_offset_s=2 * HOUR)
    assert snapshot.clock_offset_s == 0.0


def test_a_configured_offset_overrides_the_estimate():
    # A server at UTC+1 whose only call is two hours old cannot be told from UTC...
    guessed = snap(
        ServerClockEstimator(), true_now=WINTER, server_offset_s=HOUR, call_ages=(2 * HOUR,)
    )
    assert guessed.clock_offset_s == 0.0
    # ...so the user can say so, and the setting wins even over waiting callers.
    estimator = ServerClockEstimator(fixed_offset_s=HOUR)
    told = snap(estimator, true_now=WINTER, server_offset_s=HOUR, call_ages=(2 * HOUR,))
    assert told.clock_offset_s == HOUR
    assert call_durations(told) == pytest.approx([2 * HOUR], abs=1)
    wrong = snap(estimator, true_now=WINTER, server_offset_s=2 * HOUR, waits=(30,))
    assert wrong.clock_offset_s == HOUR


def test_a_client_clock_20s_fast_is_corrected_when_callers_wait():
    estimator = ServerClockEstimator()
    snapshot = snap(
        estimator,
        true_now=SUMMER,
        server_offset_s=3 * HOUR,
        client_fast_s=20,
        call_ages=(60, 200),
        waits=(10, 90),
    )
    assert snapshot.clock_offset_s == pytest.approx(3 * HOUR - 20, abs=1)
    assert caller_waits(snapshot) == pytest.approx([10, 90], abs=1)
    assert call_durations(snapshot) == pytest.approx([60, 200], abs=1)


def test_the_correction_is_kept_for_polls_without_waiting_callers():
    estimator = ServerClockEstimator()
    snap(estimator, true_now=WINTER, server_offset_s=2 * HOUR, client_fast_s=20, waits=(40,))
    later = snap(
        estimator,
        true_now=WINTER + 5,
        server_offset_s=2 * HOUR,
        client_fast_s=20,
        call_ages=(25,),
    )
    assert later.clock_offset_s == pytest.approx(2 * HOUR - 20, abs=1)
    assert call_durations(later) == pytest.approx([25], abs=1)


def test_readings_are_smoothed_by_the_median_of_recent_polls():
    estimator = ServerClockEstimator()
    offsets = []
    for poll, jitter in enumerate([0, 2, -1, 1, 30, 0, -2]):
        true_now = WINTER + 5 * poll
        extensions, queues = centre(true_now, 2 * HOUR + jitter, waits=(20,))
        offsets.append(
            build_snapshot(
                extensions, queues, [], fetched_at=true_now, latency_s=0, estimator=estimator
            ).clock_offset_s
        )
    # One odd reading (30 s late) does not move the estimate much.
    assert offsets[4] == pytest.approx(2 * HOUR, abs=2)
    assert offsets[-1] == pytest.approx(2 * HOUR, abs=1)


@pytest.mark.parametrize(("before_h", "after_h"), [(2, 3), (3, 2)])
def test_a_daylight_saving_jump_is_followed_at_once_when_callers_wait(before_h, after_h):
    estimator = ServerClockEstimator()
    for poll in range(20):
        snap(estimator, true_now=WINTER + 5 * poll, server_offset_s=before_h * HOUR, waits=(15, 70))
    after = snap(
        estimator,
        true_now=WINTER + 200,
        server_offset_s=after_h * HOUR,
        waits=(16, 71),
        call_ages=(33,),
    )
    assert after.clock_offset_s == pytest.approx(after_h * HOUR, abs=1)
    assert caller_waits(after) == pytest.approx([16, 71], abs=1)
    assert call_durations(after) == pytest.approx([33], abs=1)


def test_spring_forward_is_followed_from_calls_alone():
    estimator = ServerClockEstimator()
    for poll in range(10):
        snap(estimator, true_now=WINTER + 5 * poll, server_offset_s=2 * HOUR, waits=(15,))
    after = snap(estimator, true_now=WINTER + 100, server_offset_s=3 * HOUR, call_ages=(40,))
    assert after.clock_offset_s == pytest.approx(3 * HOUR, abs=1)
    assert call_durations(after) == pytest.approx([40], abs=1)


def test_autumn_fall_back_is_followed_from_calls_alone():
    autumn_eve = datetime(2026, 10, 24, 12, 0, tzinfo=UTC).timestamp()  # Israel +3
    autumn_day = datetime(2026, 10, 26, 12, 0, tzinfo=UTC).timestamp()  # Israel +2
    estimator = ServerClockEstimator()
    for poll in range(10):
        snap(estimator, true_now=autumn_eve + 5 * poll, server_offset_s=3 * HOUR, waits=(15,))
    after = snap(estimator, true_now=autumn_day, server_offset_s=2 * HOUR, call_ages=(40,))
    assert call_durations(after) == pytest.approx([40], abs=1)


def test_snapshot_to_utc_subtracts_the_server_offset():
    snapshot = Snapshot(extensions=(), queues=(), fetched_at=1000.0, clock_offset_s=7200.0)
    assert snapshot.to_utc(8200) == 1000.0


def test_export_reports_true_durations_and_waits():
    snapshot = snap(
        ServerClockEstimator(),
        true_now=SUMMER,
        server_offset_s=3 * HOUR,
        call_ages=(61,),
        waits=(122,),
    )
    document = snapshot_to_json(snapshot)
    assert document["clock_offset_s"] == pytest.approx(3 * HOUR, abs=1)
    assert document["extensions"][0]["calls"][0]["duration_s"] == pytest.approx(61, abs=1)
    assert document["queues"][0]["callers"][0]["wait_s"] == pytest.approx(122, abs=1)


def _one_odd_call(started: Any) -> Extension:
    return Extension.model_validate(
        {"username": "ODD", "calls": [{"callStarted": started, "callstatus": "Ringing"}]}
    )


def test_one_call_with_a_millisecond_epoch_does_not_wreck_every_timer():
    extensions, queues = centre(WINTER, 2 * HOUR, call_ages=(50, 120))
    odd = _one_odd_call(int((WINTER + 2 * HOUR) * 1000))
    snapshot = build_snapshot(
        [*extensions, odd],
        queues,
        [],
        fetched_at=WINTER,
        latency_s=0,
        estimator=ServerClockEstimator(),
    )
    assert abs(snapshot.clock_offset_s) <= 16 * HOUR
    assert call_durations(snapshot)[:2] == pytest.approx([50, 120], abs=1)


def test_one_call_with_an_enormous_epoch_does_not_crash_the_snapshot():
    extensions, queues = centre(WINTER, 2 * HOUR, call_ages=(50,))
    snapshot = build_snapshot(
        [*extensions, _one_odd_call(10**400)],
        queues,
        [],
        fetched_at=WINTER,
        latency_s=0,
        estimator=ServerClockEstimator(),
    )
    assert len(snapshot.extensions) == 2


@pytest.mark.parametrize(
    ("when", "offset_h", "ages"),
    [(SUMMER, 2, (35, 400)), (WINTER, 3, ()), (WINTER, 3, (3700,))],
)
def test_a_server_outside_israel_time_keeps_its_offset_when_the_queues_empty(when, offset_h, ages):
    estimator = ServerClockEstimator()
    for poll in range(5):
        warm = snap(
            estimator,
            true_now=when + 5 * poll,
            server_offset_s=offset_h * HOUR,
            waits=(20,),
            call_ages=(30,),
        )
        assert warm.clock_offset_s == offset_h * HOUR
    empty = snap(estimator, true_now=when + 30, server_offset_s=offset_h * HOUR, call_ages=ages)
    assert empty.clock_offset_s == offset_h * HOUR
    assert call_durations(empty) == pytest.approx(list(ages), abs=1)
