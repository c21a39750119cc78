"""How long to wait before the next poll after failures: exponential, jittered, bounded."""

from __future__ import annotations

import random

MAX_BACKOFF_S = 60.0
# A refused code will not start working in a second: back off hard and stay polite.
AUTH_MIN_BACKOFF_S = 30.0
AUTH_MAX_BACKOFF_S = 300.0


def retry_delay(
    failures: int,
    interval_s: float,
    rng: random.Random,
    *,
    auth: bool = False,
) -> float:
    """Seconds before retry number `failures` (1 for the first failure).

    Doubles from the poll interval, capped at 60 s (300 s for authorization failures),
    with "equal jitter": half the delay fixed, half random, so boards that failed together
    do not retry together, yet never retry faster than half the nominal delay.
    """
    floor = AUTH_MIN_BACKOFF_S if auth else 1.0
    cap = AUTH_MAX_BACKOFF_S if auth else MAX_BACKOFF_S
    exponent = min(max(failures - 1, 0), 16)
    nominal = min(cap, max(floor, interval_s) * float(2**exponent))
    return float(nominal / 2 + rng.uniform(0, nominal / 2))
