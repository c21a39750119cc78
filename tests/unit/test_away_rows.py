"""The totals' away list: every reason shown, wrapped between reasons, never cut inside one."""

from __future__ import annotations

from rich.cells import cell_len

from wallboard.ui.widgets.totals import MAX_AWAY_ROWS, away_rows


def test_every_reason_is_shown_whole_when_the_list_wraps() -> None:
    items = [
        f"{name} 1"
        for name in (
            "Administrative time",
            "Briefing",
            "Lunch break",
            "Other",
            "Short break",
            "Team meeting",
            "Training",
            "Unknown (42)",
        )
    ]
    for width in (78, 100, 158, 238):
        rows = away_rows(items, width)
        assert rows[0].startswith("Away: ")
        assert all(cell_len(row) <= width for row in rows)
        joined = " · ".join(row.strip().removeprefix("Away: ") for row in rows)
        assert joined.split(" · ") == items  # all there, in order, none cut
    assert len(away_rows(items, 238)) == 1


def test_no_reasons_no_rows_and_too_many_say_so() -> None:
    assert away_rows([], 80) == ()
    rows = away_rows([f"Reason number {n} 1" for n in range(40)], 60)
    assert len(rows) == MAX_AWAY_ROWS and rows[-1].endswith(" …")
