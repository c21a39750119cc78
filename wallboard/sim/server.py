"""The simulated Active Calls API: a Starlette app serving a :class:`CallCentre`.

Routes, as on ``https://monapisec.voicenter.co.il/comet/API``:

- ``GET|POST /comet/API/GetExtensionsCalls``: ``code``, optional ``extension`` (SIP id);
- ``GET|POST /comet/API/GetQueuesCallers``: ``code``, optional ``queue`` (queue ID).

GET takes query parameters, POST a JSON object body. Answers follow the vendor: HTTP 200 with
``ERR`` 0 and the data, ``ERR`` 1 "Authorization failed" for a wrong or missing code or a body
that is not a JSON object, ``ERR`` 2 "Internal error" for a bad parameter value.

The model runs on a simulated clock, ``sim = start + (now() - start) * speed``, where ``start``
is the real time the app was created. ``utc_offset_hours`` shifts every epoch in the answers
(``JoinTime``, ``callStarted``, ``callAnswered``) the way a server sending local time would;
``Duration`` is measured in the same frame, so ``JoinTime + Duration`` is the server's shifted
"now". A :class:`FaultProfile` can make any request fail (see :mod:`wallboard.sim.faults`).

The same app works over a real port (:func:`run_server`) and in-process through
``httpx.ASGITransport``. In-process there is no socket: a ``reset`` or ``server_down`` fault then
raises the exception httpx raises for a dropped connection, and ``hang`` only ends when the
caller cancels it, because ``ASGITransport`` does not apply httpx timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from wallboard.sim.centre import CallCentre
from wallboard.sim.faults import FaultKind, FaultProfile, drift_extensions, drift_queues

__all__ = ["API_PREFIX", "build_server", "create_app", "run_server"]

#: Where the API lives on the server, as on Voicenter's.
API_PREFIX = "/comet/API"

_AUTH_FAILED = {"ERR": 1, "DESC": "Authorization failed"}
_INTERNAL_ERROR = {"ERR": 2, "DESC": "Internal error"}
_JSON = "application/json; charset=utf-8"
_RAW_SEND = "wallboard.sim.raw_send"
_HTML_ERROR = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
}


class _SimApp(Starlette):
    """Starlette that keeps the server's own ``send`` in the scope.

    Starlette wraps ``send`` in its middleware; a fault that drops the connection needs the
    server's original one, whose owner holds the socket's transport.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[_RAW_SEND] = send
        await super().__call__(scope, receive, send)


class _Api:
    """The two endpoints, sharing one call centre, one fault profile and one clock."""

    def __init__(
        self,
        *,
        code: str,
        centre: CallCentre,
        faults: FaultProfile,
        sim_now: Callable[[], float],
        now: Callable[[], float],
        epoch_offset_s: int,
    ) -> None:
        self._code = code.encode()
        self._centre = centre
        self._faults = faults
        self._sim_now = sim_now
        self._now = now
        self._offset = epoch_offset_s
        self._model_lock = threading.Lock()

    async def extensions(self, request: Request) -> Response:
        return await self._serve(request, "EXTENSIONS")

    async def queues(self, request: Request) -> Response:
        return await self._serve(request, "QUEUES")

    async def _serve(self, request: Request, key: str) -> Response:
        # Read the body first: waiting below watches for a disconnect, which must not swallow
        # the request body.
        body = await request.body()
        faults = self._faults
        fault = faults.draw(self._now())
        if fault is FaultKind.SERVER_DOWN or fault is FaultKind.RESET:
            return await _drop_connection(request, reset=fault is FaultKind.RESET)
        if fault is FaultKind.HANG:
            await _wait_unless_disconnected(request, faults.hang_seconds)
        elif fault is FaultKind.SLOW:
            await asyncio.sleep(faults.slow_seconds)
        if fault is FaultKind.HTTP_500_HTML:
            status = faults.http_error_status()
            html = _HTML_ERROR.format(status=status, reason=_REASONS[status])
            return Response(html, status_code=status, media_type="text/html")
        if fault is FaultKind.ERR_1:
            raw = _encode(_AUTH_FAILED)
        elif fault is FaultKind.ERR_2:
            raw = _encode(_INTERNAL_ERROR)
        else:
            params = _read_params(request, body)
            if params is None or not self._authorised(params.get("code")):
                raw = _encode(_AUTH_FAILED)
            else:
                # Thousands of agents at high speed take a while to simulate and encode: keep
                # that off the event loop, which an in-process demo shares with its UI.
                raw = await asyncio.to_thread(self._snapshot, key, params, fault)
        if fault is FaultKind.TRUNCATED_JSON:
            raw = raw[: len(raw) // 2]
        return Response(raw, media_type=_JSON)

    def _snapshot(self, key: str, params: dict[str, Any], fault: FaultKind | None) -> bytes:
        """The encoded answer of an authorised request, computed in a worker thread."""
        # One request at a time moves the model, even if a cancelled one is still running.
        with self._model_lock:
            self._centre.advance_to(self._sim_now())
            rng = self._faults.rng
            try:
                if key == "EXTENSIONS":
                    items = self._centre.extensions_payload(
                        _filter_value(params.get("extension")), epoch_offset_s=self._offset
                    )
                    if fault is FaultKind.EMPTY_EXTENSIONS:
                        items = []
                    elif fault is FaultKind.SCHEMA_DRIFT:
                        drift_extensions(items, rng)
                else:
                    items = self._centre.queues_payload(
                        _filter_value(params.get("queue")), epoch_offset_s=self._offset
                    )
                    if fault is FaultKind.SCHEMA_DRIFT:
                        drift_queues(items, rng)
            except ValueError:
                return _encode(_INTERNAL_ERROR)
            return _encode({"ERR": 0, "DESC": "OK", key: items})

    def _authorised(self, code: object) -> bool:
        # Constant-time comparison: the code is a credential.
        return isinstance(code, str) and hmac.compare_digest(code.encode(), self._code)


def create_app(
    *,
    code: str,
    seed: int = 1,
    agents: int = 40,
    queues: int = 4,
    speed: float = 1.0,
    utc_offset_hours: float = 0.0,
    faults: FaultProfile | None = None,
    now: Callable[[], float] = time.time,
    centre: CallCentre | None = None,
) -> Starlette:
    """Build the simulated API around a fresh, warmed-up :class:`CallCentre`.

    ``centre`` serves a centre built by the caller instead (the demo's, already run up to
    the present; ``seed``, ``agents`` and ``queues`` are then unused): the simulated clock
    starts at whichever is later, the centre's time or ``now()``.
    ``code`` is the only accepted organisation code. ``speed`` makes simulated time run that
    many times faster than ``now()``. ``now`` is the real clock, injectable for tests. The
    centre, the fault profile and the simulated clock are exposed as ``app.state.centre``,
    ``app.state.faults`` and ``app.state.sim_now`` (tests force faults with
    ``app.state.faults.force(kind)``; read the centre only while no request is in flight, as
    requests move it from a worker thread).
    """
    if not code:
        raise ValueError("the simulator needs a non-empty organisation code")
    if not speed > 0:
        raise ValueError(f"speed must be > 0, got {speed}")
    real_start = now()
    if centre is None:
        centre = CallCentre(seed=seed, agents=agents, queues=queues, start=real_start)
    profile = faults if faults is not None else FaultProfile()

    def sim_now() -> float:
        return real_start + (now() - real_start) * speed

    api = _Api(
        code=code,
        centre=centre,
        faults=profile,
        sim_now=sim_now,
        now=now,
        epoch_offset_s=round(utc_offset_hours * 3600),
    )
    app = _SimApp(
        routes=[
            Route(f"{API_PREFIX}/GetExtensionsCalls", api.extensions, methods=["GET", "POST"]),
            Route(f"{API_PREFIX}/GetQueuesCallers", api.queues, methods=["GET", "POST"]),
        ]
    )
    app.state.centre = centre
    app.state.faults = profile
    app.state.sim_now = sim_now
    return app


def build_server(
    *,
    host: str,
    port: int,
    code: str,
    seed: int = 1,
    agents: int = 40,
    queues: int = 4,
    speed: float = 1.0,
    utc_offset_hours: float = 0.0,
    faults: str | None = None,
) -> uvicorn.Server:
    """A ready-to-run uvicorn server for the simulator; :func:`run_server` runs one.

    Uvicorn logs only warnings and has no access log: an access log line would print the URL,
    and a GET request's URL holds the code. ``faults`` is a spec for
    :meth:`FaultProfile.parse`, seeded with ``seed``.
    """
    profile = FaultProfile.parse(faults, seed=seed)
    app = create_app(
        code=code,
        seed=seed,
        agents=agents,
        queues=queues,
        speed=speed,
        utc_offset_hours=utc_offset_hours,
        faults=profile,
    )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        server_header=False,
        # A request hanging on purpose must not hold up Ctrl+C for long.
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


def run_server(
    *,
    host: str,
    port: int,
    code: str,
    seed: int = 1,
    agents: int = 40,
    queues: int = 4,
    speed: float = 1.0,
    utc_offset_hours: float = 0.0,
    faults: str | None = None,
) -> None:
    """Serve the simulated API on ``host:port`` until Ctrl+C (``wallboard simulate``).

    Returns normally after Ctrl+C / SIGINT, once uvicorn has shut down. Raises ``OSError`` when
    the address cannot be bound (uvicorn alone would log and exit). Prints nothing itself: the
    caller announces the address.
    """
    server = build_server(
        host=host,
        port=port,
        code=code,
        seed=seed,
        agents=agents,
        queues=queues,
        speed=speed,
        utc_offset_hours=utc_offset_hours,
        faults=faults,
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    # uvicorn re-raises the SIGINT it handled once it has shut down; for a server that is
    # the normal way to stop, not an error worth a traceback.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])


def _encode(answer: dict[str, Any]) -> bytes:
    # Compact and \u-escaped, as PHP's json_encode sends it.
    return json.dumps(answer, separators=(",", ":")).encode()


def _read_params(request: Request, body: bytes) -> dict[str, Any] | None:
    """The request's parameters, or None when a POST body is not a JSON object."""
    if request.method == "GET":
        return dict(request.query_params)
    try:
        params = json.loads(body)
    except ValueError:  # includes UnicodeDecodeError
        return None
    return params if isinstance(params, dict) else None


def _filter_value(value: object) -> str | None:
    """A filter parameter as text; ValueError (-> ERR 2) for lists, objects, booleans."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("filter must be a string or an integer")
    return str(value)


async def _drop_connection(request: Request, *, reset: bool) -> Response:
    """Close the client's connection without an answer; with ``reset``, as a TCP RST."""
    raw_send = request.scope.get(_RAW_SEND)
    transport = getattr(getattr(raw_send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        # In process (httpx.ASGITransport) there is no socket to drop: raise what httpx raises
        # when the peer goes away, so a client sees the same error type as over the network.
        raise _dropped_error(reset)
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger 0: closing sends RST instead of FIN.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    # Let the loop deliver connection_lost, so uvicorn knows the client is gone and neither
    # logs an error nor tries to answer.
    for _ in range(3):
        await asyncio.sleep(0)
    return Response(status_code=204)  # goes nowhere: the connection is closed


def _dropped_error(reset: bool) -> Exception:
    try:
        import httpx
    except ImportError:  # pragma: no cover - httpx is a dependency of the project
        return ConnectionResetError("simulated connection drop")
    if reset:
        return httpx.ReadError("[Errno 104] Connection reset by peer (simulated)")
    return httpx.RemoteProtocolError("Server disconnected without sending a response (simulated)")


async def _wait_unless_disconnected(request: Request, seconds: float) -> None:
    """Sleep ``seconds``, ending early once the client has gone away."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        await asyncio.sleep(min(left, 0.25))
        if await request.is_disconnected():
            return
