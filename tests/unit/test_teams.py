"""Teams from the config: membership, the grid's sections, filters, per-queue counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from wallboard.api.parse import parse_extensions, parse_queues
from wallboard.config import ConfigError, load_settings
from wallboard.core.board import Board
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import build_snapshot
from wallboard.core.teams import NO_TEAM, QueueStaff, Team, Teams


def _call(state: str) -> dict:
    return {"callstatus": state, "callStarted": 90, "callAnswered": 95, "callerphone": "0501"}


def board() -> Board:
    wire = {
        "ERR": 0,
        "EXTENSIONS": [
            {"username": "sip1", "name": "Avi", "onlineUserStatus": 1, "calls": []},
            {"username": "sip2", "name": "Dana Levi", "onlineUserStatus": 1,
             "calls": [_call("Talking")]},
            {"username": "sip3", "name": "Danny", "onlineUserStatus": 3, "calls": []},
            {"username": "sip4", "name": "Ext 4", "representative": "Dalia",
             "onlineUserStatus": 1, "calls": []},
            {"username": "sip5", "name": "Moshe", "onlineUserStatus": 2, "calls": []},
            {"username": "sip6", "name": "Zoe", "onlineUserStatus": 7, "calls": []},
        ],
    }  # fmt: skip
    queues = {
        "ERR": 0,
        "QUEUES": [
            {"ID": 5001, "Name": "Support", "Callers": []},
            {"ID": 5002, "Name": "Sales", "Callers": []},
            {"ID": 5003, "Name": "Billing", "Callers": []},
        ],
    }
    extensions, _ = parse_extensions(wire)
    parsed_queues, _ = parse_queues(queues)
    snapshot = build_snapshot(
        extensions, parsed_queues, [], fetched_at=100.0, latency_s=0.0,
        estimator=ServerClockEstimator(0),
    )  # fmt: skip
    result = Board()
    result.apply(snapshot, 100.0)
    return result


TEAMS = Teams(
    [
        Team("Support", ("sip1", "Dan*"), ("5001",)),
        Team("Sales", ("da*", "sip5"), ("Sales", "Billing")),
    ]
)


def test_membership_by_sip_id_and_name_pattern() -> None:
    agents = {a.username: a for a in board().agents}
    assert TEAMS.teams_of(agents["sip1"]) == ("Support",)
    assert TEAMS.teams_of(agents["sip2"]) == ("Support", "Sales")  # Dana: both patterns
    assert TEAMS.teams_of(agents["sip3"]) == ("Support", "Sales")  # Danny
    assert TEAMS.teams_of(agents["sip4"]) == ("Sales",)  # by the representative, Dalia
    assert TEAMS.teams_of(agents["sip5"]) == ("Sales",)
    assert TEAMS.teams_of(agents["sip6"]) == ()


def test_sections_follow_the_config_and_keep_the_order_given() -> None:
    agents = list(board().agents)[::-1]  # any order the sort chose
    sections = TEAMS.sections(agents)
    assert [s.title for s in sections] == ["Support", "Sales", NO_TEAM]
    assert [a.username for a in sections[0].agents] == ["sip3", "sip2", "sip1"]
    assert [a.username for a in sections[1].agents] == ["sip5", "sip4", "sip3", "sip2"]
    assert [a.username for a in sections[2].agents] == ["sip6"]
    assert sections[0].shared == {"sip2", "sip3"}  # in both teams: marked under each
    assert sections[2].shared == frozenset()


def test_no_teams_no_sections_of_teams() -> None:
    agents = list(board().agents)
    assert not Teams()
    assert [s.title for s in Teams().sections(agents)] == [NO_TEAM]


def test_counts_for_a_mapped_queue() -> None:
    agents = board().agents
    # Support (5001): Avi available, Dana talking, Danny at lunch.
    assert TEAMS.counts_for_queue(5001, "Support", agents) == QueueStaff(1, 1, 1)
    # Sales by name; Billing too: Dana busy, Danny away, Dalia available, Moshe logged out.
    assert TEAMS.counts_for_queue(5002, "Sales", agents) == QueueStaff(1, 1, 1)
    assert TEAMS.counts_for_queue("5003", "billing", agents) == QueueStaff(1, 1, 1)
    assert TEAMS.counts_for_queue(5009, "Other", agents) is None


def test_a_filter_naming_a_team_or_a_queue() -> None:
    b = board()
    assert TEAMS.chosen_by("support", b.queues) == {"Support"}
    assert TEAMS.chosen_by("5002", b.queues) == {"Sales"}
    assert TEAMS.chosen_by("Billing", b.queues) == {"Sales"}
    assert TEAMS.chosen_by("Dana", b.queues) is None  # a name: the usual filter
    chosen = TEAMS.chosen_by("5001", b.queues)
    assert chosen is not None
    assert [a.username for a in TEAMS.members(b.agents, chosen)] == ["sip1", "sip2", "sip3"]


def test_teams_from_the_config_and_a_typo(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[teams.Support]\nagents = ["sip1", "Dana*"]\nqueues = ["5001", "Support"]\n'
        '[teams."Night shift"]\nagents = ["sip9"]\n',
        encoding="utf-8",
    )
    teams = load_settings(config_path=path).team_rules()
    assert teams.names == ("Support", "Night shift")
    assert teams.teams[0] == Team("Support", ("sip1", "Dana*"), ("5001", "Support"))
    path.write_text('[teams.Support]\nqueue = ["5001"]\n', encoding="utf-8")
    hint = r"teams\.Support\.queue`; did you mean `teams\.Support\.queues"
    with pytest.raises(ConfigError, match=hint):
        load_settings(config_path=path)
