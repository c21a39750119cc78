"""The day's figures as the panels read them: one queue's or one agent's row at a time.

The day is counted in one place (`core.day_engine`, in-process or at a hub) and handed
around as the report `wallboard stats --json` prints. Panels look rows up by queue ID or
by agent username, and the totals add the queues up; `DayFigures` is that lookup, made
once per report rather than by every panel on every draw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class CentreDay:
    """Today's figures over every queue: what the totals bar shows."""

    answered: int = 0
    abandoned: int = 0
    answered_within_sl: int = 0

    @property
    def finished(self) -> int:
        """Callers answered or abandoned (short abandons excluded, as per queue)."""
        return self.answered + self.abandoned

    @property
    def service_level_pct(self) -> float | None:
        """Share answered within each queue's threshold, of all finished; None before any."""
        return 100.0 * self.answered_within_sl / self.finished if self.finished else None

    @property
    def abandon_pct(self) -> float | None:
        """Share abandoned, of all finished; None before any."""
        return 100.0 * self.abandoned / self.finished if self.finished else None


@dataclass(frozen=True, slots=True)
class DayFigures:
    """A day report indexed for the panels (rows as `stats --json` gives them)."""

    day: str = ""
    queues: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    agents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    centre: CentreDay = field(default_factory=CentreDay)

    @property
    def known(self) -> bool:
        """Whether there is a day report at all (not counting, or no hub report yet: no)."""
        return bool(self.day)

    def queue(self, queue_id: int) -> Mapping[str, Any] | None:
        """The queue's row today, or None when it has none."""
        return self.queues.get(queue_id)

    def agent(self, username: str) -> Mapping[str, Any] | None:
        """The agent's row today (by SIP username), or None when it has none."""
        return self.agents.get(username)

    @classmethod
    def from_report(cls, report: Mapping[str, Any] | None) -> DayFigures:
        """Index a day report; a missing or malformed one gives empty figures."""
        if not isinstance(report, Mapping):
            return cls()
        queues: dict[int, Mapping[str, Any]] = {}
        for row in _rows(report.get("queues")):
            queue_id = row.get("id")
            if isinstance(queue_id, int) and not isinstance(queue_id, bool):
                queues[queue_id] = row
        agents: dict[str, Mapping[str, Any]] = {}
        for row in _rows(report.get("agents")):
            username = row.get("username")
            if isinstance(username, str):
                agents[username] = row
        centre = CentreDay(
            answered=sum(_count(row, "answered") for row in queues.values()),
            abandoned=sum(_count(row, "abandoned") for row in queues.values()),
            answered_within_sl=sum(_count(row, "answered_within_sl") for row in queues.values()),
        )
        day = report.get("day")
        return cls(
            day=day if isinstance(day, str) else "", queues=queues, agents=agents, centre=centre
        )

    @classmethod
    def from_counts(
        cls,
        day: str,
        queue_rows: list[dict[str, Any]],
        agent_keys: Callable[[], Iterable[str]],
        agent_row: Callable[[str], Mapping[str, Any] | None],
    ) -> DayFigures:
        """Figures straight from the counters (in-process counting): the queues' rows as
        given, an agent's row made by `agent_row` when first read (None: no such agent)."""
        figures = cls.from_report({"day": day, "queues": queue_rows, "agents": []})
        return cls(
            day=figures.day,
            queues=figures.queues,
            agents=RowsOnDemand(agent_keys, agent_row),
            centre=figures.centre,
        )


class RowsOnDemand(Mapping[str, Mapping[str, Any]]):
    """Agents' rows made on first read, then kept (a panel reads a few of thousands).

    `make_row` gives None for an agent without a row; a row that cannot be made (a
    damaged stored record, say) is None too: a panel draws "—" for it, and the board goes
    on. Iterating makes every row (for tests and tools, not for drawing).
    """

    def __init__(
        self,
        keys: Callable[[], Iterable[str]],
        make_row: Callable[[str], Mapping[str, Any] | None],
    ) -> None:
        self._keys = keys
        self._make_row = make_row
        self._rows: dict[str, Mapping[str, Any] | None] = {}

    def _row(self, username: str) -> Mapping[str, Any] | None:
        if username in self._rows:
            return self._rows[username]
        try:
            row = self._make_row(username)
        except Exception:  # one agent's figures must never take the panels down
            row = None
        self._rows[username] = row
        return row

    def __getitem__(self, username: str) -> Mapping[str, Any]:
        row = self._row(username)
        if row is None:
            raise KeyError(username)
        return row

    def __iter__(self) -> Iterator[str]:
        made = {key for key, row in self._rows.items() if row is not None}
        keys = sorted(made | set(self._keys()))
        return iter([key for key in keys if self._row(key) is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _rows(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, Mapping)]


def _count(row: Mapping[str, Any], name: str) -> int:
    value = row.get(name)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return 0
