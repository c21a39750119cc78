"""Which agents the grid shows, and in what order: sort, filter, hide logged-out.

The sort by state groups agents by category (on a call, available, away, logged out) and
keeps name order inside a group: a tile moves only when its agent's category changes,
never on Talking ↔ Hold or Lunch ↔ Break (`wallboard.core.board.category_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from operator import attrgetter

from wallboard.core.board import AgentCategory, AgentView, category_of

__all__ = ["AgentCategory", "SortOrder", "arrange", "category_of"]


class SortOrder(StrEnum):
    """The grid's sort orders, cycled with `s`."""

    STATE = "state"
    NAME = "name"
    TIME = "time in state"

    def next(self) -> SortOrder:
        """The order after this one."""
        orders = list(SortOrder)
        return orders[(orders.index(self) + 1) % len(orders)]


def arrange(
    agents: Iterable[AgentView],
    *,
    sort: SortOrder = SortOrder.STATE,
    hide_logged_out: bool = False,
    filter_text: str = "",
) -> list[AgentView]:
    """The agents to show, in order. Time in state sorts the longest first."""
    needle = filter_text.strip().casefold()
    chosen = [
        agent
        for agent in agents
        if not (hide_logged_out and agent.logged_out)
        and (not needle or needle in agent.search_text)
    ]
    if sort is SortOrder.NAME:
        chosen.sort(key=lambda a: (a.sort_name, a.username))
    elif sort is SortOrder.TIME:
        chosen.sort(key=lambda a: (a.since_utc, a.sort_name, a.username))
    else:
        chosen.sort(key=attrgetter("state_key"))  # (category, sort_name, username)
    return chosen
