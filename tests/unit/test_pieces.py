"""Reading the extensions answer by pieces: the cut, the reuse, and every way it gives way."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wallboard.api.parse import parse_extensions
from wallboard.api.pieces import PieceMemo, cut_answer, parse_extension_pieces


def extension(username: str, name: str = "Dana Levi", calls: int = 1) -> dict[str, Any]:
    return {
        "name": name,
        "userID": 7,
        "representative": name,
        "onlineUserID": 7,
        "username": username,
        "onlineUserStatus": 1,
        "calls": [
            {
                "callStarted": 1_800_000_000 + n,
                "callAnswered": 0,
                "callername": "שלום",
                "callstatus": "Talking",
                "ivrid": f"{username}-{n}",
                "customdata": [],
                "recording": {"Filename": "a.mp3", "IsMuted": 0},
            }
            for n in range(calls)
        ],
    }


def answer(extensions: list[Any], **options: Any) -> bytes:
    payload = {"ERR": 0, "DESC": "OK", "EXTENSIONS": extensions}
    return json.dumps(payload, separators=(",", ":"), **options).encode()


def read(body: bytes, memo: PieceMemo) -> Any:
    cut = cut_answer(body, "EXTENSIONS")
    assert cut is not None, "this answer should be cut"
    return parse_extension_pieces(cut, memo)


def test_a_compact_answer_is_cut_into_its_items():
    items = [extension(f"SIP{n}", calls=n % 3) for n in range(5)]
    cut = cut_answer(answer(items), "EXTENSIONS")
    assert cut is not None
    assert [json.loads(cut.item(n)) for n in range(len(cut.pieces))] == items
    assert json.loads(cut.envelope) == {"ERR": 0, "DESC": "OK", "EXTENSIONS": []}


def test_unchanged_items_are_reused_and_changed_ones_read_afresh():
    memo = PieceMemo()
    first, _ = read(answer([extension("A"), extension("B")]), memo)
    second, _ = read(answer([extension("A"), extension("B", name="Noa")]), memo)
    assert second[0] is first[0]
    assert second[1] is not first[1] and second[1].name == "Noa"
    assert len(memo) == 2  # only the latest answer's items are kept


def test_what_is_read_by_pieces_is_what_the_whole_answer_reads():
    items = [extension("A", calls=2), extension("B", name='},{"name":"x"'), extension("C")]
    for options in ({}, {"ensure_ascii": False}):
        body = answer(items, **options)
        assert repr(read(body, PieceMemo())) == repr(parse_extensions(json.loads(body)))


def test_an_empty_list_is_read_as_empty():
    assert read(answer([]), PieceMemo()) == ([], [])


def test_a_malformed_item_is_skipped_by_index_and_reported_on_every_poll():
    bad_status = {**extension("C"), "onlineUserStatus": [1]}
    bad_call = {**extension("D"), "calls": ["not a call"]}
    body = answer([extension("A"), {"name": "no username"}, bad_status, bad_call])
    memo = PieceMemo()
    for _ in range(2):
        extensions, skipped = read(body, memo)
        assert [e.username for e in extensions] == ["A", "D"]
        where = [s.where for s in skipped]
        assert where == ["EXTENSIONS[1]", "EXTENSIONS[2] (C)", "EXTENSIONS[3].calls[0]"]
        assert (extensions, skipped) == parse_extensions(json.loads(body))


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"ERR": 0, "EXTENSIONS": [extension("A")]}, indent=2).encode(),  # spaces
        answer({"0": extension("A")}),  # PHP's list as an object
        b'{"EXTENSIONS":[' + json.dumps(extension("A")).encode() + b'],"ERR":0}',  # not last
        b'{"ERR":0,"EXTENSIONS":[],"X":{"EXTENSIONS":[]}}',  # twice
        b'{"ERR":0,"EXTENSIONS":[1,2]}',  # items that are not objects
    ],
)
def test_other_layouts_are_not_cut(body):
    assert cut_answer(body, "EXTENSIONS") is None


def test_a_wrong_cut_gives_way_and_leaves_the_memo_alone():
    # A call whose first key is the extension's first key: the cut splits inside the calls.
    calls_first = {"name": "Dana", "username": "A", "calls": [{"name": "c1"}, {"name": "c2"}]}
    memo = PieceMemo()
    read(answer([extension("B")]), memo)
    before = dict(memo.models)
    assert read(answer([calls_first, extension("B")]), memo) is None
    assert memo.models == before


def test_values_only_the_lenient_decoder_reads_give_way():
    body = answer([extension("A"), {**extension("B"), "userID": float("nan")}])
    assert read(body, PieceMemo()) is None


@pytest.mark.parametrize("number", [-9223372036854775809, 9223372036854775808, 2**70])
def test_an_integer_beyond_64_bits_reads_the_same_by_pieces_and_whole(number):
    """orjson reads these as floats; one reading must give one verdict (was flaky in fuzz)."""
    odd = extension("ODD")
    odd["calls"] = number
    odd["userID"] = number
    body = answer([extension("A"), odd])
    whole = parse_extensions(json.loads(body))
    by_pieces = read(body, PieceMemo())
    if by_pieces is not None:
        assert repr(by_pieces) == repr(whole)
    assert "not a list (int)" in str(whole[1])


async def test_the_client_reads_an_integer_beyond_64_bits_exactly():
    """The client's own whole-answer reading keeps such an integer an int, as json does."""
    import httpx

    from wallboard.api.client import ActiveCallsClient

    odd = extension("ODD")
    odd["calls"] = -9223372036854775809
    extensions_body = answer([odd])
    queues_body = json.dumps({"ERR": 0, "QUEUES": [{"ID": 2**64, "Name": "q"}]}).encode()

    def serve(request: httpx.Request) -> httpx.Response:
        body = extensions_body if request.url.path.endswith("Calls") else queues_body
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    client = ActiveCallsClient(
        base_url="http://127.0.0.1:9/comet/API", code="c", transport=httpx.MockTransport(serve)
    )
    async with client:
        answers = await client.fetch()
    assert [str(s) for s in answers.skipped] == ["EXTENSIONS[0].calls: not a list (int)"]
    assert [q.queue_id for q in answers.queues] == [2**64]
