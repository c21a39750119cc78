"""The HTTP client and the poll loop against the simulator on a real loopback port."""

from __future__ import annotations

import asyncio
import gzip
import importlib.abc
import json
import random
import sys
import time
import zlib
from typing import Any

import httpx
import pytest

from wallboard.api.client import ActiveCallsClient
from wallboard.api.errors import (
    ApiError,
    AuthorizationError,
    PollError,
    ProtocolError,
    RateLimitError,
    TransportError,
)
from wallboard.core.clock import FakeClock
from wallboard.sources.api_source import ApiSource
from wallboard.sources.poller import Poller


class Recorder(httpx.AsyncBaseTransport):
    """Passes requests to the network and keeps a copy of each (method, URL, body)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[tuple[str, str, bytes, dict[str, str]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.requests.append((request.method, str(request.url), body, dict(request.headers)))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def client_for(sim, **options: Any) -> ActiveCallsClient:
    options.setdefault("code", sim.code)
    options.setdefault("connect_timeout_s", 2.0)
    options.setdefault("read_timeout_s", 5.0)
    return ActiveCallsClient(base_url=sim.base_url, **options)


def canned(status: int, body: bytes | str, content_type: str = "text/html") -> httpx.MockTransport:
    """A server that always answers the same thing."""
    raw = body.encode() if isinstance(body, str) else body

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=raw, headers={"content-type": content_type})

    return httpx.MockTransport(answer)


async def failure_of(client: ActiveCallsClient, **filters: Any) -> PollError:
    async with client:
        with pytest.raises(PollError) as caught:
            await client.fetch(**filters)
    return caught.value


def assert_no_code(error: BaseException, code: str) -> None:
    for text in (str(error), repr(error), getattr(error, "message", "")):
        assert code not in text
    assert error.__cause__ is None


# --- good answers ---------------------------------------------------------------------------


async def test_a_poll_reads_every_extension_and_queue(sim):
    async with client_for(sim) as client:
        answers = await client.fetch()
    assert len(answers.extensions) == 40
    assert len(answers.queues) == 4
    assert answers.skipped == []
    assert answers.latency_s > 0
    assert sum(len(q.callers) for q in answers.queues) > 0
    assert all(ext.username for ext in answers.extensions)


async def test_filters_ask_for_one_extension_or_one_queue(sim):
    async with client_for(sim) as client:
        everything = await client.fetch()
        username = everything.extensions[3].username
        queue_id = everything.queues[1].queue_id
        one = await client.fetch(extension=username, queue=str(queue_id))
    assert [ext.username for ext in one.extensions] == [username]
    assert [q.queue_id for q in one.queues] == [queue_id]


async def test_the_code_travels_in_the_post_body_never_in_the_url(sim):
    recorder = Recorder()
    async with client_for(sim, transport=recorder) as client:
        await client.fetch(extension="SIP1001")
    assert len(recorder.requests) == 2
    endpoints = set()
    for method, url, body, headers in recorder.requests:
        assert method == "POST"
        assert sim.code not in url
        assert "?" not in url
        assert json.loads(body)["code"] == sim.code
        assert headers["content-type"] == "application/json"
        assert all(sim.code not in value for value in headers.values())
        endpoints.add(url.rsplit("/", 1)[1])
    assert endpoints == {"GetExtensionsCalls", "GetQueuesCallers"}
    extension_body = next(json.loads(b) for _, u, b, _ in recorder.requests if "Extensions" in u)
    assert extension_body == {"code": sim.code, "extension": "SIP1001"}


async def test_both_endpoints_are_polled_at_once_over_one_connection_pool(sim):
    sim.app.state.faults.slow_seconds = 1.0
    sim.force("slow", 2)
    async with client_for(sim) as client:
        started = time.perf_counter()
        await client.fetch()
        elapsed = time.perf_counter() - started
    assert 1.0 <= elapsed < 1.8  # two slow answers of 1 s in parallel, not 2 s in a row


async def test_the_client_never_shows_the_code(sim):
    client = client_for(sim)
    assert sim.code not in repr(client)
    await client.aclose()


async def test_skewed_types_from_the_server_skip_only_the_odd_items(sim):
    sim.force("schema_drift", 2)
    async with client_for(sim) as client:
        answers = await client.fetch()
    whole = [
        item
        for item in answers.skipped
        if ".calls" not in item.where and item.where.startswith("EXTENSIONS[")
    ]
    assert len(answers.extensions) + len(whole) == 40
    assert len(answers.extensions) >= 35  # only the odd ones go
    assert any("username" in item.reason for item in whole)
    statuses = {ext.status for ext in answers.extensions}
    assert 42 in statuses


async def test_an_empty_extensions_answer_is_passed_on_as_empty(sim):
    sim.force("empty_extensions", 2)
    async with client_for(sim) as client:
        answers = await client.fetch()
    assert answers.extensions == []
    assert len(answers.queues) == 4


# --- failures, each with its own error ------------------------------------------------------


async def test_a_wrong_code_is_an_authorization_error_that_never_echoes_the_code(sim):
    wrong = "not-the-right-code-99"
    error = await failure_of(client_for(sim, code=wrong))
    assert isinstance(error, AuthorizationError)
    assert "Authorized IPs" in error.message
    assert error.exit_code == 3
    assert_no_code(error, wrong)


async def test_err_2_is_an_api_error(sim):
    sim.force("err_2", 2)
    error = await failure_of(client_for(sim))
    assert type(error) is ApiError
    assert error.exit_code == 4
    assert_no_code(error, sim.code)


async def test_a_refusal_on_one_endpoint_wins_over_a_server_error_on_the_other():
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("GetExtensionsCalls"):
            return httpx.Response(403, text="forbidden")
        return httpx.Response(502, text="<html>bad gateway</html>")

    client = ActiveCallsClient(
        base_url="http://api.invalid/comet/API", code="abc", transport=httpx.MockTransport(answer)
    )
    error = await failure_of(client)
    assert isinstance(error, AuthorizationError)


async def test_err_1_on_one_endpoint_wins_over_a_server_error_on_the_other(sim):
    sim.force("err_1")
    sim.force("http_500_html")
    error = await failure_of(client_for(sim))
    assert isinstance(error, AuthorizationError)


async def test_an_http_5xx_page_is_a_transport_error(sim):
    sim.force("http_500_html", 2)
    error = await failure_of(client_for(sim))
    assert isinstance(error, TransportError)
    assert "HTTP 50" in error.message
    assert_no_code(error, sim.code)


async def test_an_html_page_with_status_200_is_a_protocol_error_that_says_html():
    page = "<!DOCTYPE html><HTML><body>Please log in</body></HTML>"
    client = ActiveCallsClient(
        base_url="http://proxy.invalid/comet/API", code="abc", transport=canned(200, page)
    )
    error = await failure_of(client)
    assert isinstance(error, ProtocolError)
    assert "HTML" in error.message
    assert error.exit_code == 5


async def test_truncated_json_is_a_protocol_error(sim):
    sim.force("truncated_json", 2)
    error = await failure_of(client_for(sim))
    assert isinstance(error, ProtocolError)
    assert "not JSON" in error.message
    assert_no_code(error, sim.code)


async def test_a_hanging_server_is_a_transport_error_soon_after_the_read_timeout(sim):
    sim.force("hang", 2)
    started = time.perf_counter()
    error = await failure_of(client_for(sim, read_timeout_s=0.3))
    assert time.perf_counter() - started < 2.0
    assert isinstance(error, TransportError)
    assert "timed out" in error.message or "no answer" in error.message


async def test_a_reset_connection_is_a_transport_error(sim):
    sim.force("reset", 2)
    error = await failure_of(client_for(sim))
    assert isinstance(error, TransportError)
    assert_no_code(error, sim.code)


async def test_a_server_that_went_down_is_a_transport_error_and_comes_back(sim):
    sim.force("server_down")
    error = await failure_of(client_for(sim))
    assert isinstance(error, TransportError)
    await asyncio.sleep(sim.app.state.faults.down_seconds + 0.1)
    async with client_for(sim) as client:
        assert len((await client.fetch()).extensions) == 40


async def test_nothing_listening_is_a_transport_error(closed_port):
    client = ActiveCallsClient(
        base_url=f"http://127.0.0.1:{closed_port}/comet/API", code="abc", connect_timeout_s=1
    )
    error = await failure_of(client)
    assert isinstance(error, TransportError)
    assert "network error" in error.message


async def test_a_wrong_base_url_is_a_protocol_error_that_says_check_the_url(sim):
    client = ActiveCallsClient(base_url=sim.base_url + "/nope", code=sim.code)
    error = await failure_of(client)
    assert isinstance(error, ProtocolError)
    assert "HTTP 404" in error.message


@pytest.mark.parametrize("status", [401, 403])
async def test_http_401_and_403_are_authorization_errors(status):
    client = ActiveCallsClient(
        base_url="http://api.invalid/comet/API",
        code="abc",
        transport=canned(status, "denied", "text/plain"),
    )
    error = await failure_of(client)
    assert isinstance(error, AuthorizationError)


async def test_an_answer_over_the_size_limit_is_refused(sim):
    error = await failure_of(client_for(sim, max_response_bytes=2048))
    assert isinstance(error, ProtocolError)
    assert "large" in error.message or "limit" in error.message


async def test_a_json_answer_of_the_wrong_shape_is_a_protocol_error():
    client = ActiveCallsClient(
        base_url="http://api.invalid/comet/API",
        code="abc",
        transport=canned(200, "[1, 2, 3]", "application/json"),
    )
    error = await failure_of(client)
    assert isinstance(error, ProtocolError)


async def test_json_the_fast_decoder_refuses_is_still_read():
    # NaN and integers beyond 64 bits are refused by orjson but read by Python's json.
    body = (
        '{"ERR": 0, "DESC": "OK", "QUEUES": [], "EXTENSIONS": [{"username": "SIP1", '
        '"name": "Ann", "onlineUserStatus": 1, "calls": [], "score": NaN, '
        '"userID": 123456789012345678901234567890}]}'
    )
    client = ActiveCallsClient(
        base_url="http://api.invalid/comet/API",
        code="abc",
        transport=canned(200, body, "application/json"),
    )
    async with client:
        answers = await client.fetch()
    assert [ext.username for ext in answers.extensions] == ["SIP1"]
    assert answers.queues == []


def compact_answers(extensions: list[dict[str, Any]]) -> httpx.MockTransport:
    """Compact answers as PHP sends them (what the client reads by pieces)."""

    def answer(request: httpx.Request) -> httpx.Response:
        key = "EXTENSIONS" if request.url.path.endswith("GetExtensionsCalls") else "QUEUES"
        payload = {"ERR": 0, "DESC": "OK", key: extensions if key == "EXTENSIONS" else []}
        body = json.dumps(payload, separators=(",", ":")).encode()
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return httpx.MockTransport(answer)


async def test_unchanged_extensions_are_not_read_again_from_the_next_answer(sim):
    async with client_for(sim) as client:
        first = await client.fetch()
        second = await client.fetch()
    reused = {id(ext) for ext in first.extensions} & {id(ext) for ext in second.extensions}
    assert reused  # the simulator's idle agents answer byte for byte the same
    assert len(second.extensions) == 40


@pytest.mark.parametrize(
    "odd",
    [
        # Calls whose first key is the extension's: cutting the answer by pieces goes wrong.
        {"username": "SIP2", "calls": [{"username": "c1"}, {"username": "c2"}]},
        # Only the lenient decoder reads NaN.
        {"username": "SIP2", "calls": [], "score": float("nan")},
    ],
)
async def test_an_answer_the_pieces_reading_gives_up_on_is_read_whole(odd):
    extensions = [{"username": "SIP1", "name": "Ann", "calls": []}, odd]
    client = ActiveCallsClient(
        base_url="http://api.invalid/comet/API", code="abc", transport=compact_answers(extensions)
    )
    async with client:
        for _ in range(2):
            answers = await client.fetch()
            assert [ext.username for ext in answers.extensions] == ["SIP1", "SIP2"]
            assert answers.skipped == []


async def test_get_requests_work_too(sim):
    async with client_for(sim, method="GET") as client:
        answers = await client.fetch()
    assert len(answers.extensions) == 40


# --- the poll loop -----------------------------------------------------------------------------


class TopJitter(random.Random):
    """Always the longest delay the jitter allows, so that delays are exact."""

    def uniform(self, a: float, b: float) -> float:
        return b


class LoopProbe:
    """Collects what the poller reports."""

    def __init__(self) -> None:
        self.snapshots: list[Any] = []
        self.failures: list[tuple[PollError, float]] = []

    def snapshot(self, snapshot: Any) -> None:
        self.snapshots.append(snapshot)

    def failure(self, error: PollError, delay: float) -> None:
        self.failures.append((error, delay))


def poller_for(
    sim,
    clock: FakeClock,
    probe: LoopProbe,
    *,
    code: str | None = None,
    interval_s: float = 5.0,
    **options: Any,
) -> Poller:
    source = ApiSource(client_for(sim, code=code or sim.code), clock, name="sim")
    return Poller(
        source,
        clock,
        interval_s=interval_s,
        on_snapshot=probe.snapshot,
        on_failure=probe.failure,
        rng=TopJitter(0),
        **options,
    )


async def test_polls_come_every_interval_after_the_previous_one_began(sim):
    clock = FakeClock()
    probe = LoopProbe()
    poller = poller_for(sim, clock, probe)
    try:
        assert await poller.poll_once() == 5.0
        real_fetch = poller.source.fetch

        async def slow_fetch():
            clock.advance(1.5)  # the answer took 1.5 s
            return await real_fetch()

        poller.source.fetch = slow_fetch  # type: ignore[method-assign]
        assert await poller.poll_once() == pytest.approx(3.5)
        clock_before = clock.monotonic()

        async def very_slow_fetch():
            clock.advance(7)
            return await real_fetch()

        poller.source.fetch = very_slow_fetch  # type: ignore[method-assign]
        assert await poller.poll_once() == 0.0  # late already: poll again at once
        assert clock.monotonic() == clock_before + 7
    finally:
        await poller.source.aclose()
    assert len(probe.snapshots) == 3
    assert probe.failures == []
    snapshot = probe.snapshots[0]
    assert snapshot.source == "sim"
    assert snapshot.fetched_at == FakeClock().now()
    assert len(snapshot.extensions) == 40


async def test_failures_back_off_and_the_first_success_returns_to_the_interval(sim):
    clock = FakeClock()
    probe = LoopProbe()
    poller = poller_for(sim, clock, probe)
    try:
        assert await poller.poll_once() == 5.0
        sim.force("http_500_html", 2)
        sim.force("truncated_json", 2)
        sim.force("reset", 2)
        sim.force("http_500_html", 2)
        delays = [await poller.poll_once() for _ in range(4)]
        assert delays == [5.0, 10.0, 20.0, 40.0]
        assert poller.failures == 4
        assert await poller.poll_once() == 5.0
        assert poller.failures == 0
    finally:
        await poller.source.aclose()
    assert [type(error) for error, _ in probe.failures] == [
        TransportError,
        ProtocolError,
        TransportError,
        TransportError,
    ]
    assert [delay for _, delay in probe.failures] == [5.0, 10.0, 20.0, 40.0]
    assert len(probe.snapshots) == 2


async def test_a_refused_code_backs_off_harder(sim):
    clock = FakeClock()
    probe = LoopProbe()
    poller = poller_for(sim, clock, probe, code="wrong-code-123")
    try:
        delays = [await poller.poll_once() for _ in range(5)]
    finally:
        await poller.source.aclose()
    assert delays == [30.0, 60.0, 120.0, 240.0, 300.0]
    assert all(isinstance(error, AuthorizationError) for error, _ in probe.failures)
    assert all("wrong-code-123" not in error.message for error, _ in probe.failures)


async def test_a_bug_in_the_source_is_reported_not_fatal(sim):
    clock = FakeClock()
    probe = LoopProbe()
    poller = poller_for(sim, clock, probe)

    async def broken():
        raise KeyError("surprise")

    real_source = poller.source
    poller.source.fetch = broken  # type: ignore[method-assign]
    try:
        assert await poller.poll_once() == 5.0
    finally:
        await real_source.aclose()
    ((error, _),) = probe.failures
    assert isinstance(error, ProtocolError)
    assert "KeyError" in error.message


async def test_the_loop_sleeps_what_each_poll_asks_and_can_be_cancelled(sim):
    clock = FakeClock()
    probe = LoopProbe()
    slept: list[float] = []
    done = asyncio.Event()

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 4:
            done.set()
            await asyncio.Event().wait()  # park until cancelled

    poller = poller_for(sim, clock, probe, sleep=fake_sleep)
    sim.force("err_2", 2)
    sim.force("err_2", 2)
    task = asyncio.create_task(poller.run())
    try:
        await asyncio.wait_for(done.wait(), timeout=10)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await poller.source.aclose()
    assert slept == [5.0, 10.0, 5.0, 5.0]
    assert len(probe.snapshots) == 2


async def test_poll_now_cuts_the_wait_short(sim):
    clock = FakeClock()
    probe = LoopProbe()
    poller = poller_for(sim, clock, probe, interval_s=30.0)
    task = asyncio.create_task(poller.run())
    try:
        for _ in range(200):
            if probe.snapshots:
                break
            await asyncio.sleep(0.02)
        assert len(probe.snapshots) == 1
        poller.poll_now()
        for _ in range(200):
            if len(probe.snapshots) == 2:
                break
            await asyncio.sleep(0.02)
        assert len(probe.snapshots) == 2
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await poller.source.aclose()


async def test_a_port_out_of_range_is_a_poll_error_not_a_crash():
    client = ActiveCallsClient(base_url="http://127.0.0.1:99999/comet/API", code="abc")
    async with client:
        with pytest.raises(PollError):
            await client.fetch()


def _streaming_app(chunks, pause_s: float):
    """An API whose every answer is streamed chunk by chunk, `pause_s` apart."""
    from starlette.applications import Starlette
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    async def body():
        for chunk in chunks():
            yield chunk
            await asyncio.sleep(pause_s)

    async def endpoint(request):
        return StreamingResponse(body(), media_type="application/json")

    return Starlette(
        routes=[
            Route("/comet/API/GetExtensionsCalls", endpoint, methods=["POST"]),
            Route("/comet/API/GetQueuesCallers", endpoint, methods=["POST"]),
        ]
    )


async def test_a_server_that_trickles_bytes_is_cut_off_at_the_overall_deadline(start_app):
    def forever():
        while True:
            yield b" "

    base_url = start_app(_streaming_app(forever, pause_s=0.1))
    client = ActiveCallsClient(
        base_url=base_url, code="abc", connect_timeout_s=0.2, read_timeout_s=0.3
    )
    started = time.perf_counter()
    error = await failure_of(client)
    assert time.perf_counter() - started < 2.5
    assert isinstance(error, TransportError)
    assert "no answer within" in error.message


async def test_a_streamed_answer_over_the_size_limit_is_refused(start_app):
    def big():
        yield b'{"ERR": 0, "EXTENSIONS": ['
        for _ in range(64):
            yield b'{"username": "x"},' * 20

    base_url = start_app(_streaming_app(big, pause_s=0))
    client = ActiveCallsClient(base_url=base_url, code="abc", max_response_bytes=4096)
    error = await failure_of(client)
    assert isinstance(error, ProtocolError)
    assert "4096" in error.message


class _ImportWatcher(importlib.abc.MetaPathFinder):
    """Records every module the import system searches for (found in sys.modules: none)."""

    def __init__(self) -> None:
        self.searched: list[str] = []

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        self.searched.append(name)
        return None


async def test_a_poll_searches_for_no_module(sim):
    # httpcore asks `sniffio` which event loop runs several times a request; were it not
    # installed, each ask would be a failed import searching sys.path (~70 µs each).
    watcher = _ImportWatcher()
    async with client_for(sim) as client:
        await client.fetch()  # connections and lazy imports made once
        sys.meta_path.insert(0, watcher)
        try:
            for _ in range(3):
                await client.fetch()
        finally:
            sys.meta_path.remove(watcher)
    assert watcher.searched == []


# --- rate limiting, network errors in words, compressed answers ------------------------------


ENDPOINTS = ("GetExtensionsCalls", "GetQueuesCallers")


def _answering_status(status: int, headers: dict[str, str]) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request: Any) -> Any:
        return Response("slow down", status_code=status, headers=headers)

    return Starlette(
        routes=[
            Route("/comet/API/GetExtensionsCalls", endpoint, methods=["POST"]),
            Route("/comet/API/GetQueuesCallers", endpoint, methods=["POST"]),
        ]
    )


@pytest.mark.parametrize(
    ("retry_after", "expected_delay"),
    [
        ("120", 120.0),
        ("100000", 300.0),  # bounded: a board polls again within 5 minutes
        ("Fri, 15 Jan 2027 08:02:00 GMT", 120.0),  # an HTTP date, 120 s after the fake now
        ("", 5.0),  # no wait asked: the ordinary backoff
    ],
)
async def test_http_429_is_rate_limiting_and_retry_after_is_honoured(
    start_app, retry_after, expected_delay
):
    headers = {"Retry-After": retry_after} if retry_after else {}
    base_url = start_app(_answering_status(429, headers))
    clock = FakeClock(start=1_800_000_000.0)  # 2027-01-15 08:00:00 UTC
    probe = LoopProbe()
    source = ApiSource(ActiveCallsClient(base_url=base_url, code="abc-429"), clock, name="x")
    poller = Poller(
        source,
        clock,
        interval_s=5.0,
        on_snapshot=probe.snapshot,
        on_failure=probe.failure,
        rng=TopJitter(0),
    )
    try:
        delay = await poller.poll_once()
    finally:
        await source.aclose()
    error = probe.failures[0][0]
    assert isinstance(error, RateLimitError)
    assert "rate limited by the server (HTTP 429)" in error.message
    assert "check the base URL" not in error.message
    assert delay == pytest.approx(expected_delay)


async def test_connection_refused_names_the_host_and_the_reason(closed_port):
    client = ActiveCallsClient(
        base_url=f"http://127.0.0.1:{closed_port}/comet/API", code="abc", connect_timeout_s=1
    )
    error = await failure_of(client)
    assert f"connection refused by 127.0.0.1:{closed_port}" in error.message


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "identity"])
async def test_compressed_answers_are_read_over_a_real_socket(start_app, encoding):
    """The client inflates gzip and deflate itself (step by step, within the size limit)."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    body = json.dumps({"ERR": 0, "EXTENSIONS": [{"username": "S1"}], "QUEUES": []}).encode()
    body = body[:-1] + b', "pad": "' + b"x" * 300_000 + b'"}'  # several inflate steps
    if encoding == "gzip":
        packed = gzip.compress(body)
    elif encoding == "deflate":
        packed = zlib.compress(body)
    elif encoding == "raw-deflate":
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        packed = packer.compress(body) + packer.flush()
    else:
        packed = body
    seen: list[str] = []

    async def endpoint(request: Any) -> Any:
        seen.append(request.headers.get("accept-encoding", ""))
        header = "deflate" if encoding == "raw-deflate" else encoding
        return Response(packed, headers={"content-encoding": header})

    app = Starlette(
        routes=[Route(f"/comet/API/{name}", endpoint, methods=["POST"]) for name in ENDPOINTS]
    )
    async with ActiveCallsClient(base_url=start_app(app), code="c") as client:
        answers = await client.fetch()
    assert [e.username for e in answers.extensions] == ["S1"]
    assert seen == ["gzip, deflate"] * 2
