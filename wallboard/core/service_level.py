"""How a queue's service level stands against its target: met, close, or missed.

"Close" is within `CLOSE_MARGIN_PTS` percentage points below the target: a supervisor acts
before the target is missed, not after. Met is at or above the target.
"""

from __future__ import annotations

from enum import StrEnum

CLOSE_MARGIN_PTS = 5.0


class Standing(StrEnum):
    """A service level against its target."""

    MET = "met"
    CLOSE = "close"
    MISSED = "missed"


def standing(
    service_level_pct: float | None, target_pct: float, margin: float = CLOSE_MARGIN_PTS
) -> Standing | None:
    """Met, close or missed; None when there is no service level yet (nothing finished)."""
    if service_level_pct is None:
        return None
    if service_level_pct >= target_pct:
        return Standing.MET
    if service_level_pct >= target_pct - margin:
        return Standing.CLOSE
    return Standing.MISSED
