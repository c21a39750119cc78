"""The demo's warm-up: the simulated centre's earlier hours polled and counted, within a
wall-time budget that keeps the latest part of the span when the whole does not fit."""

from __future__ import annotations

import pytest

from wallboard.core.snapshot import Snapshot
from wallboard.sim.centre import CallCentre
from wallboard.sources.simulated_day import warm_up_day

START = 1_800_000_000.0


def test_every_step_is_polled_and_recorded_up_to_the_end() -> None:
    centre = CallCentre(seed=1, agents=20, queues=2, start=START)
    seen: list[Snapshot] = []
    done = warm_up_day(centre, seen.append, end=START + 600, step_s=4.0, budget_s=60.0)
    assert done.complete and done.polls == 150 == len(seen)
    assert [s.fetched_at for s in seen] == [START + 4.0 * n for n in range(1, 151)]
    assert done.reached == centre.now == START + 600
    assert len(seen[-1].extensions) == 20 and len(seen[-1].queues) == 2
    assert seen[-1].clock_offset_s == 0.0


def test_when_the_span_does_not_fit_the_budget_the_latest_part_is_counted() -> None:
    centre = CallCentre(seed=1, agents=20, queues=2, start=START)
    seen: list[Snapshot] = []
    # Each poll takes 0.01 s: 1 s of budget fits 100 of the 900.
    done = warm_up_day(
        centre,
        seen.append,
        end=START + 3600,
        step_s=4.0,
        budget_s=1.0,
        timer=lambda: len(seen) * 0.01,
    )
    assert not done.complete
    assert done.polls == len(seen) == 100
    assert seen[-1].fetched_at == START + 3600  # up to now: the live board continues it
    assert seen[19].fetched_at == START + 80  # 20 polls timed, then a skip ahead
    assert seen[20].fetched_at == START + 3600 - 4 * 79


def test_a_step_must_move_time() -> None:
    centre = CallCentre(seed=1, agents=5, queues=1, start=START)
    with pytest.raises(ValueError):
        warm_up_day(centre, lambda s: None, end=START + 60, step_s=0, budget_s=1)


def test_the_last_poll_is_at_the_end_itself() -> None:
    centre = CallCentre(seed=1, agents=5, queues=1, start=START)
    seen: list[Snapshot] = []
    done = warm_up_day(centre, seen.append, end=START + 9.5, step_s=4.0, budget_s=60.0)
    assert [s.fetched_at for s in seen] == [START + 4, START + 8, START + 9.5]
    assert done.complete and centre.now == START + 9.5
