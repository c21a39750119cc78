"""Which business day a moment belongs to: days start at `day_starts` in the centre's zone.

The zone arrives as a `tzinfo` (the composition root loads it), so this module reads no
files and no clock. Days are calendar days of the zone, shifted by `day_starts`, so a day
across a DST change is 23 or 25 hours long and still starts at the same local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True, slots=True)
class DayCalendar:
    """The business day of a UTC moment, and the UTC moment each day starts."""

    zone: tzinfo
    starts: time = time(0, 0)

    def day_of(self, utc: float) -> date:
        """The business day that UTC epoch `utc` falls in."""
        local = datetime.fromtimestamp(utc, self.zone).replace(tzinfo=None)
        return (local - timedelta(hours=self.starts.hour, minutes=self.starts.minute)).date()

    def start_of(self, day: date) -> float:
        """The UTC epoch at which `day` starts."""
        return datetime.combine(day, self.starts).replace(tzinfo=self.zone).timestamp()

    def end_of(self, day: date) -> float:
        """The UTC epoch at which `day` ends (the next day's start)."""
        return self.start_of(day + timedelta(days=1))


def parse_day_start(text: str) -> time:
    """`HH:MM` as a time of day; ValueError with a plain message otherwise."""
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        raise ValueError(f"day_starts must be HH:MM (00:00 to 23:59), not {text!r}") from None
