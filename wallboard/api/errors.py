"""Typed failures of a poll. Messages are written for the person at the board.

No message, repr or argument of these errors ever holds the account code: they are built
from fixed text, status codes and exception class names only, never from request data.
"""

from __future__ import annotations

AUTHORIZED_IPS_HINT = (
    "check the code, and that this machine's IP is listed under Authorized IPs for the account"
)


class PollError(Exception):
    """Base of every failure to read a snapshot. `kind` is a short word for the health line."""

    kind = "error"
    exit_code = 5

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class AuthorizationError(PollError):
    """ERR 1, or HTTP 401/403: the code was refused. Retrying fast will not help."""

    kind = "auth"
    exit_code = 3


class ApiError(PollError):
    """ERR 2 (or another non-zero ERR): the service understood the request and refused it."""

    kind = "api"
    exit_code = 4


class TransportError(PollError):
    """Network failure, timeout, or an HTTP 5xx answer."""

    kind = "network"


class ProtocolError(PollError):
    """An answer that is not the API's: not JSON, wrong shape, too large, unexpected HTTP."""

    kind = "protocol"


# However long a server asks us to wait, a board polls again within this (5 minutes).
MAX_RETRY_AFTER_S = 300.0


class RateLimitError(PollError):
    """HTTP 429 (or 503 with Retry-After): the server asks us to come back later.

    `retry_after_s` is the wait it asked for in seconds, or `retry_at_utc` the UTC epoch it
    named (an HTTP date); the poller waits that long, bounded by `MAX_RETRY_AFTER_S`.
    """

    kind = "rate limit"

    def __init__(
        self,
        message: str,
        *,
        retry_after_s: float | None = None,
        retry_at_utc: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.retry_at_utc = retry_at_utc
