"""Each agent's day as slots: the dominant state of each, fed by snapshots, bounded."""

from __future__ import annotations

from datetime import UTC, time

from wallboard.core.calendar import DayCalendar
from wallboard.core.status_timeline import StatusTimeline

DAY = 1_800_000_000 - 1_800_000_000 % 86400  # a UTC midnight
CALENDAR = DayCalendar(UTC)


def feed(timeline: StatusTimeline, start: float, seconds: int, agents: dict[str, str]) -> float:
    """Snapshots every 5 s for `seconds`, each agent in the given state; the time after."""
    at = start
    for _ in range(seconds // 5):
        timeline.record(agents.items(), at)
        at += 5
    return at


def test_each_slot_shows_the_state_that_filled_most_of_it():
    timeline = StatusTimeline(CALENDAR)
    at = feed(timeline, DAY + 8 * 3600, 600, {"A": "call-talking"})  # 10 min talking
    at = feed(timeline, at, 300, {"A": "status-available"})  # 5 min available
    at = feed(timeline, at, 300, {"A": "status-lunch"})  # the next quarter starts
    row = timeline.row("A")
    assert row is not None
    assert len(row.slots) == 96
    assert row.slots[32] == "call-talking"  # 08:00-08:15: 10 of 15 minutes talking
    assert row.slots[33] == "status-lunch"  # the slot in progress, by what it holds yet
    assert row.slots[:32] == (None,) * 32  # before the board started: nothing
    assert row.slots[34:] == (None,) * 62  # the future
    assert row.started_utc == DAY + 8 * 3600


def test_time_between_snapshots_counts_for_the_state_seen_at_the_first():
    timeline = StatusTimeline(CALENDAR)
    timeline.record([("A", "status-break")], DAY + 100)
    timeline.record([("A", "call-ringing")], DAY + 160)  # 60 s of break
    timeline.record([("A", "status-break")], DAY + 170)  # 10 s of ringing
    row = timeline.row("A")
    assert row is not None and row.slots[0] == "status-break"


def test_a_gap_in_the_data_counts_only_up_to_max_gap():
    timeline = StatusTimeline(CALENDAR, max_gap_s=60)
    timeline.record([("A", "status-lunch")], DAY)
    timeline.record([("A", "call-talking")], DAY + 800)  # a long gap: 60 s of lunch only
    feed(timeline, DAY + 805, 90, {"A": "call-talking"})
    row = timeline.row("A")
    assert row is not None and row.slots[0] == "call-talking"


def test_a_new_day_starts_empty_at_the_calendars_day_start():
    calendar = DayCalendar(UTC, time(6, 0))
    timeline = StatusTimeline(calendar)
    feed(timeline, DAY + 5 * 3600, 60, {"A": "call-talking"})  # 05:00: yesterday's day
    assert timeline.row("A").slots[(23 * 3600) // 900] == "call-talking"  # type: ignore[union-attr]
    feed(timeline, DAY + 6 * 3600, 60, {"A": "status-lunch"})
    row = timeline.row("A")
    assert row is not None
    assert row.day_start_utc == DAY + 6 * 3600
    assert row.slots[0] == "status-lunch" and set(row.slots[1:]) == {None}


def test_agents_beyond_the_bound_are_not_followed_and_unknown_agents_have_no_row():
    timeline = StatusTimeline(CALENDAR, max_agents=2)
    feed(timeline, DAY, 30, {"A": "call-talking", "B": "status-lunch", "C": "status-break"})
    assert timeline.row("A") is not None and timeline.row("B") is not None
    assert timeline.row("C") is None
    assert timeline.row("nobody") is None


def test_finer_slots_make_more_cells():
    timeline = StatusTimeline(CALENDAR, slot_s=300)
    feed(timeline, DAY, 30, {"A": "call-talking"})
    row = timeline.row("A")
    assert row is not None and len(row.slots) == 288
