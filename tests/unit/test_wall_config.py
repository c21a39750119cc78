"""`wall_rotate_s` and `wall_view` from the config file reach the board's options."""

from __future__ import annotations

from pathlib import Path

import pytest

from wallboard.config import ConfigError, load_settings
from wallboard.launch import board_options


def settings_from(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(config_path=path)


def test_the_wall_rotates_every_15_s_by_default(tmp_path: Path) -> None:
    options = board_options(settings_from(tmp_path, ""))
    assert options.wall_rotate_s == 15.0
    assert options.wall_view == "rotate"


def test_the_config_sets_the_time_and_pins_a_view(tmp_path: Path) -> None:
    options = board_options(settings_from(tmp_path, 'wall_rotate_s = 30\nwall_view = "agents"\n'))
    assert options.wall_rotate_s == 30.0
    assert options.wall_view == "agents"


@pytest.mark.parametrize("text", ['wall_view = "queues"\n', "wall_rotate_s = 0\n"])
def test_a_view_that_does_not_exist_or_no_time_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises((ConfigError, ValueError)):
        settings_from(tmp_path, text)
