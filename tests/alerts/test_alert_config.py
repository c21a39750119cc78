"""The alert settings as a user writes them: the README's example loads, typos are named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wallboard.config import ConfigError, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_alert_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Alerts") :]
    return re.search(r"```toml\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def test_the_readmes_alert_example_loads_as_written(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(readme_alert_example())
    settings = load_settings(config_path=config)
    rules = settings.alert_rules()
    assert rules.for_queue(5001, "Support").wait_alert_s == 120
    assert rules.for_queue(5001, "Support").waiting_alert == 5
    assert rules.for_queue(9, "VIP").wait_alert_s == 30
    assert rules.for_queue(9, "Other").wait_alert_s == 180
    assert rules.status_after_s == {3: 2700, 7: 900}
    assert rules.recording_required and rules.long_call_s == 2700
    assert settings.alerts.command == ["notify-me", "--room", "floor-2"]


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('[alerts]\ndesktop = "loud"\n', "alerts.desktop"),
        ("[alerts]\nrenotify = 300\n", "alerts.renotify"),
        ('[alerts]\ncommand = "notify-me --room 2"\n', "alerts.command"),
        ("[alerts]\ncommand = []\n", "alerts.command"),
        ('[statuses."lunch"]\nalert_after_s = 60\n', "statuses"),
        ('[statuses."3"]\nalert_after = 60\n', "statuses.3.alert_after"),
        ('[queues."5001"]\nwait_alert = 60\n', "queues.5001.wait_alert"),
    ],
)
def test_a_wrong_alert_setting_is_named(tmp_path, toml, problem):
    config = tmp_path / "c.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config)
    assert problem in str(caught.value)
