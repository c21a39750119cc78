"""The benchmark's load: the project's simulator (`wallboard.sim`), served in its own process
so its CPU is not counted against the board, logging every answer.

    python -m bench.sim_server --port 8800 --agents 2000 --queues 40 [--seed 1] [--log FILE]

The centre is `wallboard simulate`'s (one simulated call centre for the demo, the tests and
the benchmark), at real speed: a queueing model, so how many agents talk and how many
callers wait emerge from it and wander a little. At 2,000 agents and 40 queues (seed 1) it
holds about 1,630 logged in, 1,350 on calls and 650-750 callers waiting; the extensions
answer is ~900 KB. `--log FILE` appends one JSON line per answer: `t` (time.time() when the
body was sent), `endpoint`, `bytes`, and for the queues answer `waiting` (callers listed),
so a harness can count polls and report the load it measured under.

The accepted code comes from `VOICENTER_CODE` (never the command line).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from typing import IO, Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wallboard.sim.server import create_app


class AnswerLog:
    """ASGI middleware: one JSON line per answer of the wrapped app."""

    def __init__(self, app: ASGIApp, out: IO[str]) -> None:
        self.app = app
        self.out = out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        endpoint = str(scope.get("path", "")).rsplit("/", 1)[-1]
        body: list[bytes] = []

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._write(endpoint, b"".join(body))
            await send(message)

        await self.app(scope, receive, logged_send)

    def _write(self, endpoint: str, data: bytes) -> None:
        record: dict[str, Any] = {"t": time.time(), "endpoint": endpoint, "bytes": len(data)}
        if endpoint == "GetQueuesCallers":
            with contextlib.suppress(ValueError, KeyError, TypeError):  # an error answer
                record["waiting"] = sum(len(q["Callers"]) for q in json.loads(data)["QUEUES"])
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--queues", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", help="append one JSON line per answer to this file")
    args = parser.parse_args(argv)
    code = os.environ.get("VOICENTER_CODE")
    if not code:
        parser.error("set VOICENTER_CODE to the code the server accepts")
    app: ASGIApp = create_app(code=code, seed=args.seed, agents=args.agents, queues=args.queues)
    if args.log:
        app = AnswerLog(app, open(args.log, "a", encoding="utf-8"))  # noqa: SIM115 - lives with the server
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", access_log=False, lifespan="off"
    )


if __name__ == "__main__":
    main()
