"""The wire models and parser read what Voicenter really sends, quirks and all."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from wallboard.api.errors import ApiError, AuthorizationError, ProtocolError
from wallboard.api.models import Call, CallState, Extension, Queue, QueueCaller, status_label
from wallboard.api.parse import parse_extensions, parse_queues


def ext_payload(*extensions: Any) -> dict[str, Any]:
    return {"ERR": 0, "DESC": "OK", "EXTENSIONS": list(extensions)}


def queue_payload(*queues: Any) -> dict[str, Any]:
    return {"ERR": 0, "DESC": "OK", "QUEUES": list(queues)}


def a_call(**fields: Any) -> dict[str, Any]:
    call = {
        "callStarted": 1602465818,
        "callAnswered": 1602465819,
        "answered": 1,
        "callername": "Voicenter",
        "callerphone": "0722776772",
        "callstatus": "Talking",
        "customdata": {},
        "direction": "Outgoing",
        "ivrid": "2020101201cc7b38df",
        "recording": {"Filename": "x.mp3", "IsMuted": 0},
        "did": "",
    }
    call.update(fields)
    return call


def an_extension(username: str = "SIPSIP1", **fields: Any) -> dict[str, Any]:
    ext = {
        "name": f"User {username}",
        "representative": f"Rep {username}",
        "username": username,
        "extensionID": 875756567,
        "userID": 6946792,
        "onlineUserID": 6946792,
        "onlineUserStatus": 1,
        "calls": [],
    }
    ext.update(fields)
    return ext


def one_call(call_fields: dict[str, Any]) -> Call:
    extensions, skipped = parse_extensions(ext_payload(an_extension(calls=[call_fields])))
    assert skipped == []
    (extension,) = extensions
    (call,) = extension.calls
    return call


# --- the vendor's samples -------------------------------------------------------------------


def test_vendor_extensions_sample_reads_every_field(load_fixture):
    extensions, skipped = parse_extensions(load_fixture("GetExtensionsCalls.json"))

    assert skipped == []
    first, second = extensions
    assert first.username == "SIPSIP1"
    assert first.name == "User 1"
    assert first.representative == "User 1"
    assert first.extension_id == 875756567
    assert first.user_id == 6946792
    assert first.online_user_id == 0
    assert first.status == 2
    assert first.status_label == "Logged out"
    assert first.calls == ()

    assert second.username == "SIPSIP2"
    assert second.online_user_id == 46454322
    assert second.status == 1
    assert second.status_label == "Logged in"
    (call,) = second.calls
    assert call.call_started == 1602465818
    assert call.call_answered == 1602465819
    assert call.answered == 1
    assert call.is_answered
    assert call.caller_name == "Voicenter"
    assert call.caller_phone == "0722776772"
    assert call.state is CallState.TALKING
    assert call.custom_data == {}
    assert call.direction == "Outgoing"
    assert call.ivr_id == "2020101201cc7b38df"
    assert call.recording.filename == "2020101201cc7b38df-aws-SIPSIP2-972722776772.mp3"
    assert call.recording.is_muted == 0
    assert call.recording.recorded is True
    assert call.did == ""
    assert call.transferred_from is None


def test_vendor_queues_sample_reads_every_field(load_fixture):
    queues, skipped = parse_queues(load_fixture("GetQueuesCallers.json"))

    assert skipped == []
    first, second = queues
    assert (first.queue_id, first.name, first.weight) == (12345678, "QUEUE 1", 5)
    assert [(c.phone, c.call_id, c.join_time, c.duration) for c in first.callers] == [
        ("0722776772", "202010131430590714966", 1602599565, 21),
        ("0501234567", "202010131433000d14cc4b", 1602599583, 3),
    ]
    assert (second.queue_id, second.name, second.weight, second.callers) == (
        87654321,
        "QUEUE 2",
        0,
        (),
    )


def test_wrong_code_sample_is_an_authorization_error_that_mentions_authorized_ips(load_fixture):
    payload = load_fixture("AuthorizationFailed.json")
    for parse in (parse_extensions, parse_queues):
        with pytest.raises(AuthorizationError) as caught:
            parse(payload)
        assert "Authorized IPs" in caught.value.message
        assert caught.value.exit_code == 3


def test_internal_error_sample_is_an_api_error(load_fixture):
    payload = load_fixture("InternalError.json")
    for parse in (parse_extensions, parse_queues):
        with pytest.raises(ApiError) as caught:
            parse(payload)
        assert not isinstance(caught.value, AuthorizationError)
        assert caught.value.exit_code == 4


# --- PHP-style type drift ------------------------------------------------------------------


def test_ints_that_arrive_as_strings_or_floats_are_read_as_ints():
    extensions, skipped = parse_extensions(
        ext_payload(
            an_extension(
                userID="6946792",
                onlineUserID=" 46454322 ",
                extensionID=875756567.0,
                onlineUserStatus="1",
                calls=[a_call(callStarted="1602465818", callAnswered=1602465819.0, answered="1")],
            )
        )
    )
    assert skipped == []
    (ext,) = extensions
    assert (ext.user_id, ext.online_user_id, ext.extension_id, ext.status) == (
        6946792,
        46454322,
        875756567,
        1,
    )
    (call,) = ext.calls
    assert (call.call_started, call.call_answered, call.answered) == (1602465818, 1602465819, 1)

    queues, skipped = parse_queues(
        queue_payload(
            {
                "ID": "12345678",
                "Name": "Q",
                "Weight": 12.0,
                "Callers": [
                    {"Phone": 722776772, "CallID": 5, "JoinTime": "1602599565", "Duration": "21"}
                ],
            }
        )
    )
    assert skipped == []
    (queue,) = queues
    assert (queue.queue_id, queue.weight) == (12345678, 12)
    (caller,) = queue.callers
    assert (caller.phone, caller.call_id, caller.join_time, caller.duration) == (
        "722776772",
        "5",
        1602599565,
        21,
    )


def test_empty_objects_sent_as_empty_lists_are_empty_objects():
    call = one_call(a_call(customdata=[], recording=[]))
    assert call.custom_data == {}
    assert call.recording.filename == ""
    assert call.recording.is_muted is None
    assert call.recording.recorded is None


def test_null_and_missing_fields_take_neutral_defaults():
    call = one_call(
        {
            "callstatus": "Ringing",
            "customdata": None,
            "recording": None,
            "callername": None,
            "did": None,
            "callAnswered": None,
        }
    )
    assert call.state is CallState.RINGING
    assert call.custom_data == {}
    assert call.recording.recorded is None
    assert call.caller_name == ""
    assert call.did == ""
    assert call.call_answered is None
    assert call.call_started is None
    assert not call.is_answered

    extensions, skipped = parse_extensions(
        ext_payload({"username": "LONELY", "name": None, "calls": None, "userID": ""})
    )
    assert skipped == []
    (ext,) = extensions
    assert ext.name == ""
    assert ext.user_id is None
    assert ext.status is None
    assert ext.status_label == "Unknown (none)"
    assert ext.calls == ()
    assert ext.agent_name == "LONELY"


def test_agent_name_prefers_representative_then_extension_name_then_sip_id():
    assert Extension.model_validate(an_extension("S1")).agent_name == "Rep S1"
    assert Extension.model_validate(an_extension("S1", representative="")).agent_name == "User S1"
    bare = Extension.model_validate(an_extension("S1", representative=None, name=None))
    assert bare.agent_name == "S1"


@pytest.mark.parametrize(
    ("wire", "state"),
    [
        (1, CallState.RINGING),
        (2, CallState.DIALING),
        (3, CallState.TALKING),
        (4, CallState.HOLD),
        ("1", CallState.RINGING),
        ("2", CallState.DIALING),
        ("3", CallState.TALKING),
        ("4", CallState.HOLD),
        (" 3 ", CallState.TALKING),
        ("Ringing", CallState.RINGING),
        ("dialing", CallState.DIALING),
        ("TALKING", CallState.TALKING),
        ("hold", CallState.HOLD),
        ("HoLd", CallState.HOLD),
    ],
)
def test_call_status_is_read_as_number_numeric_text_or_name_in_any_case(wire, state):
    assert one_call(a_call(callstatus=wire)).state is state


def test_call_status_sent_as_a_float_is_read_like_the_int():
    assert one_call(a_call(callstatus=3.0)).state is CallState.TALKING


def test_unknown_call_status_is_kept_as_text_so_the_call_still_shows():
    call = one_call(a_call(callstatus="Parked"))
    assert call.state == "Parked"
    assert not isinstance(call.state, CallState)
    assert one_call(a_call(callstatus=7)).state == "7"
    assert one_call(a_call(callstatus="x" * 500)).state == "x" * 24


@pytest.mark.parametrize("wire", [42, "42", 42.0])
def test_unknown_agent_status_is_kept_and_labelled_unknown(wire):
    (ext,), skipped = parse_extensions(ext_payload(an_extension(onlineUserStatus=wire)))
    assert skipped == []
    assert ext.status == 42
    assert ext.status_label == "Unknown (42)"


def test_every_documented_status_has_a_label():
    labels = {code: status_label(code) for code in (1, 2, 3, 5, 7, 9, 11, 12, 13)}
    assert labels[1] == "Logged in"
    assert labels[2] == "Logged out"
    assert not any(label.startswith("Unknown") for label in labels.values())
    assert status_label(4) == "Unknown (4)"
    assert status_label(0) == "Unknown (0)"


def test_undocumented_fields_are_kept():
    (ext,), _ = parse_extensions(
        ext_payload(an_extension(newField="hello", calls=[a_call(queueName="Sales", x=[1])]))
    )
    assert ext.model_extra == {"newField": "hello"}
    assert ext.calls[0].model_extra == {"queueName": "Sales", "x": [1]}
    (queue,), _ = parse_queues(
        queue_payload(
            {"ID": 1, "Callers": [{"JoinTime": 1602599565, "Position": 1}], "Strategy": "rr"}
        )
    )
    assert queue.model_extra == {"Strategy": "rr"}
    assert queue.callers[0].model_extra == {"Position": 1}


@pytest.mark.parametrize(
    ("recording", "recorded"),
    [
        ({"Filename": "a.mp3", "IsMuted": 0}, True),
        ({"Filename": "a.mp3", "IsMuted": "0"}, True),
        ({"Filename": "a.mp3", "IsMuted": 1}, False),
        ({"Filename": "a.mp3", "IsMuted": "1"}, False),
        ({"Filename": "a.mp3"}, None),
        ({"Filename": "a.mp3", "IsMuted": None}, None),
        ([], None),
    ],
)
def test_is_muted_zero_means_the_call_is_recorded(recording, recorded):
    assert one_call(a_call(recording=recording)).recording.recorded is recorded


def test_original_ivr_unique_id_says_where_a_transferred_call_came_from():
    call = one_call(a_call(customdata={"OriginalIvrUniqueID": "2020101201aaaa", "crm": 7}))
    assert call.transferred_from == "2020101201aaaa"
    assert call.custom_data["crm"] == 7
    assert one_call(a_call(customdata={"OriginalIvrUniqueID": 123})).transferred_from == "123"
    assert one_call(a_call(customdata={"OriginalIvrUniqueID": ""})).transferred_from is None
    assert one_call(a_call(customdata={})).transferred_from is None


def test_customdata_keeps_arbitrary_nested_values():
    nested: dict[str, Any] = {"leaf": "ok"}
    for depth in range(50):
        nested = {f"level{depth}": nested, "list": [1, "two", None]}
    call = one_call(a_call(customdata=nested))
    assert call.custom_data == nested


def test_answered_flag_counts_only_when_no_answer_time_is_given():
    assert one_call(a_call(callAnswered=0, answered=1)).is_answered is False
    assert one_call(a_call(callAnswered=None, answered=1)).is_answered is True
    assert one_call(a_call(callAnswered=1602465819, answered=0)).is_answered is True


def test_models_are_immutable():
    ext = Extension.model_validate(an_extension())
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError
        ext.username = "other"  # type: ignore[misc]


# --- one bad item never drops the rest -------------------------------------------------------


def test_one_bad_extension_is_skipped_and_reported_while_the_rest_stands():
    payload = ext_payload(
        an_extension("GOOD1"),
        {"name": "no sip id", "calls": []},
        an_extension("GOOD2"),
        "not an extension",
    )
    extensions, skipped = parse_extensions(payload)

    assert [ext.username for ext in extensions] == ["GOOD1", "GOOD2"]
    assert [item.where for item in skipped] == ["EXTENSIONS[1]", "EXTENSIONS[3]"]
    assert "username" in skipped[0].reason
    assert "not an object" in skipped[1].reason
    assert str(skipped[0]).startswith("EXTENSIONS[1]: ")


def test_one_bad_call_does_not_drop_the_extension_or_its_other_calls():
    payload = ext_payload(
        an_extension(
            "SIPSIP2",
            calls=[
                a_call(ivrid="good-1"),
                a_call(ivrid="good-2", callstatus="hold"),
                a_call(ivrid="bad", callStarted="yesterday"),
                17,
            ],
        )
    )
    extensions, skipped = parse_extensions(payload)

    (ext,) = extensions
    assert [call.ivr_id for call in ext.calls] == ["good-1", "good-2"]
    wheres = [item.where for item in skipped]
    assert wheres[0].startswith("EXTENSIONS[0]")
    assert ".calls[2]" in wheres[0]
    assert "callStarted" in skipped[0].reason
    assert wheres[1].startswith("EXTENSIONS[0]")
    assert wheres[1].endswith(".calls[3]")
    assert "not an object (int)" in skipped[1].reason


def test_calls_that_are_not_a_list_are_reported_and_the_agent_still_shows():
    (ext,), skipped = parse_extensions(ext_payload(an_extension("S9", calls=0)))
    assert ext.username == "S9"
    assert ext.calls == ()
    (item,) = skipped
    assert item.where.endswith(".calls")
    assert "not a list" in item.reason


def test_one_bad_queue_or_caller_is_skipped_and_reported_while_the_rest_stands():
    payload = queue_payload(
        {
            "ID": 1,
            "Name": "Sales",
            "Callers": [
                {"Phone": "050", "CallID": "c1", "JoinTime": 1602599600, "Duration": 5},
                {"Phone": "051", "CallID": "c2"},
                {"Phone": "052", "CallID": "c3", "JoinTime": 1602599590, "Duration": 15},
            ],
        },
        {"Name": "no id"},
        {"ID": "abc", "Name": "bad id"},
        {"ID": 2, "Name": "Support", "Callers": []},
    )
    queues, skipped = parse_queues(payload)

    assert [q.queue_id for q in queues] == [1, 2]
    assert [c.call_id for c in queues[0].callers] == ["c1", "c3"]
    wheres = [item.where for item in skipped]
    assert wheres[0].startswith("QUEUES[0]")
    assert ".Callers[1]" in wheres[0]
    assert wheres[1] == "QUEUES[1]"
    assert wheres[2].startswith("QUEUES[2]")
    assert "JoinTime" in skipped[0].reason
    assert "ID" in skipped[1].reason


def test_skip_reasons_are_short_and_never_echo_the_bad_value():
    huge = "\x1b[31m" + "A" * 100_000
    (ext,), skipped = parse_extensions(
        ext_payload(an_extension(calls=[a_call(callStarted=huge), a_call()]))
    )
    assert len(ext.calls) == 1
    (item,) = skipped
    assert len(item.reason) <= 120
    assert "AAAA" not in item.reason
    assert "\x1b" not in str(item)


def test_a_hostile_identity_is_not_put_into_the_skip_location():
    (_, skipped) = parse_extensions(
        ext_payload(an_extension(username="\x1b]0;pwned\x07", onlineUserStatus="busy"))
    )
    (item,) = skipped
    assert item.where == "EXTENSIONS[0]"


def test_item_lists_sent_as_objects_are_read_as_their_values():
    extensions, skipped = parse_extensions(
        {"ERR": 0, "EXTENSIONS": {"a": an_extension("A"), "b": an_extension("B")}}
    )
    assert skipped == []
    assert [ext.username for ext in extensions] == ["A", "B"]
    queues, skipped = parse_queues(
        {"ERR": 0, "QUEUES": {"7": {"ID": 7, "Callers": {"x": {"JoinTime": 1602599565}}}}}
    )
    assert skipped == []
    assert queues[0].callers[0].join_time == 1602599565


def test_the_parser_does_not_change_its_input():
    payload = ext_payload(an_extension(calls=[a_call(), "junk"]))
    before = copy.deepcopy(payload)
    parse_extensions(payload)
    assert payload == before


# --- the envelope ----------------------------------------------------------------------------


@pytest.mark.parametrize("err", [1, "1", 1.0])
def test_err_1_is_an_authorization_failure(err):
    with pytest.raises(AuthorizationError, match="Authorized IPs"):
        parse_extensions({"ERR": err, "DESC": "Authorization failed"})
    with pytest.raises(AuthorizationError):
        parse_queues({"ERR": err, "DESC": "Authorization failed", "QUEUES": []})


@pytest.mark.parametrize("err", [2, "2", 99])
def test_err_2_and_other_errors_are_api_errors(err):
    with pytest.raises(ApiError) as caught:
        parse_extensions({"ERR": err, "DESC": "Internal error", "EXTENSIONS": []})
    assert type(caught.value) is ApiError


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        [{"ERR": 0}],
        "OK",
        42,
        {"ERR": 0, "DESC": "OK"},
        {"ERR": 0, "EXTENSIONS": None},
        {"ERR": 0, "EXTENSIONS": "none"},
        {"ERR": 0, "EXTENSIONS": 5},
        {"ERR": "zero", "EXTENSIONS": []},
        {"ERR": [], "EXTENSIONS": []},
    ],
)
def test_an_answer_of_the_wrong_shape_is_a_protocol_error(payload):
    with pytest.raises(ProtocolError):
        parse_extensions(payload)


def test_a_queues_answer_without_queues_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="QUEUES"):
        parse_queues({"ERR": 0, "DESC": "OK", "EXTENSIONS": []})


def test_missing_err_with_a_list_is_accepted():
    extensions, _ = parse_extensions({"EXTENSIONS": [an_extension()]})
    assert len(extensions) == 1


def test_an_empty_centre_is_not_an_error():
    assert parse_extensions(ext_payload()) == ([], [])
    assert parse_queues(queue_payload()) == ([], [])


@pytest.mark.parametrize("err", [float("inf"), float("-inf"), float("nan")])
def test_an_infinite_err_field_is_a_protocol_error_not_a_crash(err):
    with pytest.raises(ProtocolError):
        parse_extensions({"ERR": err, "EXTENSIONS": []})


def test_implausible_times_are_read_as_unknown_and_the_call_stays():
    for impossible in (-5, 1, 86_400, 10**11, 10**17):
        call = one_call(a_call(callStarted=impossible, callAnswered=impossible))
        assert call.call_started is None
        assert call.call_answered is None
        assert call.state is CallState.TALKING


def test_millisecond_times_are_read_as_milliseconds():
    call = one_call(a_call(callStarted=1602465818000, callAnswered="1602465819999"))
    assert (call.call_started, call.call_answered) == (1602465818, 1602465819)
    queues, skipped = parse_queues(
        queue_payload({"ID": 1, "Callers": [{"CallID": "ms", "JoinTime": 1602599565000}]})
    )
    assert queues[0].callers[0].join_time == 1602599565
    assert not skipped


def test_a_caller_with_an_implausible_join_time_is_skipped_and_reported():
    queues, skipped = parse_queues(
        queue_payload(
            {
                "ID": 1,
                "Callers": [
                    {"CallID": "zero", "JoinTime": 0, "Duration": 3},
                    {"CallID": "ok", "JoinTime": 1602599565, "Duration": 10**9},
                    {"CallID": "negative", "JoinTime": -60, "Duration": 3},
                    {"CallID": "1973", "JoinTime": 100_000_000, "Duration": 3},
                ],
            }
        )
    )
    (caller,) = queues[0].callers
    assert caller.call_id == "ok"
    assert caller.duration is None  # a wait of decades is no wait
    assert [item.where.split(".")[-1].split(" ")[0] for item in skipped] == [
        "Callers[0]",
        "Callers[2]",
        "Callers[3]",
    ]
    assert all("JoinTime" in item.reason and item.suspect for item in skipped)


def test_poll_errors_carry_their_kind_and_exit_code():
    assert (AuthorizationError("x").kind, AuthorizationError("x").exit_code) == ("auth", 3)
    assert (ApiError("x").kind, ApiError("x").exit_code) == ("api", 4)
    assert (ProtocolError("x").kind, ProtocolError("x").exit_code) == ("protocol", 5)
    assert repr(ProtocolError("bad")) == "ProtocolError('bad')"


def test_models_validate_directly_by_api_names_and_by_field_names():
    caller = QueueCaller.model_validate({"JoinTime": "1602599565", "Duration": None})
    assert (caller.join_time, caller.duration, caller.phone) == (1602599565, None, "")
    queue = Queue.model_validate({"ID": 3})
    assert queue.display_name == "Queue 3"
    assert Queue.model_validate({"ID": 3, "Name": "Sales"}).display_name == "Sales"


# --- the parse memo (unchanged items are not validated again) -----------------------------


def test_an_unchanged_extension_is_reused_and_a_changed_one_read_afresh():
    from wallboard.api.parse import ParseMemo

    memo = ParseMemo()
    first, _ = parse_extensions(ext_payload(an_extension("A"), an_extension("B")), memo)
    changed = an_extension("B", onlineUserStatus=3)
    second, _ = parse_extensions(ext_payload(an_extension("A"), changed), memo)

    assert second[0] is first[0]
    assert second[1] is not first[1]
    assert second[1].status == 3


def test_the_parse_memo_forgets_extensions_that_left():
    from wallboard.api.parse import ParseMemo

    memo = ParseMemo()
    for index in range(200):
        parse_extensions(ext_payload(an_extension(f"S{index}"), an_extension("STAY")), memo)
    assert len(memo.items) <= 2


def test_an_extension_with_a_skipped_call_reports_it_on_every_poll():
    from wallboard.api.parse import ParseMemo

    memo = ParseMemo()
    payload = ext_payload(an_extension("A", calls=[a_call(), "junk"]))
    for _ in range(3):
        (ext,), skipped = parse_extensions(payload, memo)
        assert len(ext.calls) == 1
        assert len(skipped) == 1


def test_queues_with_a_memo_read_the_same_as_without():
    from wallboard.api.parse import ParseMemo

    memo = ParseMemo()
    payload = queue_payload(
        {"ID": 1, "Callers": [{"JoinTime": 1602599565, "Duration": 1}]}, {"ID": 2}
    )
    for _ in range(3):
        assert parse_queues(payload, memo) == parse_queues(payload)


@pytest.mark.parametrize("username", [[], {}, ["SIP"]])
def test_an_extension_with_a_list_for_a_username_is_skipped_with_a_memo(username):
    from wallboard.api.parse import ParseMemo

    memo = ParseMemo()
    payload = ext_payload(an_extension("GOOD"), an_extension(username=username))
    extensions, skipped = parse_extensions(payload, memo)
    assert [ext.username for ext in extensions] == ["GOOD"]
    assert skipped[0].where.startswith("EXTENSIONS[1]")
