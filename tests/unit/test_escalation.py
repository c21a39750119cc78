"""Long durations escalate by configurable steps, per state and per status code."""

from __future__ import annotations

from pathlib import Path

import pytest

from wallboard.config import ConfigError, load_settings
from wallboard.core.escalation import NO_ESCALATION, EscalationRules, steps_of

RULES = EscalationRules(
    by_style={"call-talking": (300, 900, 1800), "call-hold": (60, 120), "status-lunch": (600,)},
    by_status={3: (1800, 2700), 7: (600, 900, 1200)},
)


@pytest.mark.parametrize(
    ("seconds", "step"),
    [(0, 0), (299, 0), (300, 1), (899, 1), (900, 2), (1799, 2), (1800, 3), (3723, 3)],
)
def test_a_call_steps_up_at_each_threshold(seconds, step):
    assert RULES.step("call-talking", 1, seconds) == step


def test_a_status_code_has_its_own_steps_and_they_win_over_its_states():
    assert RULES.step("status-lunch", 3, 1799) == 0  # the code's 1800, not the style's 600
    assert RULES.step("status-lunch", 3, 1800) == 1
    assert RULES.step("status-lunch", 3, 9999) == 2  # two steps given: at most 2
    assert RULES.step("status-break", 7, 1200) == 3
    # Without steps for its code, a status uses its style's.
    assert RULES.step("status-lunch", 99, 600) == 1


def test_on_a_call_the_calls_state_decides_whatever_the_status():
    # An agent in "lunch" status who takes a call is timed as on a call.
    assert RULES.step("call-hold", 3, 61) == 1
    assert RULES.step("call-hold", 3, 10_000) == 2


def test_states_without_steps_never_escalate():
    assert RULES.step("status-available", 1, 10**6) == 0
    assert RULES.step("call-ringing", None, 10**6) == 0
    assert NO_ESCALATION.step("call-talking", 1, 10**6) == 0


def test_the_defaults_make_an_hour_long_call_stand_out_and_a_short_one_not():
    rules = EscalationRules()
    assert rules.step("call-talking", 1, 5) == 0
    assert rules.step("call-talking", 1, 3723) == 3  # 1:02:03
    assert rules.step("call-ringing", 1, 61) == 3
    assert rules.step("status-lunch", 3, 46 * 60) == 2


@pytest.mark.parametrize("bad", [[1, 2, 3, 4], [0, 10], [10, 5], [10, 10]])
def test_steps_must_be_at_most_three_positive_and_rising(bad):
    with pytest.raises(ValueError):
        steps_of(bad)


def test_the_config_sets_steps_per_state_and_per_status_code(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text(
        "[escalation]\ntalking_s = [300, 900, 1800]\nringing_s = [10, 20]\nhold_s = []\n"
        '[statuses."3"]\nescalate_s = [1800, 2700]\nalert_after_s = 3600\n'
    )
    rules = load_settings(config_path=config).escalation_rules()
    assert rules.step("call-talking", 1, 900) == 2
    assert rules.step("call-ringing", 1, 25) == 2
    assert rules.step("call-hold", 1, 10**5) == 0  # [] switches it off
    assert rules.step("status-lunch", 3, 2700) == 2
    assert rules.step("status-break", 7, 600) == 1  # the built-in default stays


def test_without_config_the_built_in_steps_apply(tmp_path: Path):
    config = tmp_path / "c.toml"
    config.write_text("")
    assert load_settings(config_path=config).escalation_rules() == EscalationRules()


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[escalation]\ntalking = [300]\n", "did you mean `escalation.talking_s`"),
        ("[escalation]\ntalking_s = [900, 300]\n", "escalation.talking_s"),
        ('[statuses."3"]\nescalate = [60]\n', "did you mean `statuses.3.escalate_s`"),
        ('[statuses."3"]\nescalate_s = [1, 2, 3, 4]\n', "statuses.3.escalate_s"),
    ],
)
def test_a_wrong_escalation_setting_is_named(tmp_path: Path, toml, problem):
    config = tmp_path / "c.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config)
    assert problem in str(caught.value)
