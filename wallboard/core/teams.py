"""Teams: which agents work together and which queues they answer, from the config.

The API says nothing of which agents serve which queue, so a centre says it:
`[teams.Support] agents = ["sip1", "Dana*"] queues = ["5001", "Support"]`. An agent is
in a team when one of the team's entries is its SIP id, or a pattern (`fnmatch`: `*`,
`?`, `[...]`, case ignored) that its name or representative matches; an agent may be in
several teams. A queue is the team's when an entry is its ID or its name.

From that, pure functions answer what the board draws: the grid's sections (one per team,
in the config's order, then the agents of no team), who a `/` filter naming a team or a
queue selects, and per mapped queue how many of its agents are available, busy and away.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from wallboard.core.board import AgentView, QueueView

NO_TEAM = "No team"
# Agents' memberships remembered between polls (by SIP id and names): bounded.
MEMBERSHIP_CACHE = 20_000

# States by the board's style keys: on a call is busy, "status-available" available,
# logged out is none of the three, any other status away.
_BUSY_PREFIX = "call-"
_AVAILABLE = "status-available"
_LOGGED_OUT = "status-logged-out"


@dataclass(frozen=True, slots=True)
class Team:
    """One team as configured: its name, its agents (SIP ids or name patterns), its
    queues (IDs or names)."""

    name: str
    agents: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """One group of the grid: a heading and its agents, in the order given. `shared`
    holds the keys of the agents that are in other teams too (marked on their tiles)."""

    title: str
    agents: tuple[AgentView, ...]
    shared: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class QueueStaff:
    """How many of a mapped queue's agents are available, busy (on a call) and away
    (logged in, on a break or another status); logged-out agents are in none."""

    available: int = 0
    busy: int = 0
    away: int = 0


def _is_pattern(entry: str) -> bool:
    return any(ch in entry for ch in "*?[")


class Teams:
    """The configured teams, and what the board asks of them (see the module)."""

    def __init__(self, teams: Iterable[Team] = ()) -> None:
        self.teams: tuple[Team, ...] = tuple(teams)
        self._sip_ids = [
            frozenset(entry.casefold() for entry in team.agents) for team in self.teams
        ]
        self._patterns = [tuple(entry.casefold() for entry in team.agents) for team in self.teams]
        self._queues = [
            frozenset(entry.strip().casefold() for entry in team.queues) for team in self.teams
        ]
        self._memberships: dict[tuple[str, str, str], tuple[str, ...]] = {}

    def __bool__(self) -> bool:
        return bool(self.teams)

    @property
    def names(self) -> tuple[str, ...]:
        """The teams' names, in the config's order."""
        return tuple(team.name for team in self.teams)

    def teams_of(self, agent: AgentView) -> tuple[str, ...]:
        """The names of the teams `agent` is in, in the config's order."""
        ext = agent.extension
        key = (ext.username, ext.name or "", ext.representative or "")
        found = self._memberships.get(key)
        if found is None:
            if len(self._memberships) >= MEMBERSHIP_CACHE:
                self._memberships.clear()
            found = self._memberships[key] = self._match(*key, agent.name)
        return found

    def _match(self, username: str, name: str, representative: str, shown: str) -> tuple[str, ...]:
        sip = username.casefold()
        names = {text.casefold() for text in (username, name, representative, shown) if text}
        member = []
        for team, sip_ids, patterns in zip(self.teams, self._sip_ids, self._patterns, strict=True):
            if sip in sip_ids or any(
                fnmatch.fnmatchcase(text, pattern)
                for pattern in patterns
                for text in names
                if _is_pattern(pattern) or text == pattern
            ):
                member.append(team.name)
        return tuple(member)

    def sections(self, agents: Sequence[AgentView]) -> list[Section]:
        """The grid's groups: each team with its agents (in the order of `agents`), then
        the agents of no team; empty groups are left out. An agent in several teams is
        in each of their groups, marked as shared."""
        by_team: dict[str, list[AgentView]] = {name: [] for name in self.names}
        loners: list[AgentView] = []
        shared: set[str] = set()
        for agent in agents:
            member = self.teams_of(agent)
            if not member:
                loners.append(agent)
                continue
            if len(member) > 1:
                shared.add(agent.key)
            for name in member:
                by_team[name].append(agent)
        sections = [
            Section(name, tuple(group), frozenset(a.key for a in group if a.key in shared))
            for name, group in by_team.items()
            if group
        ]
        if loners:
            sections.append(Section(NO_TEAM, tuple(loners)))
        return sections

    def teams_for_queue(self, queue_id: int | str, queue_name: str) -> tuple[str, ...]:
        """The names of the teams that answer this queue (by its ID or its name)."""
        ident = str(queue_id).strip().casefold()
        name = queue_name.strip().casefold()
        return tuple(
            team.name
            for team, queues in zip(self.teams, self._queues, strict=True)
            if ident in queues or (name and name in queues)
        )

    def counts_for_queue(
        self, queue_id: int | str, queue_name: str, agents: Iterable[AgentView]
    ) -> QueueStaff | None:
        """How many agents of the teams answering this queue are available, busy and
        away (each agent counted once); None when no team maps the queue."""
        mapped = set(self.teams_for_queue(queue_id, queue_name))
        if not mapped:
            return None
        available = busy = away = 0
        for agent in agents:
            if not mapped.intersection(self.teams_of(agent)):
                continue
            style = agent.style
            if style.startswith(_BUSY_PREFIX):
                busy += 1
            elif style == _AVAILABLE:
                available += 1
            elif style != _LOGGED_OUT:
                away += 1
        return QueueStaff(available, busy, away)

    def chosen_by(self, text: str, queues: Iterable[QueueView]) -> frozenset[str] | None:
        """The teams a `/` filter names: a team by its name, or the teams that answer a
        queue named by its ID or name. None when the text names neither (the filter then
        matches agents' names as before)."""
        wanted = text.strip().casefold()
        if not wanted or not self.teams:
            return None
        named = frozenset(name for name in self.names if name.casefold() == wanted)
        if named:
            return named
        for queue in queues:
            if wanted in (str(queue.queue_id), queue.name.strip().casefold()):
                answering = self.teams_for_queue(queue.queue_id, queue.name)
                if answering:
                    return frozenset(answering)
        # A queue the teams name but that has no caller data right now.
        by_entry = frozenset(
            team.name
            for team, entries in zip(self.teams, self._queues, strict=True)
            if wanted in entries
        )
        return by_entry or None

    def members(self, agents: Iterable[AgentView], teams: frozenset[str]) -> list[AgentView]:
        """The agents in any of `teams`, in the order given."""
        return [agent for agent in agents if teams.intersection(self.teams_of(agent))]
