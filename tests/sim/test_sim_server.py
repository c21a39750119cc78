"""The simulated API in-process, through httpx.ASGITransport, as the demo uses it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from wallboard.sim.faults import FaultKind, FaultProfile
from wallboard.sim.server import API_PREFIX, create_app

CODE = "s3cret-0rg-code"
EXT_URL = f"{API_PREFIX}/GetExtensionsCalls"
QUEUE_URL = f"{API_PREFIX}/GetQueuesCallers"


class FakeClock:
    """A real-time clock the test moves by hand."""

    def __init__(self, t: float = 1_700_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def make_app(clock: FakeClock, **kwargs: Any) -> Starlette:
    return create_app(code=CODE, now=clock, **kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(clock: FakeClock) -> Starlette:
    return make_app(clock, faults=FaultProfile(hang_seconds=5, slow_seconds=0.2, down_seconds=10))


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as c:
        yield c


async def post(client: httpx.AsyncClient, url: str, **body: Any) -> dict[str, Any]:
    response = await client.post(url, json={"code": CODE, **body})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


@pytest.mark.asyncio
async def test_get_and_post_give_the_same_snapshot(client: httpx.AsyncClient) -> None:
    by_post = await post(client, EXT_URL)
    by_get = (await client.get(EXT_URL, params={"code": CODE})).json()
    assert by_post == by_get
    assert by_post["ERR"] == 0 and by_post["DESC"] == "OK"
    assert len(by_post["EXTENSIONS"]) == 40
    queues = await post(client, QUEUE_URL)
    assert queues["ERR"] == 0 and len(queues["QUEUES"]) == 4
    assert list(queues) == ["ERR", "DESC", "QUEUES"]


@pytest.mark.asyncio
@pytest.mark.parametrize("url", [EXT_URL, QUEUE_URL])
async def test_a_wrong_or_missing_code_is_refused_without_echoing_it(
    client: httpx.AsyncClient, url: str
) -> None:
    refused = {"ERR": 1, "DESC": "Authorization failed"}
    for response in (
        await client.post(url, json={"code": CODE + "x"}),
        await client.post(url, json={}),
        await client.post(url, json={"code": 12345}),
        await client.get(url, params={"code": "nope"}),
        await client.get(url),
        await client.post(url, content=b"code=" + CODE.encode()),  # not JSON
        await client.post(url, content=b"[1, 2]"),  # JSON, not an object
        await client.post(url, content=b"\xff\xfe"),
    ):
        assert response.status_code == 200
        assert response.json() == refused
        assert CODE not in response.text


@pytest.mark.asyncio
async def test_bad_parameter_values_are_internal_errors(client: httpx.AsyncClient) -> None:
    internal = {"ERR": 2, "DESC": "Internal error"}
    assert await post(client, QUEUE_URL, queue="Sales") == internal
    assert await post(client, QUEUE_URL, queue=[1]) == internal
    assert await post(client, EXT_URL, extension={"sip": 1}) == internal
    assert (await client.get(QUEUE_URL, params={"code": CODE, "queue": "1x"})).json() == internal


@pytest.mark.asyncio
async def test_filters_pick_one_extension_or_one_queue(client: httpx.AsyncClient) -> None:
    everyone = (await post(client, EXT_URL))["EXTENSIONS"]
    sip = everyone[3]["username"]
    one = await post(client, EXT_URL, extension=sip)
    assert [e["username"] for e in one["EXTENSIONS"]] == [sip]
    by_get = (await client.get(EXT_URL, params={"code": CODE, "extension": sip})).json()
    assert by_get == one
    assert (await post(client, EXT_URL, extension="nobody"))["EXTENSIONS"] == []

    queues = (await post(client, QUEUE_URL))["QUEUES"]
    qid = queues[1]["ID"]
    for value in (qid, str(qid)):
        assert [q["ID"] for q in (await post(client, QUEUE_URL, queue=value))["QUEUES"]] == [qid]
    got = (await client.get(QUEUE_URL, params={"code": CODE, "queue": str(qid)})).json()
    assert [q["ID"] for q in got["QUEUES"]] == [qid]
    assert (await post(client, QUEUE_URL, queue=1))["QUEUES"] == []


@pytest.mark.asyncio
async def test_time_runs_at_the_chosen_speed_and_durations_match_the_server_clock(
    clock: FakeClock,
) -> None:
    app = make_app(clock, speed=60)
    start = app.state.sim_now()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as c:
        clock.t += 10
        queues = await post(c, QUEUE_URL)
    assert app.state.centre.now == pytest.approx(start + 600)
    server_now = int(app.state.centre.now)
    callers = [c for q in queues["QUEUES"] for c in q["Callers"]]
    assert callers
    assert all(c["JoinTime"] + c["Duration"] == server_now for c in callers)


@pytest.mark.asyncio
async def test_a_utc_offset_shifts_every_epoch_by_that_many_hours(clock: FakeClock) -> None:
    answers = []
    for hours in (0, 2):
        app = make_app(clock, utc_offset_hours=hours)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://s") as c:
            answers.append((await post(c, EXT_URL), await post(c, QUEUE_URL)))
    (ext0, q0), (ext2, q2) = answers
    calls0 = [c for e in ext0["EXTENSIONS"] for c in e["calls"]]
    calls2 = [c for e in ext2["EXTENSIONS"] for c in e["calls"]]
    assert calls0 and len(calls0) == len(calls2)
    for a, b in zip(calls0, calls2, strict=True):
        assert b["callStarted"] == a["callStarted"] + 7200
        assert b["callAnswered"] == (a["callAnswered"] + 7200 if a["answered"] else 0)
    callers0 = [c for q in q0["QUEUES"] for c in q["Callers"]]
    callers2 = [c for q in q2["QUEUES"] for c in q["Callers"]]
    assert callers0 and len(callers0) == len(callers2)
    for a, b in zip(callers0, callers2, strict=True):
        assert b["JoinTime"] == a["JoinTime"] + 7200
        assert b["Duration"] == a["Duration"]
        assert b["JoinTime"] + b["Duration"] == int(clock.t) + 7200  # the server's shifted now


@pytest.mark.asyncio
async def test_http_500_html_answers_an_error_page(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.force(FaultKind.HTTP_500_HTML, count=3)
    for _ in range(3):
        response = await client.post(EXT_URL, json={"code": CODE})
        assert response.status_code in (500, 502, 503)
        assert response.headers["content-type"].startswith("text/html")
        assert response.text.startswith("<html>")
    assert (await post(client, EXT_URL))["ERR"] == 0


@pytest.mark.asyncio
async def test_truncated_json_is_a_200_cut_in_half(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    whole = (await client.post(QUEUE_URL, json={"code": CODE})).content
    app.state.faults.force(FaultKind.TRUNCATED_JSON)
    response = await client.post(QUEUE_URL, json={"code": CODE})
    assert response.status_code == 200
    assert abs(len(response.content) - len(whole) // 2) < 50
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (FaultKind.ERR_1, {"ERR": 1, "DESC": "Authorization failed"}),
        (FaultKind.ERR_2, {"ERR": 2, "DESC": "Internal error"}),
    ],
)
async def test_vendor_errors_come_with_http_200(
    app: Starlette, client: httpx.AsyncClient, kind: FaultKind, answer: dict[str, Any]
) -> None:
    app.state.faults.force(kind)
    assert await post(client, EXT_URL) == answer


@pytest.mark.asyncio
async def test_empty_extensions_leaves_queues_alone(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.force(FaultKind.EMPTY_EXTENSIONS, count=2)
    assert (await post(client, EXT_URL))["EXTENSIONS"] == []
    queues = (await post(client, QUEUE_URL))["QUEUES"]
    assert len(queues) == 4 and any(q["Callers"] for q in queues)


@pytest.mark.asyncio
async def test_schema_drift_changes_types_on_both_endpoints(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.force(FaultKind.SCHEMA_DRIFT, count=2)
    extensions = (await post(client, EXT_URL))["EXTENSIONS"]
    assert len(extensions) == 40
    assert any(e.get("onlineUserStatus") == 42 for e in extensions)
    assert any("username" not in e for e in extensions)
    queues = (await post(client, QUEUE_URL))["QUEUES"]
    assert any(isinstance(q["ID"], str) for q in queues)
    # The next answer is clean again.
    extensions = (await post(client, EXT_URL))["EXTENSIONS"]
    assert all(isinstance(e["onlineUserStatus"], int) and "username" in e for e in extensions)


@pytest.mark.asyncio
async def test_slow_answers_correctly_after_a_delay(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.faults.force(FaultKind.SLOW)
    began = time.perf_counter()
    assert (await post(client, EXT_URL))["ERR"] == 0
    assert time.perf_counter() - began >= 0.2


@pytest.mark.asyncio
async def test_a_hang_is_cancelled_by_the_callers_timeout(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    # ASGITransport ignores httpx timeouts: an in-process caller needs its own deadline.
    app.state.faults.force(FaultKind.HANG)
    began = time.perf_counter()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(client.post(EXT_URL, json={"code": CODE}), timeout=0.2)
    assert time.perf_counter() - began < 1
    assert (await post(client, EXT_URL))["ERR"] == 0


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "error"),
    [(FaultKind.RESET, httpx.ReadError), (FaultKind.SERVER_DOWN, httpx.RemoteProtocolError)],
)
async def test_dropped_connections_raise_transport_errors_in_process(
    app: Starlette, client: httpx.AsyncClient, kind: FaultKind, error: type[Exception]
) -> None:
    app.state.faults.force(kind)
    with pytest.raises(error) as raised:
        await client.post(EXT_URL, json={"code": CODE})
    assert isinstance(raised.value, httpx.TransportError)
    assert CODE not in str(raised.value)


@pytest.mark.asyncio
async def test_server_down_lasts_its_duration_then_recovers(
    app: Starlette, client: httpx.AsyncClient, clock: FakeClock
) -> None:
    app.state.faults.force(FaultKind.SERVER_DOWN)
    for _ in range(3):
        with pytest.raises(httpx.TransportError):
            await client.post(QUEUE_URL, json={"code": CODE})
        clock.t += 3
    clock.t += 2
    assert (await post(client, QUEUE_URL))["ERR"] == 0


def test_create_app_rejects_an_empty_code_and_a_stopped_clock() -> None:
    with pytest.raises(ValueError):
        create_app(code="")
    with pytest.raises(ValueError):
        create_app(code=CODE, speed=0)


@pytest.mark.asyncio
async def test_other_paths_are_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API_PREFIX}/GetEverything", params={"code": CODE})
    assert response.status_code == 404
    assert CODE not in response.text
