"""Serve a hostile body on a loopback port, in its own process (so that a test measuring the
client's memory does not count the server's buffers).

    python tests/reliability/hostile_server.py endless --megabytes 100   # chunked, no length
    python tests/reliability/hostile_server.py gzip --megabytes 1024     # a compressed bomb

Prints the port on the first line of stdout, then serves both endpoints until killed or
`--seconds` (default 60) have passed.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import threading
import zlib
from typing import Any

import uvicorn


def gzip_bomb(inflated_bytes: int) -> bytes:
    """A small gzip body that inflates to about `inflated_bytes` of JSON-looking text."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b'{"ERR":0,"EXTENSIONS":[')]
    block = b" " * (1024 * 1024)
    parts += [packer.compress(block) for _ in range(inflated_bytes // len(block))]
    parts.append(packer.compress(b"]}") + packer.flush())
    return b"".join(parts)


class HostileBody:
    """Answers every request with 200 and the chosen body."""

    def __init__(self, kind: str, megabytes: int) -> None:
        self.kind = kind
        self.size = megabytes * 1024 * 1024
        self.bomb = gzip_bomb(self.size) if kind == "gzip" else b""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        headers = [(b"content-type", b"application/json")]
        if self.kind == "gzip":
            headers += [
                (b"content-encoding", b"gzip"),
                (b"content-length", str(len(self.bomb)).encode()),
            ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if self.kind == "gzip":
            await send({"type": "http.response.body", "body": self.bomb})
            return
        chunk = b'{"username":"x","name":"' + b"y" * 65_000 + b'"},'
        await send(
            {"type": "http.response.body", "body": b'{"ERR":0,"EXTENSIONS":[', "more_body": True}
        )
        sent = 0
        while sent < self.size:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            sent += len(chunk)
        await send({"type": "http.response.body", "body": b"{}]}", "more_body": False})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["endless", "gzip"])
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    options = parser.parse_args()
    app = HostileBody(options.kind, options.megabytes)
    sock = socket.create_server(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="critical", access_log=False, lifespan="off")
    )
    # Bounded life: a test that dies cannot leave this serving for ever.
    threading.Timer(options.seconds, lambda: setattr(server, "should_exit", True)).start()
    asyncio.run(server.serve(sockets=[sock]))
    sys.exit(0)


if __name__ == "__main__":
    main()
