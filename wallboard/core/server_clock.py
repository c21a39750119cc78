"""Estimate the API server's clock offset (server epoch minus UTC), so durations are true.

Voicenter's epochs may be Israel local time (UTC+2/+3) rather than UTC, and the client's own
clock may drift. Waiting callers give a precise reading: the server reports `Duration` as of
its answer, so `JoinTime + Duration` is the server's "now". Without waiting callers, calls
cannot have started in the future, which bounds the offset from below, and real offsets
come in quarter hours, from a short list of likely zones.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Iterable
from datetime import datetime

QUARTER_HOUR_S = 900
# How far the client's clock may be ahead of the server's before the bound misleads us.
BOUND_TOLERANCE_S = 120
# A precise reading this far from the running median means the server's clock changed
# (a daylight-saving switch): start afresh rather than average across it.
JUMP_S = 300
WINDOW = 15
# `Duration` is whole seconds, so readings run up to a second short; a reading this close to
# a quarter hour is that quarter hour (a client clock this far off would not be noticed).
SNAP_S = 2.0
# No time zone is further than 14 h from UTC; allow a day's slack for clock errors.
MAX_OFFSET_S = 16 * 3600


def israel_offset_s(utc_now: float) -> int:
    """Israel's UTC offset at `utc_now`, in seconds (the vendor's local time)."""
    try:
        from zoneinfo import ZoneInfo

        offset = datetime.fromtimestamp(utc_now, ZoneInfo("Asia/Jerusalem")).utcoffset()
    except Exception:  # no tz database on this machine: fall back to winter time
        return 7200
    return int(offset.total_seconds()) if offset is not None else 7200


class ServerClockEstimator:
    """Keeps a bounded window of readings and answers the best offset for each poll."""

    def __init__(self, fixed_offset_s: float | None = None) -> None:
        self._fixed = fixed_offset_s
        self._precise: deque[float] = deque(maxlen=WINDOW)
        # Israel's offset when the precise readings were taken: only a server that kept
        # Israel time then should follow Israel's daylight-saving switches later.
        self._israel_then: int | None = None

    def estimate(
        self,
        fetched_at: float,
        server_nows: Iterable[float],
        event_times: Iterable[float],
    ) -> float:
        """The offset for a poll answered at UTC `fetched_at`.

        `server_nows` are the server's own readings of "now" (`JoinTime + Duration` of each
        waiting caller); `event_times` are server epochs that cannot lie in the future
        (`callStarted`, `callAnswered`, `JoinTime`).
        """
        if self._fixed is not None:
            return self._fixed
        # Readings beyond any real time zone are broken data, not a clock: ignore them.
        readings = [
            reading
            for reading in (now - fetched_at for now in server_nows)
            if abs(reading) <= MAX_OFFSET_S
        ]
        if readings:
            reading = statistics.median(readings)
            if self._precise and abs(reading - statistics.median(self._precise)) > JUMP_S:
                self._precise.clear()
            self._precise.append(reading)
            self._israel_then = israel_offset_s(fetched_at)
            return _snap(float(statistics.median(self._precise)))
        latest = max((t for t in event_times if abs(t - fetched_at) <= MAX_OFFSET_S), default=None)
        lower_bound = None if latest is None else latest - fetched_at - BOUND_TOLERANCE_S
        israel = israel_offset_s(fetched_at)
        if self._precise:
            previous = _snap(float(statistics.median(self._precise)))
            if (
                previous == self._israel_then
                and previous != israel
                and (lower_bound is None or israel >= lower_bound)
            ):
                # The server keeps Israel time and Israel has switched (daylight saving):
                # follow it, even with nobody waiting to confirm.
                self._precise.clear()
                self._precise.append(float(israel))
                self._israel_then = israel
                return float(israel)
            if lower_bound is None or previous >= lower_bound:
                return previous
            self._precise.clear()
        if lower_bound is None:
            return 0.0
        for candidate in sorted({0, israel}):
            if candidate >= lower_bound:
                return float(candidate)
        # Somewhere else entirely: the smallest quarter hour the bound allows.
        return float(-(-lower_bound // QUARTER_HOUR_S) * QUARTER_HOUR_S)


def _snap(offset: float) -> float:
    """The nearest quarter hour when `offset` is within `SNAP_S` of it, else `offset`."""
    quarter = round(offset / QUARTER_HOUR_S) * QUARTER_HOUR_S
    return float(quarter) if abs(offset - quarter) <= SNAP_S else offset
