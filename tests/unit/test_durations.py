"""Durations read the way wallboards show them, and count from the right moment."""

from __future__ import annotations

import pytest

from wallboard.api.models import Call
from wallboard.core.durations import format_day_total, format_duration
from wallboard.core.export import call_duration_s
from wallboard.core.snapshot import Snapshot


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (0.99, "0:00"),
        (7, "0:07"),
        (59.9, "0:59"),
        (60, "1:00"),
        (754, "12:34"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3723, "1:02:03"),
        (86399, "23:59:59"),
        (86400, "1d00h"),
        (3 * 86400 + 4 * 3600 + 59, "3d04h"),
        (400 * 86400, "400d00h"),
    ],
)
def test_durations_read_minutes_and_seconds_first(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("seconds", [-0.5, -1, -3600, -1e9])
def test_a_negative_duration_reads_as_zero(seconds):
    assert format_duration(seconds) == "0:00"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "0m"),
        (0, "0m"),
        (59.9, "0m"),
        (60, "1m"),
        (3599, "59m"),
        (3600, "1h00"),
        (3 * 3600 + 5 * 60 + 59, "3h05"),
        (23 * 3600 + 59 * 60, "23h59"),
        (30 * 3600, "30h00"),
    ],
)
def test_day_totals_read_whole_minutes(seconds, text):
    assert format_day_total(seconds) == text


def test_short_durations_keep_a_fixed_width_per_range():
    assert {len(format_duration(s)) for s in range(0, 600)} == {4}
    assert {len(format_duration(s)) for s in range(3600, 36000, 97)} == {7}


BASE = 1_800_000_000  # server epochs are plausible times (2001..2100)
SNAP = Snapshot(extensions=(), queues=(), fetched_at=BASE + 10_000.0, clock_offset_s=7200.0)


def test_an_answered_call_counts_from_its_answer():
    call = Call.model_validate(
        {
            "callStarted": BASE + 7200 + 9_000,
            "callAnswered": BASE + 7200 + 9_100,
            "callstatus": "Talking",
        }
    )
    assert call_duration_s(call, SNAP, SNAP.fetched_at) == 900.0


def test_an_unanswered_call_counts_from_its_start():
    call = Call.model_validate(
        {"callStarted": BASE + 7200 + 9_950, "callAnswered": 0, "callstatus": "Ringing"}
    )
    assert call_duration_s(call, SNAP, SNAP.fetched_at) == 50.0


def test_a_call_without_times_has_no_duration():
    assert call_duration_s(Call.model_validate({}), SNAP, SNAP.fetched_at) is None


def test_a_call_from_the_future_lasts_zero_not_a_negative_time():
    call = Call.model_validate({"callStarted": BASE + 7200 + 10_060, "callstatus": "Dialing"})
    assert call_duration_s(call, SNAP, SNAP.fetched_at) == 0.0


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (0, "UTC+0:00"),
        (7200, "UTC+2:00"),
        (10800, "UTC+3:00"),
        (-1800, "UTC-0:30"),
        (19800, "UTC+5:30"),
        (3, "UTC+0:00 (+3s)"),
        (7200 - 20, "UTC+2:00 (-20s)"),
    ],
)
def test_the_server_clock_reads_as_a_zone_with_any_drift(offset, text):
    from wallboard.core.summary import format_offset

    assert format_offset(offset) == text
