"""`wallboard serve`: the board in browsers, with textual-serve, each session following a hub.

Every browser tab is one `wallboard run` process following the hub through Redis (never
polling Voicenter): textual-serve starts it when the tab's websocket opens and stops it
when the tab closes. Sessions are bounded (`max_sessions`; one more is refused with 503).
The server listens on loopback by default; on any other address it needs a password
(HTTP Basic, any user name), checked on every request, the page and the websocket alike,
so no session starts without it. The Redis URL and passwords reach the sessions through
their environment, never their command line.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import shlex
import sys
from base64 import b64decode
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.server import Server

from wallboard.feed.redis_link import PASSWORD_ENV, RedisLink

WEB_PASSWORD_ENV = "WALLBOARD_WEB_PASSWORD"
DEFAULT_MAX_SESSIONS = 20


class ServeError(Exception):
    """A setting `serve` cannot run with; the message never holds a secret."""


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def web_password(password_file: Path | None) -> str | None:
    """The browsers' password: from `password_file`, else `WALLBOARD_WEB_PASSWORD`."""
    if password_file is not None:
        try:
            text = password_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ServeError(f"cannot read the web password file: {error.strerror}") from None
        if not text:
            raise ServeError("the web password file is empty")
        return text
    return os.environ.get(WEB_PASSWORD_ENV) or None


class BoardServer(Server):
    """textual-serve's server with a password, a session limit and quiet logging."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        password: str | None,
        max_sessions: int,
        public_url: str | None = None,
        log: Callable[[str], None] = print,
    ) -> None:
        super().__init__(command, host=host, port=port, title="wallboard", public_url=public_url)
        self.password = password
        self.max_sessions = max_sessions
        self.sessions = 0
        self.log = log

    def initialize_logging(self) -> None:
        """No rich log handler: one line per session on stderr is enough."""

    async def on_startup(self, app: web.Application) -> None:
        """Say where the board is served (no banner)."""
        guarded = "password required" if self.password else "no password (loopback only)"
        self.log(f"serving the board on {self.public_url} ({guarded}; {self.max_sessions} max)")

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._check_password)
        return app

    @web.middleware
    async def _check_password(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[Any]]
    ) -> Any:
        if self.password is not None and not self._authorised(request):
            return web.Response(
                status=401,
                text="a password is needed",
                headers={"WWW-Authenticate": 'Basic realm="wallboard", charset="UTF-8"'},
            )
        return await handler(request)

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or self.password is None:
            return False
        try:
            _user, _, given = b64decode(token, validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(given.encode(), self.password.encode())

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One session per websocket, refused beyond `max_sessions`, ended with it."""
        if self.sessions >= self.max_sessions:
            raise web.HTTPServiceUnavailable(text="too many boards are open; try again later")
        self.sessions += 1
        self.log(f"session opened ({self.sessions} open)")
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1
            self.log(f"session closed ({self.sessions} open)")


def serve_board(
    link: RedisLink,
    *,
    host: str,
    port: int,
    password: str | None,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    public_url: str | None = None,
    extra_args: tuple[str, ...] = (),
    log: Callable[[str], None] = print,
) -> None:
    """Serve the board until SIGINT or SIGTERM (see the module)."""
    if password is None and not is_loopback(host):
        raise ServeError(
            f"serving on {host} (beyond this machine) needs a password: "
            f"--password-file PATH or {WEB_PASSWORD_ENV}"
        )
    # The sessions read where to go from their environment (WALLBOARD_FROM may carry a
    # password there), never from the command line, and not the web password at all.
    os.environ["WALLBOARD_FROM"] = link.url
    os.environ.pop(WEB_PASSWORD_ENV, None)
    if link.password is not None:
        os.environ[PASSWORD_ENV] = link.password
    command = " ".join(
        shlex.quote(part)
        for part in (sys.executable, "-m", "wallboard", "run", "--feed", link.prefix, *extra_args)
    )
    BoardServer(
        command,
        host=host,
        port=port,
        password=password,
        max_sessions=max_sessions,
        public_url=public_url,
        log=log,
    ).serve()
