"""Where the feed lives in Redis, and how to reach Redis without showing its password.

Keys (under a prefix, `wallboard` by default):

- `<prefix>:feed`, a stream: one entry per message (field `m`, the wire format's bytes),
  trimmed to about `STREAM_LENGTH` entries. Boards block on it (XREAD).
- `<prefix>:latest`, a string: the latest `snapshot` message, with an expiry of a few
  intervals, so a board that starts late has the picture at once.

A password comes from the URL (when the URL itself came from the environment), else from a
file, else from `REDIS_PASSWORD`; it is never accepted on the command line and never shown:
`redacted` gives the URL's scheme, host, port and database only.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PREFIX = "wallboard"
STREAM_LENGTH = 50
PASSWORD_ENV = "REDIS_PASSWORD"


class LinkError(Exception):
    """A Redis URL or password that cannot be used; the message never holds the secret."""


@dataclass(frozen=True, slots=True)
class RedisLink:
    """How to reach the feed: URL (maybe with a password), a password, the key prefix."""

    url: str
    password: str | None = None
    prefix: str = DEFAULT_PREFIX

    @property
    def stream(self) -> str:
        """The stream every message goes to."""
        return f"{self.prefix}:feed"

    @property
    def latest(self) -> str:
        """The key holding the latest snapshot message."""
        return f"{self.prefix}:latest"

    @property
    def redacted(self) -> str:
        """The URL as it may be shown: no user, no password, no query."""
        return redacted(self.url)

    def client(self, **options: Any) -> Any:
        """A `redis.asyncio.Redis` for this link (imported here: only feed code needs it)."""
        import redis.asyncio

        kwargs: dict[str, Any] = dict(options)
        if self.password is not None and not url_has_password(self.url):
            kwargs["password"] = self.password
        return redis.asyncio.Redis.from_url(self.url, **kwargs)


def raise_if_cancelled() -> None:
    """Raise CancelledError when this task was asked to stop.

    On Python 3.11, `asyncio.wait_for` (which redis-py uses for its socket timeouts) loses
    a cancellation that arrives as the awaited reply does; a loop that blocks on Redis
    once a second then never ends. The task still counts the request, so ask it.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def redacted(url: str) -> str:
    """`scheme://host:port/db` of a Redis URL, never its user part, password or query."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    path = parts.path if parts.path not in ("", "/") else ""
    return f"{parts.scheme}://{host}{path}"


def url_has_password(url: str) -> bool:
    """Whether the URL carries a password (`redis://:secret@host`, `redis://user:secret@`)."""
    return urlsplit(url).password is not None


def check_url(url: str) -> None:
    """Refuse anything that is not a redis:// or rediss:// URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise LinkError("the Redis URL cannot be read") from None
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise LinkError("the Redis URL must be redis://HOST[:PORT][/DB] or rediss://...")


def make_link(
    url: str,
    *,
    url_from_command_line: bool,
    password_file: Path | None = None,
    prefix: str = DEFAULT_PREFIX,
) -> RedisLink:
    """The link for `url`, its password from the URL, `password_file` or `REDIS_PASSWORD`.

    A password inside a URL typed on the command line is refused: `ps` shows it to every
    user of the machine.
    """
    check_url(url)
    if url_from_command_line and url_has_password(url):
        raise LinkError(
            "a password in the Redis URL on the command line is visible to every user "
            f"(ps); put it in {PASSWORD_ENV} or a file (--redis-password-file)"
        )
    password: str | None = None
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise LinkError(f"cannot read the Redis password file: {error.strerror}") from None
        if not password:
            raise LinkError("the Redis password file is empty")
    elif os.environ.get(PASSWORD_ENV):
        password = os.environ[PASSWORD_ENV]
    if not prefix or not prefix.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise LinkError("the feed name must be letters, digits, '-', '_' or '.'")
    return RedisLink(url, password, prefix)
