"""The wall's views take turns every few seconds; a key or the config pins one."""

from __future__ import annotations

import pytest

from wallboard.core.wall_rotation import WALL_VIEWS, WallRotation


def views_over(rotation: WallRotation, start: float, seconds: int) -> list[str]:
    """The view after each second from `start` (one update a second, as the tick does)."""
    seen = []
    for second in range(1, seconds + 1):
        rotation.update(start + second)
        seen.append(rotation.view)
    return seen


def test_the_views_take_turns_in_order_each_for_its_time() -> None:
    rotation = WallRotation(100.0, every_s=15)
    assert rotation.view == "centre" and not rotation.pinned
    seen = views_over(rotation, 100.0, 46)
    assert seen[:14] == ["centre"] * 14
    assert seen[14:29] == ["agents"] * 15
    assert seen[29:44] == ["ticker"] * 15
    assert seen[44:] == ["centre", "centre"]


def test_update_says_when_the_view_changed() -> None:
    rotation = WallRotation(0.0, every_s=5)
    assert rotation.update(4.9) is False
    assert rotation.update(5.0) is True
    assert rotation.update(5.1) is False


def test_a_long_gap_moves_one_view_never_skips_one() -> None:
    rotation = WallRotation(0.0, every_s=5)
    assert rotation.update(3600.0)
    assert rotation.view == "agents"


def test_pinning_keeps_the_view_and_unpinning_gives_it_its_full_time_again() -> None:
    rotation = WallRotation(0.0, every_s=10)
    rotation.update(10.0)
    assert rotation.view == "agents"
    assert rotation.toggle_pin(12.0) is True
    assert rotation.seconds_left(12.0) is None
    assert views_over(rotation, 12.0, 100) == ["agents"] * 100
    assert rotation.toggle_pin(112.0) is False
    assert rotation.seconds_left(115.0) == pytest.approx(7.0)
    assert not rotation.update(121.9)
    assert rotation.update(122.0) and rotation.view == "ticker"


@pytest.mark.parametrize("view", WALL_VIEWS)
def test_the_config_pins_a_view_from_the_start(view: str) -> None:
    rotation = WallRotation(0.0, every_s=2, start=view)
    assert rotation.view == view and rotation.pinned
    assert views_over(rotation, 0.0, 30) == [view] * 30


def test_a_clock_going_back_restarts_the_count_rather_than_freezing_the_wall() -> None:
    rotation = WallRotation(1000.0, every_s=5)
    assert not rotation.update(10.0)  # went back 990 s: count from here
    assert not rotation.update(14.0)
    assert rotation.update(15.0) and rotation.view == "agents"


def test_restart_gives_the_view_its_full_time() -> None:
    rotation = WallRotation(0.0, every_s=5)
    rotation.restart(4.0)
    assert not rotation.update(8.0)
    assert rotation.update(9.0)


@pytest.mark.parametrize(("every_s", "start"), [(0, "rotate"), (-1, "rotate"), (5, "queues")])
def test_nonsense_is_refused(every_s: float, start: str) -> None:
    with pytest.raises(ValueError):
        WallRotation(0.0, every_s=every_s, start=start)


def test_a_view_with_pages_stays_until_each_has_had_its_time():
    rotation = WallRotation(0.0, every_s=15)
    assert rotation.update(15.0) and rotation.view == "agents"
    assert not rotation.update(15.0 + 20, stay_s=24)  # three pages of 8 s: not yet
    assert rotation.update(15.0 + 24, stay_s=24) and rotation.view == "ticker"
    assert not rotation.update(39.0 + 14, stay_s=5)  # shorter than every_s: every_s holds
