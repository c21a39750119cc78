"""Fault profiles: the spec syntax, forced faults, seeded draws, outages and schema drift."""

from __future__ import annotations

import copy
import random

import pytest

from wallboard.sim.centre import CallCentre
from wallboard.sim.faults import (
    CHAOS,
    FaultKind,
    FaultProfile,
    drift_extensions,
    drift_queues,
)


def test_none_and_empty_specs_mean_no_faults() -> None:
    for spec in ("none", "", None, " none "):
        profile = FaultProfile.parse(spec)
        assert profile.probabilities == {}
        assert all(profile.draw(float(i)) is None for i in range(1000))
        assert profile.describe() == "none"


def test_chaos_mixes_every_kind_and_takes_overrides() -> None:
    assert set(FaultProfile.parse("chaos").probabilities) == set(FaultKind)
    profile = FaultProfile.parse("chaos, hang=0, down_seconds=5")
    assert profile.probabilities[FaultKind.HANG] == 0
    assert profile.probabilities[FaultKind.SLOW] == CHAOS[FaultKind.SLOW]
    assert profile.down_seconds == 5


def test_a_spec_lists_kinds_with_probabilities_and_durations() -> None:
    profile = FaultProfile.parse(
        "http_500_html=0.1,hang=0.02,truncated_json=0.05,hang_seconds=3,slow_seconds=0.5"
    )
    assert profile.probabilities == {
        FaultKind.HTTP_500_HTML: 0.1,
        FaultKind.HANG: 0.02,
        FaultKind.TRUNCATED_JSON: 0.05,
    }
    assert (profile.hang_seconds, profile.slow_seconds) == (3, 0.5)
    assert profile.describe() == "http_500_html=0.1,hang=0.02,truncated_json=0.05"


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("bogus=0.1", "unknown fault kind 'bogus'"),
        ("hang", "bad fault spec item 'hang'"),
        ("hang=lots", "bad number 'lots'"),
        ("hang=1.5", "within 0..1"),
        ("hang=0.6,reset=0.6", "more than 1"),
        ("hang_seconds=-1", "hang_seconds"),
    ],
)
def test_a_bad_spec_says_what_is_wrong_and_what_is_valid(spec: str, complaint: str) -> None:
    with pytest.raises(ValueError) as raised:
        FaultProfile.parse(spec)
    message = str(raised.value)
    assert complaint in message
    if "kind" in complaint or "item" in complaint or "number" in complaint:
        assert all(kind.value in message for kind in FaultKind)


def test_forced_faults_come_first_in_order_then_the_random_mix_resumes() -> None:
    profile = FaultProfile({FaultKind.SLOW: 1.0})
    profile.force(FaultKind.RESET, count=2)
    profile.force("err_2")
    assert [profile.draw(0.0) for _ in range(4)] == [
        FaultKind.RESET,
        FaultKind.RESET,
        FaultKind.ERR_2,
        FaultKind.SLOW,
    ]


def test_draws_are_seeded_and_follow_the_probabilities() -> None:
    def draws(seed: int) -> list[FaultKind | None]:
        profile = FaultProfile.parse("http_500_html=0.1,err_2=0.2", seed=seed)
        return [profile.draw(0.0) for _ in range(10_000)]

    first = draws(3)
    assert first == draws(3)
    assert first != draws(4)
    assert 800 < first.count(FaultKind.HTTP_500_HTML) < 1200
    assert 1700 < first.count(FaultKind.ERR_2) < 2300


def test_server_down_refuses_everything_for_its_duration() -> None:
    profile = FaultProfile(down_seconds=10)
    profile.force(FaultKind.SERVER_DOWN)
    assert profile.draw(100.0) is FaultKind.SERVER_DOWN
    assert profile.draw(105.0) is FaultKind.SERVER_DOWN
    assert profile.draw(109.9) is FaultKind.SERVER_DOWN
    assert profile.draw(110.0) is None
    profile.force(FaultKind.SERVER_DOWN)
    assert profile.draw(200.0) is FaultKind.SERVER_DOWN
    profile.end_outage()
    assert profile.draw(201.0) is None


def test_schema_drift_mangles_types_and_names_without_touching_the_model() -> None:
    centre = CallCentre(start=1_700_000_000)
    extensions = centre.extensions_payload()
    pristine = copy.deepcopy(extensions)
    drift_extensions(extensions, random.Random(1))
    assert centre.extensions_payload() == pristine  # the model's own data is untouched
    assert len(extensions) == len(pristine)
    statuses = [e.get("onlineUserStatus") for e in extensions]
    assert 42 in statuses and any(isinstance(s, str) for s in statuses)
    assert any(isinstance(e["userID"], str) for e in extensions)
    assert any("username" not in e for e in extensions)
    assert any(e["extensionID"] is None for e in extensions)
    assert any("queueMemberships" in e for e in extensions)
    assert any("Representative" in e for e in extensions)
    calls = [c for e in extensions for c in e["calls"]]
    assert any(c["customdata"] == [] and c["recording"] == [] for c in calls)
    assert any(c["callstatus"] == 3 for c in calls)
    assert any(c["callstatus"] in ("talking", "ringing", "dialing", "hold") for c in calls)
    assert any(isinstance(c["callStarted"], str) for c in calls)
    assert any(c["callAnswered"] is None for c in calls)
    assert any("callername" not in c for c in calls)

    queues = centre.queues_payload()
    drift_queues(queues, random.Random(1))
    assert any(isinstance(q["ID"], str) for q in queues)
    assert any(q["Weight"] is None for q in queues)
    assert any("Strategy" in q for q in queues)
    callers = [c for q in queues for c in q["Callers"]]
    assert any(isinstance(c["Duration"], str) for c in callers)
    assert any(isinstance(c["JoinTime"], str) for c in callers)
    assert any("CallID" not in c for c in callers)
    assert any(c["Phone"] is None for c in callers)


def test_schema_drift_copes_with_one_item_or_none() -> None:
    centre = CallCentre(start=1_700_000_000)
    one = centre.extensions_payload()[:1]
    drift_extensions(one, random.Random(2))
    assert len(one) == 1
    drift_extensions([], random.Random(2))
    drift_queues([], random.Random(2))
    drift_queues([{"Name": "Q", "ID": 1, "Weight": 0, "Callers": []}], random.Random(2))
