"""Whatever the service sends, the parser answers with models, skips, or a documented error."""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallboard.api.errors import PollError
from wallboard.api.parse import ParseMemo, parse_extensions, parse_queues
from wallboard.api.pieces import PieceMemo, cut_answer, parse_extension_pieces
from wallboard.core.board import Board
from wallboard.core.export import snapshot_to_json
from wallboard.core.server_clock import ServerClockEstimator
from wallboard.core.snapshot import build_snapshot
from wallboard.core.summary import summarise

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# For the costlier properties (large trees, or four parses per example).
FUZZ_LIGHT = settings(FUZZ, max_examples=120)

# JSON scalars as Python's json module decodes them: NaN, Infinity and 1e999 included.
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=30),
)
json_trees = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=12), children, max_size=5),
    ),
    max_leaves=25,
)
# Small trees stand in for a single field: cheap to generate, still every JSON shape.
small_trees = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=6), children, max_size=3),
    ),
    max_leaves=6,
)

# Text that hurts: control characters, escapes, bidi, Hebrew, wide characters, markup.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "\x1b[31mred\x1b[0m",
            "\x1b]0;title\x07",
            "\x9b2J",
            "\u202eevil\u202c",
            "שלום עולם",
            "電話番号",
            "[bold red]markup[/]",
            "\x00\x01\x7f",
            "",
            " ",
            "💥" * 10,
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x9F), max_size=20),
)
huge_text = st.integers(min_value=10_000, max_value=200_000).map(lambda n: "9" * n)


def drifting_int(base: int) -> st.SearchStrategy[Any]:
    """An int as a PHP service might send it, or something that merely sits in its place."""
    return st.one_of(
        st.sampled_from([base, str(base), float(base), f" {base} ", None, "", [], {}, True]),
        nasty_text,
        huge_text,
        st.integers(min_value=-(2**63), max_value=2**63),
        small_trees,
    )


drifting_text = st.one_of(nasty_text, st.integers(), st.floats(), st.none(), small_trees, huge_text)


def deep_object(depth: int) -> dict[str, Any]:
    value: Any = "bottom"
    for level in range(depth):
        value = {f"k{level}": value, "list": [value] if level % 50 == 0 else []}
    return value


object_like = st.one_of(
    st.just([]),
    st.none(),
    st.dictionaries(st.text(max_size=10), small_trees, max_size=4),
    st.integers(min_value=1, max_value=200).map(deep_object),
    small_trees,
)


def items_with_drift(
    fields: dict[str, st.SearchStrategy[Any]], extra: bool = False
) -> st.SearchStrategy[Any]:
    """Objects whose fields drift in type or go missing; now and then not an object at all."""
    objects = st.fixed_dictionaries({}, optional=fields)
    if extra:
        objects = st.builds(
            lambda obj, more: {**more, **obj},
            objects,
            st.dictionaries(st.text(max_size=10), small_trees, max_size=2),
        )
    return st.one_of(objects, objects, objects, small_trees)


drifting_call = items_with_drift(
    {
        "callStarted": drifting_int(1602465818),
        "callAnswered": drifting_int(1602465819),
        "answered": drifting_int(1),
        "callername": drifting_text,
        "callerphone": drifting_text,
        "callstatus": st.one_of(
            st.sampled_from([1, 2, 3, 4, "1", "HOLD", "ringing"]), drifting_text
        ),
        "customdata": object_like,
        "direction": drifting_text,
        "ivrid": drifting_text,
        "recording": st.one_of(
            object_like,
            st.fixed_dictionaries({"Filename": drifting_text, "IsMuted": drifting_int(0)}),
        ),
        "did": drifting_text,
    },
    extra=True,
)
drifting_extension = items_with_drift(
    {
        "username": drifting_text,
        "name": drifting_text,
        "representative": drifting_text,
        "userID": drifting_int(6946792),
        "onlineUserID": drifting_int(0),
        "extensionID": drifting_int(875756567),
        "onlineUserStatus": drifting_int(1),
        "calls": st.one_of(
            st.lists(drifting_call, max_size=4),
            small_trees,
            st.dictionaries(st.text(max_size=3), drifting_call, max_size=2),
        ),
    }
)
drifting_caller = items_with_drift(
    {
        "Phone": drifting_text,
        "CallID": drifting_text,
        "JoinTime": drifting_int(1602599565),
        "Duration": drifting_int(21),
    }
)
drifting_queue = items_with_drift(
    {
        "ID": drifting_int(12345678),
        "Name": drifting_text,
        "Weight": drifting_int(5),
        "Callers": st.one_of(st.lists(drifting_caller, max_size=4), small_trees),
    }
)
envelope_err = st.one_of(
    st.sampled_from([0, "0", None, 0.0, float("nan"), float("inf")]), drifting_int(0)
)


def good_extension(username: str) -> dict[str, Any]:
    return {
        "name": "Good",
        "representative": "Good Agent",
        "username": username,
        "userID": 1,
        "onlineUserID": 1,
        "onlineUserStatus": 1,
        "calls": [
            {
                "callStarted": 1602465818,
                "callAnswered": 0,
                "callstatus": "Ringing",
                "ivrid": f"{username}-call",
                "customdata": {},
                "recording": [],
            }
        ],
    }


def good_queue(queue_id: int) -> dict[str, Any]:
    return {
        "ID": queue_id,
        "Name": "Good queue",
        "Weight": 1,
        "Callers": [
            {"Phone": "050", "CallID": f"q{queue_id}", "JoinTime": 1602599565, "Duration": 3}
        ],
    }


# A skip of a whole extension, not of one of its calls (labels come from short SIP ids).
WHOLE_EXTENSION = re.compile(r"EXTENSIONS\[\d+\](?: \((?:(?!\.calls).)*\))?")


def survive(parse, payload: Any) -> None:
    """The parser either returns a result or raises a documented PollError: nothing else."""
    with contextlib.suppress(PollError):
        parse(payload)


@FUZZ
@given(json_trees)
def test_any_json_at_all_is_read_or_refused_with_a_poll_error(payload):
    survive(parse_extensions, payload)
    survive(parse_queues, payload)


@FUZZ_LIGHT
@given(st.dictionaries(st.sampled_from(["ERR", "DESC", "EXTENSIONS", "QUEUES", "x"]), json_trees))
def test_envelopes_of_any_shape_are_read_or_refused_with_a_poll_error(payload):
    survive(parse_extensions, payload)
    survive(parse_queues, payload)


@FUZZ
@given(st.lists(drifting_extension, max_size=6), envelope_err)
def test_drifting_extensions_never_crash_the_parser(extensions, err):
    survive(parse_extensions, {"ERR": err, "DESC": "OK", "EXTENSIONS": extensions})


@FUZZ
@given(st.lists(drifting_queue, max_size=6), envelope_err)
def test_drifting_queues_never_crash_the_parser(queues, err):
    survive(parse_queues, {"ERR": err, "DESC": "OK", "QUEUES": queues})


@FUZZ
@given(st.lists(drifting_extension, max_size=5), st.data())
def test_good_extensions_survive_among_garbage(garbage, data):
    good = [good_extension(f"GOOD{index}") for index in range(3)]
    items = list(garbage)
    for item in good:
        items.insert(data.draw(st.integers(0, len(items)), label="position"), item)
    extensions, skipped = parse_extensions({"ERR": 0, "DESC": "OK", "EXTENSIONS": items})

    survivors = {ext.username: ext for ext in extensions}
    for item in good:
        ext = survivors[item["username"]]
        assert [call.ivr_id for call in ext.calls] == [f"{item['username']}-call"]
    whole_items_skipped = [s for s in skipped if WHOLE_EXTENSION.fullmatch(s.where)]
    assert len(extensions) + len(whole_items_skipped) == len(items)
    for item in skipped:
        assert item.where.startswith("EXTENSIONS[")
        assert len(item.reason) <= 120


@FUZZ
@given(st.lists(drifting_queue, max_size=5), st.data())
def test_good_queues_survive_among_garbage(garbage, data):
    good = [good_queue(900_000 + index) for index in range(3)]
    items = list(garbage)
    for item in good:
        items.insert(data.draw(st.integers(0, len(items)), label="position"), item)
    queues, skipped = parse_queues({"ERR": 0, "DESC": "OK", "QUEUES": items})

    by_id: dict[int, list[str]] = {}
    for queue in queues:
        by_id.setdefault(queue.queue_id, []).extend(c.call_id for c in queue.callers)
    for item in good:
        assert f"q{item['ID']}" in by_id[item["ID"]]
    for item in skipped:
        assert item.where.startswith("QUEUES[")


@FUZZ
@given(st.lists(drifting_call, max_size=6), st.data())
def test_a_good_call_survives_next_to_garbage_calls(garbage, data):
    good = good_extension("AGENT")["calls"][0]
    calls = list(garbage)
    calls.insert(data.draw(st.integers(0, len(calls)), label="position"), good)
    ext = good_extension("AGENT") | {"calls": calls}
    extensions, skipped = parse_extensions({"ERR": 0, "EXTENSIONS": [ext]})

    (survivor,) = extensions
    assert "AGENT-call" in [call.ivr_id for call in survivor.calls]
    assert len(survivor.calls) + len(skipped) == len(calls)
    for item in skipped:
        assert item.where.startswith("EXTENSIONS[0]")
        assert ".calls" in item.where


@FUZZ_LIGHT
@given(
    st.lists(drifting_extension, max_size=5),
    st.lists(drifting_queue, max_size=4),
    envelope_err,
)
def test_whatever_is_read_can_be_boarded_drawn_and_exported(extensions, queues, err):
    """What survives parsing is usable all the way down: clock, board, JSON and summary."""
    try:
        parsed, skipped = parse_extensions({"ERR": err, "EXTENSIONS": extensions}, ParseMemo())
        waiting, skipped_queues = parse_queues({"ERR": err, "QUEUES": queues})
    except PollError:
        return
    snapshot = build_snapshot(
        parsed,
        waiting,
        skipped + skipped_queues,
        fetched_at=1_800_000_000.0,
        latency_s=0.1,
        estimator=ServerClockEstimator(),
    )
    assert abs(snapshot.clock_offset_s) <= 16 * 3600
    board = Board()
    board.apply(snapshot, snapshot.fetched_at)
    board.apply(snapshot, snapshot.fetched_at + 5)
    assert len(board.agents) == len(parsed)
    for agent in board.agents:
        assert isinstance(agent.name, str)
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in agent.name)
    json.dumps(snapshot_to_json(snapshot))
    for line in summarise(snapshot):
        assert "\x1b" not in line


@pytest.mark.parametrize("depth", [500, 900])
def test_deeply_nested_customdata_is_kept_or_skipped_never_a_crash(depth):
    ext = good_extension("DEEP")
    ext["calls"][0]["customdata"] = deep_object(depth)
    try:
        extensions, _ = parse_extensions({"ERR": 0, "EXTENSIONS": [ext]})
    except PollError:
        return
    assert len(extensions) == 1


def test_huge_strings_are_read_without_trouble():
    ext = good_extension("BIG")
    ext["name"] = "א" * 1_000_000
    ext["calls"][0]["callername"] = "\x1b[2J" * 100_000
    ext["userID"] = "9" * 100_000
    extensions, skipped = parse_extensions({"ERR": 0, "EXTENSIONS": [ext, good_extension("OK")]})
    assert [e.username for e in extensions] == ["OK"]
    assert skipped[0].where == "EXTENSIONS[0] (BIG)"
    assert "userID" in skipped[0].reason


@FUZZ_LIGHT
@given(st.lists(drifting_extension, max_size=4), st.lists(drifting_extension, max_size=4))
def test_a_parse_memo_never_changes_what_is_read(first, second):
    """Reusing models of the previous answer gives exactly what a fresh parse gives."""
    memo = ParseMemo()
    for extensions in (first, second, second, first):
        payload = {"ERR": 0, "EXTENSIONS": extensions}
        try:
            fresh = parse_extensions(payload)
        except PollError:
            continue
        # By repr: NaN in an undocumented field is never equal to itself.
        assert repr(parse_extensions(payload, memo)) == repr(fresh)


def compact(payload: Any, ascii_only: bool = True) -> bytes:
    """An answer as PHP writes it: no spaces; non-ASCII `\\u`-escaped unless told not to."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=ascii_only).encode()


def read_by_pieces(body: bytes, memo: PieceMemo) -> Any:
    """What the client reads from `body` by pieces; None when it must decode it whole."""
    cut = cut_answer(body, "EXTENSIONS")
    return None if cut is None else parse_extension_pieces(cut, memo)


@FUZZ_LIGHT
@given(
    st.lists(drifting_extension, max_size=4),
    st.lists(drifting_extension, max_size=4),
    st.booleans(),
)
def test_reading_by_pieces_never_changes_what_is_read(first, second, ascii_only):
    """Pieces, reused or decoded, read exactly as the whole answer does (or give way to it)."""
    memo = PieceMemo()
    for extensions in (first, second, second, first):
        body = compact({"ERR": 0, "DESC": "OK", "EXTENSIONS": extensions}, ascii_only)
        try:
            fresh = parse_extensions(json.loads(body))
        except PollError:
            continue
        by_pieces = read_by_pieces(body, memo)
        if by_pieces is not None:
            assert repr(by_pieces) == repr(fresh)


# Strings and nested calls that look like the boundary between two extensions.
lookalike_text = st.sampled_from(
    ['},{"name":', '"},{"name":"', '}],{"name":[', "\\", '\\"},{"name":', "]}", '"EXTENSIONS":[']
)
lookalike_call = st.fixed_dictionaries(
    {"name": lookalike_text, "ivrid": st.text(max_size=3), "callername": lookalike_text}
)
lookalike_extension = st.fixed_dictionaries(
    {
        "name": st.one_of(lookalike_text, st.text(max_size=5)),
        "username": st.one_of(lookalike_text, st.text(min_size=1, max_size=5)),
        "calls": st.lists(lookalike_call, max_size=3),
    }
)


@FUZZ
@given(st.lists(lookalike_extension, max_size=5), st.lists(lookalike_extension, max_size=5))
def test_separators_inside_strings_and_calls_never_mislead_the_piece_reading(first, second):
    memo = PieceMemo()
    for extensions in (first, second, first):
        body = compact({"ERR": 0, "DESC": "OK", "EXTENSIONS": extensions})
        fresh = parse_extensions(json.loads(body))
        by_pieces = read_by_pieces(body, memo)
        if by_pieces is not None:
            assert repr(by_pieces) == repr(fresh)
