"""Which view a wall screen shows: the views take turns every few seconds, or one is pinned.

A wall board is read from across the room and nobody touches it, so the screen shows one
thing at a time, big, and moves on by itself: the centre's figures and the queue table,
then the agents, then the ticker. A key pins the view on screen (and unpins it); the
config may pin one from the start. Time is handed in (a monotonic reading in seconds), so
a test turns a minute of rotation in a few calls.
"""

from __future__ import annotations

from typing import Final, Literal

WallView = Literal["centre", "agents", "ticker"]
WallStart = Literal["rotate", "centre", "agents", "ticker"]

# The order the views come round in.
WALL_VIEWS: Final[tuple[WallView, ...]] = ("centre", "agents", "ticker")
DEFAULT_ROTATE_S: Final = 15.0


class WallRotation:
    """The view on a wall screen, turning every `every_s` seconds unless pinned."""

    def __init__(
        self, now: float, every_s: float = DEFAULT_ROTATE_S, start: str = "rotate"
    ) -> None:
        if every_s <= 0:
            raise ValueError("a wall view must stay on screen for some time")
        if start != "rotate" and start not in WALL_VIEWS:
            raise ValueError(f"no wall view named {start!r}")
        self.every_s = every_s
        self.pinned = start != "rotate"
        self.view: WallView = WALL_VIEWS[0] if start == "rotate" else _view(start)
        self._shown_at = now

    def update(self, now: float, stay_s: float = 0.0) -> bool:
        """Move on when the view has been on screen long enough (`every_s`, or `stay_s` if
        longer: the agents' view stays until each of its pages has been shown); True when
        it changed.

        However long since the last call (a board suspended for an hour), the view moves
        one step: the views come round in order, never skipped.
        """
        if now < self._shown_at:
            self._shown_at = now  # the clock went back: count from here
        if self.pinned or now - self._shown_at < max(self.every_s, stay_s):
            return False
        self.view = WALL_VIEWS[(WALL_VIEWS.index(self.view) + 1) % len(WALL_VIEWS)]
        self._shown_at = now
        return True

    def toggle_pin(self, now: float) -> bool:
        """Pin the view on screen, or unpin it (it then stays its full time); returns
        whether it is pinned now."""
        self.pinned = not self.pinned
        self._shown_at = now
        return self.pinned

    def restart(self, now: float) -> None:
        """Wall mode came on: the current view gets its full time."""
        self._shown_at = now

    def seconds_left(self, now: float) -> float | None:
        """How long until the next view; None while pinned."""
        if self.pinned:
            return None
        return max(0.0, self.every_s - (now - self._shown_at))


def _view(name: str) -> WallView:
    for view in WALL_VIEWS:
        if view == name:
            return view
    raise ValueError(f"no wall view named {name!r}")
