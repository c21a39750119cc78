"""The centre's own status vocabulary: Voicenter's names by default, renamed and added to."""

from __future__ import annotations

from pathlib import Path

import pytest

from wallboard.api.parse import parse_extensions
from wallboard.config import ConfigError, load_settings
from wallboard.core.agent_state import (
    BUILT_IN_STATUSES,
    StatusName,
    StatusVocabulary,
    status_look,
)
from wallboard.core.board import Board
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import build_snapshot


def test_built_in_names_are_voicenters() -> None:
    assert status_look(1).label == "Logged in"
    assert status_look(2).label == "Logged out"
    assert status_look(5).label == "Administrative time"
    assert status_look(13).label == "Briefing"


def test_a_centre_renames_a_built_in_code_and_names_a_new_one() -> None:
    vocabulary = StatusVocabulary(
        {9: StatusName("Callbacks due"), 14: StatusName("Callback", colour="#ff8800")}
    )
    other = vocabulary.status_look(9)
    assert (other.label, other.word, other.style) == ("Callbacks due", "CALLB", "status-other")
    custom = vocabulary.status_look(14)
    assert custom.label == "Callback"
    assert custom.style == "status-code-14"  # its own: a change 9 → 14 restarts the timer
    assert vocabulary.colours == {"status-code-14": "#ff8800"}
    assert vocabulary.custom_styles == ["status-code-14"]
    # The built-in vocabulary is untouched, and unknown codes stay visible.
    assert BUILT_IN_STATUSES.status_look(14).label == "Unknown (14)"
    assert vocabulary.status_look(15).label == "Unknown (15)"
    assert vocabulary.status_look(None).label == "Unknown (none)"


def test_a_word_and_a_name_from_outside_are_plain_and_short() -> None:
    vocabulary = StatusVocabulary({14: StatusName("\x1b[31mRed\x1b[0m alert", word="CB")})
    look = vocabulary.status_look(14)
    assert "\x1b" not in look.label
    assert look.word == "CB"


def _snapshot(status: int):
    wire = {
        "ERR": 0,
        "EXTENSIONS": [
            {"username": "sip1", "name": "Dana", "onlineUserStatus": status, "calls": []}
        ],
    }
    extensions, _ = parse_extensions(wire)
    return build_snapshot(
        extensions, (), [], fetched_at=1000.0, latency_s=0.0, estimator=ServerClockEstimator(0)
    )


def test_the_board_uses_the_centres_names_and_counts_them_away() -> None:
    board = Board(statuses=StatusVocabulary({14: StatusName("Callback")}))
    board.apply(_snapshot(14), 1000.0)
    (agent,) = board.agents
    assert (agent.label, agent.word) == ("Callback", "CALLB")
    assert board.totals.away == (("Callback", 1),)
    # From code 9 to 14 is a change of state: the timer starts again.
    board.apply(_snapshot(9), 1010.0)
    board.apply(_snapshot(14), 1020.0)
    assert board.agents[0].since_utc == 1020.0


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_with_a_custom_status(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        '[statuses."14"]\nname = "Callback"\ncolour = "#ff8800"\n'
        '[statuses."1"]\nname = "Ready"\n'
        '[statuses."3"]\ncolour = "orange"\nalert_after_s = 3600\n',
    )
    settings = load_settings(config_path=path)
    vocabulary = settings.status_vocabulary()
    assert vocabulary.status_look(14).label == "Callback"
    assert vocabulary.status_look(1).label == "Ready"
    assert vocabulary.status_look(3).label == "Lunch break"  # a colour alone keeps the name
    assert vocabulary.colours == {"status-code-14": "#ff8800", "status-lunch": "orange"}
    assert settings.alert_rules().status_after_s == {3: 3600}


def test_config_typo_in_a_status_names_the_nearest_key(tmp_path: Path) -> None:
    path = _config(tmp_path, '[statuses."14"]\nnmae = "Callback"\n')
    with pytest.raises(ConfigError, match=r"statuses\.14\.nmae.*did you mean `statuses\.14\.name`"):
        load_settings(config_path=path)


def test_config_refuses_a_colour_it_cannot_draw(tmp_path: Path) -> None:
    path = _config(tmp_path, '[statuses."14"]\nname = "Callback"\ncolour = "#12345"\n')
    with pytest.raises(ConfigError, match="not a colour"):
        load_settings(config_path=path)


def test_config_refuses_a_status_that_is_not_a_number(tmp_path: Path) -> None:
    path = _config(tmp_path, '[statuses.callback]\nname = "Callback"\n')
    with pytest.raises(ConfigError, match="named by its number"):
        load_settings(config_path=path)
