"""The benchmark's load from a recording (`wallboard run --record`): a fixed, realistic load.

    python -m bench.recording_server --port 8800 --recording FILE [--log FILE]

Serves the Active Calls API's two endpoints with the recorded polls, in the recording's
own rhythm: the poll served at real time `t` is the last one recorded at or before
`t - began + first` (a recorded failure answers HTTP 503). Every epoch in the answers
(calls' start and answer times, callers' join times) is moved by the same amount, so
timers on the board read what they read then. At the end the recording starts again,
moved on by its length. `--log FILE` appends one JSON line per answer, as
`bench/sim_server.py` does, so the harness counts polls the same way.

The accepted code comes from `VOICENTER_CODE` (never the command line).
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from bench.sim_server import AnswerLog
from wallboard.core.snapshot import Snapshot
from wallboard.sim.server import API_PREFIX
from wallboard.sources.recording import Record, RecordedFailure, RecordingReader

_AUTH_FAILED = orjson.dumps({"ERR": 1, "DESC": "Authorization failed"})


def _time_of(record: Record) -> float:
    return record.fetched_at if isinstance(record, Snapshot) else record.at


class RecordedLoad:
    """The recorded poll due now, as the API's two answers (see the module)."""

    def __init__(self, path: Path, clock: Any = time.time) -> None:
        self.path = path
        self.clock = clock
        self.began = clock()
        self._loop = 0
        self._records: Iterator[Record] = iter(())
        self._first = 0.0
        self._span = 0.0
        self._interval = 2.0
        self._shift = 0.0
        self._current: Record | None = None
        self._next: Record | None = None
        self._answers: tuple[bytes, bytes] | None = None
        self._dumped: dict[int, tuple[Any, dict[str, Any]]] = {}
        self._restart()

    def _restart(self) -> None:
        reader = RecordingReader(self.path)
        self._interval = reader.header.interval_s
        self._records = iter(reader.records())
        first = next(self._records, None)
        if first is None:
            raise SystemExit(f"{self.path} holds no poll")
        if self._loop == 0:
            self._first = _time_of(first)
        self._shift = self.began - self._first + self._loop * self._span
        self._dumped = {}
        self._current, self._answers = first, None
        self._next = next(self._records, None)

    def _advance(self) -> None:
        now = self.clock()
        while True:
            if self._next is None:
                assert self._current is not None
                if not self._span:  # the end, the first time: how long one round lasts
                    self._span = _time_of(self._current) - self._first + self._interval
                if now < self.began + (self._loop + 1) * self._span:
                    return
                self._loop += 1
                self._restart()
                continue
            if _time_of(self._next) + self._shift > now:
                return
            self._current, self._answers = self._next, None
            self._next = next(self._records, None)

    def answers(self) -> tuple[bytes, bytes] | None:
        """The extensions and queues answers due now; None for a recorded failure."""
        self._advance()
        record = self._current
        if isinstance(record, RecordedFailure) or record is None:
            return None
        if self._answers is None:
            extensions = [self._moved(e, ("calls",), ("callStarted", "callAnswered"))
                          for e in record.extensions]  # fmt: skip
            queues = [self._moved(q, ("Callers",), ("JoinTime",)) for q in record.queues]
            self._answers = (
                orjson.dumps({"ERR": 0, "DESC": "OK", "EXTENSIONS": extensions}),
                orjson.dumps({"ERR": 0, "DESC": "OK", "QUEUES": queues}),
            )
        return self._answers

    def _moved(self, model: Any, lists: tuple[str, ...], epochs: tuple[str, ...]) -> Any:
        """The model as the API's JSON, its epochs moved to now (cached per model)."""
        hit = self._dumped.get(id(model))
        if hit is not None and hit[0] is model:
            return hit[1]
        item = model.model_dump(by_alias=True, mode="json")
        shift = round(self._shift)
        for key in lists:
            for inner in item.get(key) or []:
                for epoch in epochs:
                    if isinstance(inner.get(epoch), int) and inner[epoch] > 0:
                        inner[epoch] += shift
        self._dumped[id(model)] = (model, item)
        return item


def create_app(path: Path, code: str) -> Starlette:
    """The two endpoints, answering with the recording."""
    load = RecordedLoad(path)
    accepted = code.encode()

    async def answer(request: Request) -> Response:
        try:
            params = await request.json() if request.method == "POST" else request.query_params
            given = params.get("code") if hasattr(params, "get") else None
        except ValueError:
            given = None
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), accepted):
            return Response(_AUTH_FAILED, media_type="application/json")
        answers = load.answers()
        if answers is None:
            return Response(b"recorded failure", status_code=503, media_type="text/plain")
        body = answers[0] if request.url.path.endswith("GetExtensionsCalls") else answers[1]
        return Response(body, media_type="application/json")

    return Starlette(
        routes=[
            Route(f"{API_PREFIX}/GetExtensionsCalls", answer, methods=["GET", "POST"]),
            Route(f"{API_PREFIX}/GetQueuesCallers", answer, methods=["GET", "POST"]),
        ]
    )


def describe(path: Path) -> dict[str, Any]:
    """How big the recorded centre is (its first poll) and how long the recording runs."""
    reader = RecordingReader(path)
    first: Snapshot | None = None
    last = 0.0
    for record in reader.records():
        if first is None and isinstance(record, Snapshot):
            first = record
        last = _time_of(record)
    if first is None:
        raise SystemExit(f"{path} holds no poll")
    return {
        "extensions": len(first.extensions),
        "queues": len(first.queues),
        "polls": reader.count,
        "seconds": round(last - first.fetched_at, 1),
        "interval_s": reader.header.interval_s,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--recording", type=Path, required=True)
    parser.add_argument("--log", help="append one JSON line per answer to this file")
    args = parser.parse_args(argv)
    code = os.environ.get("VOICENTER_CODE")
    if not code:
        parser.error("set VOICENTER_CODE to the code the server accepts")
    app: ASGIApp = create_app(args.recording, code)
    if args.log:
        app = AnswerLog(app, open(args.log, "a", encoding="utf-8"))  # noqa: SIM115 - lives with the server
    print(json.dumps(describe(args.recording)), flush=True)
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", access_log=False, lifespan="off"
    )


if __name__ == "__main__":
    main()
