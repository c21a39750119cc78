"""The panels' day figures (`DayEngine.figures`) are the report's rows, made on demand."""

from __future__ import annotations

from wallboard.core.day_engine import DayEngine
from wallboard.core.day_figures import DayFigures
from wallboard.core.day_metrics import ThresholdTable
from wallboard.sim.centre import CallCentre

from .sim_feed import UTC_CALENDAR, snapshots

START = 1_800_000_000.0 - (1_800_000_000.0 % 86400) + 9 * 3600


def test_figures_match_the_report_row_for_row() -> None:
    centre = CallCentre(seed=5, agents=60, queues=4, start=START)
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(), 2.0)
    feed = snapshots(centre, START, START + 1800, 2.0)
    for snapshot in feed:
        engine.apply(snapshot)
        if snapshot.fetched_at >= START + 1200:
            break
    now = START + 1200
    figures = engine.figures(now)
    expected = DayFigures.from_report(engine.report(now))
    assert figures.day == expected.day and figures.known
    assert dict(figures.queues) == dict(expected.queues)
    assert figures.centre == expected.centre
    assert list(figures.agents) == list(expected.agents) and len(figures.agents) > 40
    busy = [row for row in expected.agents.values() if row["talk_s"] and row["answered"]]
    assert busy, "twenty minutes of a simulated centre should have answered calls"
    for username in expected.agents:
        assert figures.agent(username) == expected.agent(username)
    assert figures.agent("nobody") is None
    # Reading a row adds the open time to a copy: the count itself is unchanged.
    assert DayFigures.from_report(engine.report(now)) == expected


def test_a_row_first_read_after_a_later_poll_is_that_polls() -> None:
    """The app makes new figures after each poll; figures read late are not a mix of an
    old poll's open time and a newer count."""
    centre = CallCentre(seed=5, agents=60, queues=4, start=START)
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(), 2.0)
    feed = snapshots(centre, START, START + 1800, 2.0)
    for snapshot in feed:
        engine.apply(snapshot)
        if snapshot.fetched_at >= START + 600:
            break
    figures = engine.figures(START + 600)
    for snapshot in feed:
        engine.apply(snapshot)
        if snapshot.fetched_at >= START + 900:
            break
    later = DayFigures.from_report(engine.report(START + 900))
    for username in later.agents:
        assert figures.agent(username) == later.agent(username)


def test_figures_before_any_poll_are_an_empty_known_day() -> None:
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(), 2.0)
    figures = engine.figures(START)
    assert figures.known and not figures.queues and not figures.agents
