"""DayFigures: a day report indexed for the panels, malformed rows skipped."""

from __future__ import annotations

from wallboard.core.day_figures import DayFigures


def test_rows_indexed_and_centre_summed() -> None:
    report = {
        "day": "2026-12-05",
        "queues": [
            {"id": 5001, "name": "Sales", "answered": 8, "abandoned": 2, "answered_within_sl": 6},
            {"id": 5002, "name": "Support", "answered": 2, "abandoned": 0, "answered_within_sl": 2},
            {"id": "bad", "answered": 100},
            "not a row",
        ],
        "agents": [{"username": "sip1", "answered": 3}, {"username": 7}],
    }
    figures = DayFigures.from_report(report)
    assert figures.known
    assert set(figures.queues) == {5001, 5002}
    assert figures.queue(5001) is not None and figures.queue(5001)["name"] == "Sales"  # type: ignore[index]
    assert figures.agent("sip1") == {"username": "sip1", "answered": 3}
    assert figures.agent("nobody") is None
    assert (figures.centre.answered, figures.centre.abandoned) == (10, 2)
    assert figures.centre.service_level_pct == 100.0 * 8 / 12
    assert figures.centre.abandon_pct == 100.0 * 2 / 12


def test_missing_report_is_empty() -> None:
    for report in (None, {}, {"queues": "x", "agents": None}):
        figures = DayFigures.from_report(report)
        assert not figures.known
        assert figures.centre.service_level_pct is None
