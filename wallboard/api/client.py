"""The Active Calls HTTP client: one keep-alive `httpx.AsyncClient`, POST-JSON, typed errors.

The code travels only in the JSON body, so it is never in a URL that a proxy or access log
records; every error message is built from fixed text, and anything that could echo the
request is redacted before it leaves this module.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import socket
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from wallboard.api.decode import loads
from wallboard.api.errors import (
    AUTHORIZED_IPS_HINT,
    ApiError,
    AuthorizationError,
    PollError,
    ProtocolError,
    RateLimitError,
    TransportError,
)
from wallboard.api.models import Extension, Queue
from wallboard.api.parse import (
    ParseMemo,
    SkippedItem,
    check_envelope,
    parse_extensions,
    parse_queues,
)
from wallboard.api.pieces import CutAnswer, PieceMemo, cut_answer, parse_extension_pieces

DEFAULT_BASE_URL = "https://monapisec.voicenter.co.il/comet/API"
# The largest answer of a real account, with room: 10,000 extensions (the most the simulator
# makes) with ~7,000 calls answer 4.2 MB; this is four times that. The limit counts the
# inflated bytes as they are read, so a compressed bomb stops here too (docs/RELIABILITY.md).
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
# Inflate at most this much per step, so one small compressed chunk never becomes a huge
# allocation (which would also raise the allocator's high-water mark for good).
INFLATE_STEP_BYTES = 64 * 1024
_ENDPOINTS = (("GetExtensionsCalls", "EXTENSIONS"), ("GetQueuesCallers", "QUEUES"))
USER_AGENT = "wallboard (+https://github.com/voicenter-wallboard)"


@dataclass(frozen=True, slots=True)
class Answers:
    """The parsed answers of both endpoints from one poll."""

    extensions: list[Extension]
    queues: list[Queue]
    skipped: list[SkippedItem]
    latency_s: float
    received_perf: float  # perf_counter() when both answers had arrived, before parsing


class ActiveCallsClient:
    """Reads both endpoints of the Active Calls API over one keep-alive connection pool."""

    def __init__(
        self,
        *,
        base_url: str,
        code: str,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 10.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        method: Literal["POST", "GET"] = "POST",
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._code = code
        self._method = method
        self._extensions_memo = ParseMemo()
        self._extension_pieces = PieceMemo()
        self._queues_memo = ParseMemo()
        self._max_bytes = max_response_bytes
        url = httpx.URL(base_url)
        port = url.port or (443 if url.scheme == "https" else 80)
        host = f"[{url.host}]" if ":" in url.host else url.host
        self._server = f"{host}:{port}"  # named in network errors (never the code)
        # A server that trickles bytes defeats a per-read timeout: bound the whole request.
        self._deadline_s = connect_timeout_s + 2 * read_timeout_s
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            timeout=httpx.Timeout(
                connect=connect_timeout_s,
                read=read_timeout_s,
                write=read_timeout_s,
                pool=connect_timeout_s,
            ),
            transport=transport,
            # Only encodings this module inflates itself, step by step, within the limit.
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",
            },
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"ActiveCallsClient(base_url={str(self._http.base_url)!r})"

    async def __aenter__(self) -> ActiveCallsClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def fetch(self, extension: str | None = None, queue: str | None = None) -> Answers:
        """Poll both endpoints at once and parse them; raises a `PollError` on failure."""
        started = time.perf_counter()
        results = await asyncio.gather(
            self._call("GetExtensionsCalls", "extension", extension),
            self._call("GetQueuesCallers", "queue", queue),
            return_exceptions=True,
        )
        received = time.perf_counter()
        # Decode and check each answer that arrived before choosing what to report, so a
        # refused code (ERR 1) on one endpoint is not hidden by a 5xx on the other.
        payloads: list[Any] = []
        bodies: list[tuple[bytes, str]] = []
        errors: list[BaseException] = []
        for (endpoint, list_key), result in zip(_ENDPOINTS, results, strict=True):
            if isinstance(result, BaseException):
                errors.append(result)
                continue
            try:
                payloads.append(_open(endpoint, list_key, result))
                bodies.append(result)
            except PollError as error:
                errors.append(error)
        if errors:
            raise _most_telling(errors)
        extensions_payload, queues_payload = payloads
        read = None
        if isinstance(extensions_payload, CutAnswer):
            read = parse_extension_pieces(extensions_payload, self._extension_pieces)
            if read is None:  # the cut was wrong: read the whole answer the ordinary way
                extensions_payload = _decode("GetExtensionsCalls", bodies[0])
        if read is None:
            read = parse_extensions(extensions_payload, self._extensions_memo)
        extensions, skipped_ext = read
        queues, skipped_queues = parse_queues(queues_payload, self._queues_memo)
        return Answers(
            extensions=extensions,
            queues=queues,
            skipped=skipped_ext + skipped_queues,
            latency_s=received - started,
            received_perf=received,
        )

    async def _call(
        self, endpoint: str, filter_name: str, filter_value: str | None
    ) -> tuple[bytes, str]:
        params: dict[str, str] = {"code": self._code}
        if filter_value:
            params[filter_name] = filter_value
        try:
            async with asyncio.timeout(self._deadline_s):
                return await self._request(endpoint, params)
        except PollError:
            raise
        except TimeoutError:
            raise TransportError(
                f"{endpoint}: no answer within {self._deadline_s:g}s from {self._server}"
            ) from None
        except httpx.TimeoutException as error:
            raise TransportError(
                f"{endpoint}: timed out ({_kind(error)}) waiting for {self._server}"
            ) from None
        except (httpx.TransportError, OSError) as error:
            raise TransportError(
                f"{endpoint}: network error: {_network_reason(error, self._server)}"
            ) from None
        except httpx.HTTPError as error:
            raise ProtocolError(f"{endpoint}: HTTP failure ({_kind(error)})") from None
        except (ValueError, OverflowError, ExceptionGroup) as error:
            # Odd URLs surface deep in the transport (a port out of range, say).
            raise TransportError(f"{endpoint}: cannot send the request ({_kind(error)})") from None

    async def _request(self, endpoint: str, params: dict[str, str]) -> tuple[bytes, str]:
        """The body and content type of a 200 answer; raises a PollError otherwise."""
        if self._method == "GET":
            request = self._http.build_request("GET", endpoint, params=params)
        else:
            request = self._http.build_request("POST", endpoint, json=params)
        response = await self._http.send(request, stream=True)
        try:
            body = await self._read_limited(endpoint, response)
        finally:
            await response.aclose()
        status = response.status_code
        if status in (401, 403):
            raise AuthorizationError(
                f"{endpoint}: HTTP {status}, access refused: {AUTHORIZED_IPS_HINT}"
            )
        retry_after = response.headers.get("retry-after")
        if status == 429 or (status == 503 and retry_after):
            raise _rate_limited(endpoint, status, retry_after)
        if status >= 500:
            raise TransportError(f"{endpoint}: server error HTTP {status}")
        if status != 200:
            raise ProtocolError(f"{endpoint}: unexpected HTTP {status} (check the base URL)")
        return body, response.headers.get("content-type", "no content type")

    async def _read_limited(self, endpoint: str, response: httpx.Response) -> bytes:
        """The body, inflated here step by step: the limit counts the inflated bytes as they
        come, so neither a long nor a compressed answer is held beyond it."""
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise ProtocolError(f"{endpoint}: answer too large ({int(declared)} bytes)")
        if response.is_stream_consumed:  # built in memory (a test's mock), decoded already
            if len(response.content) > self._max_bytes:
                raise ProtocolError(
                    f"{endpoint}: answer larger than the {self._max_bytes} byte limit"
                )
            return response.content
        inflater = _Inflater.for_encoding(endpoint, response.headers.get("content-encoding"))
        chunks: list[bytes] = []
        size = 0
        async for raw in response.aiter_raw():
            for chunk in inflater.feed(raw) if inflater is not None else (raw,):
                size += len(chunk)
                if size > self._max_bytes:
                    raise ProtocolError(
                        f"{endpoint}: answer larger than the {self._max_bytes} byte limit"
                    )
                chunks.append(chunk)
        return b"".join(chunks)


class _Inflater:
    """Inflates a gzip or deflate body in bounded steps (`INFLATE_STEP_BYTES` at most)."""

    def __init__(self, endpoint: str, wbits: int, raw_fallback: bool) -> None:
        self._endpoint = endpoint
        self._inflate = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback  # "deflate" may come without its zlib header
        self._started = False

    @classmethod
    def for_encoding(cls, endpoint: str, header: str | None) -> _Inflater | None:
        """The inflater for a Content-Encoding, None for none; a ProtocolError for others."""
        encoding = (header or "identity").strip().lower()
        if encoding in ("", "identity"):
            return None
        if encoding in ("gzip", "x-gzip"):
            return cls(endpoint, 16 + zlib.MAX_WBITS, raw_fallback=False)
        if encoding == "deflate":
            return cls(endpoint, zlib.MAX_WBITS, raw_fallback=True)
        raise ProtocolError(f"{endpoint}: answer in an encoding not asked for ({_clip(encoding)})")

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The inflated bytes of `data`, in steps of at most `INFLATE_STEP_BYTES`."""
        while not self._inflate.eof:
            try:
                out = self._inflate.decompress(data, INFLATE_STEP_BYTES)
            except zlib.error:
                if self._raw_fallback and not self._started:
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._raw_fallback = False
                    continue
                raise ProtocolError(
                    f"{self._endpoint}: answer is not valid compressed data"
                ) from None
            self._started = True
            if out:
                yield out
            data = self._inflate.unconsumed_tail
            if not data and len(out) < INFLATE_STEP_BYTES:
                return  # all input taken, and no output left waiting


def _open(endpoint: str, list_key: str, answer: tuple[bytes, str]) -> Any:
    """An answer whose envelope (ERR, DESC) is checked: cut into items when it can be
    (`wallboard.api.pieces`; extensions only, the one big answer), else decoded whole."""
    cut = cut_answer(answer[0], list_key) if list_key == "EXTENSIONS" else None
    if cut is not None:
        try:
            envelope = loads(cut.envelope)
        except (ValueError, RecursionError):
            pass  # the whole answer's reading below says what is wrong with it
        else:
            check_envelope(envelope, list_key)
            return cut
    payload = _decode(endpoint, answer)
    check_envelope(payload, list_key)
    return payload


def _decode(endpoint: str, answer: tuple[bytes, str]) -> Any:
    """Decode a JSON body; anything else is a ProtocolError that says what came instead."""
    body, content_type = answer
    try:
        return loads(body)
    except (ValueError, RecursionError):
        what = "an HTML page" if b"<html" in body[:512].lower() else "not JSON"
        raise ProtocolError(
            f"{endpoint}: answer is {what} ({_clip(content_type)}, {len(body)} bytes)"
        ) from None


def _rate_limited(endpoint: str, status: int, retry_after: str | None) -> RateLimitError:
    """A 429 (or 503 with Retry-After) as the error it is, with the wait the server asked."""
    seconds: float | None = None
    at_utc: float | None = None
    text = (retry_after or "").strip()
    if text.isdigit():
        seconds = float(min(int(text[:12]), 10**9))
    elif text:
        try:
            at_utc = email.utils.parsedate_to_datetime(text[:64]).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            at_utc = None
    asked = f"; it asks to wait {seconds:g}s" if seconds is not None else ""
    if at_utc is not None:
        asked = "; it names a time to come back"
    what = "rate limited" if status == 429 else "busy"
    return RateLimitError(
        f"{endpoint}: {what} by the server (HTTP {status}){asked}",
        retry_after_s=seconds,
        retry_at_utc=at_utc,
    )


_REASONS = {
    errno.ECONNREFUSED: "connection refused by {server}",
    errno.ECONNRESET: "connection reset by {server}",
    errno.ECONNABORTED: "connection aborted by {server}",
    errno.EPIPE: "connection closed by {server}",
    errno.ENETUNREACH: "network unreachable on the way to {server}",
    errno.EHOSTUNREACH: "no route to {server}",
    errno.ETIMEDOUT: "no connection to {server} (timed out)",
    errno.EADDRNOTAVAIL: "cannot reach {server} from this machine",
}


def _network_reason(error: BaseException, server: str) -> str:
    """What went wrong on the network, in words that name the server (host:port); short,
    since the health line puts it first on one line."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:  # the chain, bounded by `seen`
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve {server.rsplit(':', 1)[0].strip('[]')} (DNS)"
        if isinstance(cause, OSError) and cause.errno in _REASONS:
            return _REASONS[cause.errno].format(server=server)
        cause = cause.__cause__ or cause.__context__
    # No errno to go by: the class names what failed (short: the health line is one line).
    return f"{server} ({_kind(error)})"


def _most_telling(errors: list[BaseException]) -> BaseException:
    """Of the failures of one poll, the one that says most about what to do."""
    for kind in (AuthorizationError, ApiError, RateLimitError, TransportError, ProtocolError):
        for error in errors:
            if isinstance(error, kind):
                return error
    return errors[0]


def _kind(error: BaseException) -> str:
    """Name an exception by its class only: httpx messages may quote the request."""
    return type(error).__name__


def _clip(text: str, limit: int = 60) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
