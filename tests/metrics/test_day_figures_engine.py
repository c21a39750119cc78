"""The panels' day figures (`DayEngine.figures`) are the report's rows, made on demand."""

from __future__ import annotations

from collections.abc import Iterator

from wallboard.core.day_engine import DayEngine
from wallboard.core.day_figures import DayFigures
from wallboard.core.day_metrics import ThresholdTable
from wallboard.core.snapshot import Snapshot
from wallboard.sim.centre import CallCentre

from .sim_feed import UTC_CALENDAR, snapshots

START = 1_800_000_000.0 - (1_800_000_000.0 % 86400) + 9 * 3600


def counted_until(
    until: float, *, start: float = START, agents: int = 60, queues: int = 4
) -> tuple[DayEngine, Iterator[Snapshot]]:
    """An engine that has counted a simulated centre from `start` up to `until`, and the
    feed of the centre's next half hour of polls."""
    centre = CallCentre(seed=5, agents=agents, queues=queues, start=start)
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(), 2.0)
    feed = snapshots(centre, start, until + 1800, 2.0)
    for snapshot in feed:
        engine.apply(snapshot)
        if snapshot.fetched_at >= until:
            break
    return engine, feed


def test_figures_match_the_report_row_for_row() -> None:
    now = START + 1200
    engine, _ = counted_until(now)
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


def test_figures_of_an_older_poll_give_no_row_rather_than_a_mix() -> None:
    """The app makes new figures after each poll; figures read late (a bug elsewhere, a
    poll counted meanwhile) show no agent row rather than mix two polls, or two days."""
    engine, feed = counted_until(START + 600)
    figures = engine.figures(START + 600)
    first = sorted(engine.metrics.agents)[0]  # type: ignore[union-attr]
    read_before = figures.agent(first)
    assert read_before is not None
    engine.apply(next(feed))
    assert figures.agent(first) == read_before  # read before: kept as it was
    others = [key for key in sorted(engine.metrics.agents) if key != first]  # type: ignore[union-attr]
    assert others and all(figures.agent(key) is None for key in others)
    assert list(figures.agents) == [first]  # what it lists, it can give
    fresh = engine.figures(START + 602)
    assert all(fresh.agent(key) is not None for key in others)


def test_across_midnight_the_old_days_figures_never_show_the_new_days_rows() -> None:
    before_midnight = (START // 86400 + 1) * 86400 - 120
    engine, feed = counted_until(before_midnight, start=before_midnight - 600, agents=30, queues=3)
    old_day = engine.figures(before_midnight)
    for snapshot in feed:
        engine.apply(snapshot)
        if snapshot.fetched_at >= before_midnight + 240:
            break
    assert engine.metrics is not None and engine.metrics.day.isoformat() != old_day.day
    assert all(old_day.agent(key) is None for key in engine.metrics.agents)
    new_day = engine.figures(before_midnight + 240)
    assert new_day.day == engine.metrics.day.isoformat()
    assert any(new_day.agent(key) is not None for key in engine.metrics.agents)


def test_a_row_that_cannot_be_made_is_no_row_and_the_others_still_come() -> None:
    def make(key: str) -> dict[str, object] | None:
        if key == "broken":
            raise TypeError("a damaged stored record")
        return {"username": key, "answered": 1}

    figures = DayFigures.from_counts("2027-01-15", [], lambda: ["ok", "broken"], make)
    assert figures.agent("broken") is None
    assert figures.agent("ok") == {"username": "ok", "answered": 1}
    assert list(figures.agents) == ["ok"] and len(figures.agents) == 1


def test_an_agents_copy_has_every_field() -> None:
    from dataclasses import fields

    from wallboard.core.day_metrics import AgentDay

    agent = AgentDay("sip1", "Dana", 3, 1, 2, 3, 300.0, 120.0, 10.0, {1: 100.0}, 1)
    copy = agent.copy()
    for field in fields(AgentDay):
        assert getattr(copy, field.name) == getattr(agent, field.name), field.name
    copy.credit(1, 5.0)
    assert agent.status_s == {1: 100.0}  # its own dict


def test_figures_before_any_poll_are_an_empty_known_day() -> None:
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(), 2.0)
    figures = engine.figures(START)
    assert figures.known and not figures.queues and not figures.agents
