"""How believable the simulated centre looks to a supervisor, measured from its wire format.

A supervisor distrusts a board that shows agents *available* (logged in, status 1, no call)
for minutes while callers wait in the queues those agents serve: in a real centre the queue
would ring them. This module samples a :class:`~wallboard.sim.centre.CallCentre` the way a
board polls it and counts exactly that, along with how busy the centre looks (callers
waiting, longest wait, service level).

Run ``python -m wallboard.sim.measure --agents 60 --queues 6 --hours 1`` for the figures;
``tests/sim/test_sim_believable.py`` bounds them.

Only the wire payloads are read, as a board reads them, plus :meth:`CallCentre.teams` (who
serves which queue), which a board learns from its configuration, not from the API.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from wallboard.sim.centre import CallCentre, CentreProfile, demo_profile

__all__ = ["Believability", "measure"]

LOGIN = 1
#: The service level counts answers within this many seconds (the board's default).
SERVICE_LEVEL_S = 20.0
#: Callers who hang up sooner are short abandons, left out of the service level.
SHORT_ABANDON_S = 5.0


@dataclass
class Believability:
    """What sampling a simulated stretch showed (seconds are simulated seconds)."""

    seconds: float = 0.0
    samples: int = 0
    #: Agent-seconds available while a caller waits in a queue that agent serves (a caller
    #: whose call is ringing at an extension is not waiting for an agent).
    idle_while_waiting_s: float = 0.0
    #: The same, counting every caller the queue lists, also those whose call rings at an
    #: agent (the queue lists them until answered): a board that does not match ringing
    #: calls to listed callers sees this.
    idle_while_listed_s: float = 0.0
    #: The same, counting any waiting caller (what a board without teams configured sees).
    idle_while_anyone_waits_s: float = 0.0
    #: The longest stretch of that kind (any waiting caller) of one agent.
    longest_idle_anywhere_s: float = 0.0
    #: The longest stretch one agent stayed available while its queues had callers.
    longest_idle_spell_s: float = 0.0
    #: Spells of at least a minute of that kind.
    idle_spells_over_minute: int = 0
    #: Agent-seconds available at all, and agent-seconds logged in (any status but 2).
    available_s: float = 0.0
    logged_in_s: float = 0.0
    #: Agent-seconds in each status (on a call or not).
    status_s: dict[int, float] = field(default_factory=dict)
    waiting_callers_sum: int = 0
    samples_with_waiting: int = 0
    longest_wait_s: float = 0.0
    samples_over_alert: int = 0
    answered: int = 0
    answered_within_sl: int = 0
    abandoned: int = 0

    @property
    def idle_while_waiting_per_hour(self) -> float:
        """Agent-seconds available while their queues wait, per simulated hour."""
        return 3600 * self.idle_while_waiting_s / self.seconds if self.seconds else 0.0

    @property
    def mean_waiting(self) -> float:
        return self.waiting_callers_sum / self.samples if self.samples else 0.0

    @property
    def service_level_pct(self) -> float | None:
        finished = self.answered + self.abandoned
        return 100.0 * self.answered_within_sl / finished if finished else None

    def lines(self) -> list[str]:
        """The figures as lines of text."""
        hours = self.seconds / 3600
        sl = self.service_level_pct
        return [
            f"over {hours:g} simulated hour(s), sampled {self.samples} times:",
            f"  agent-seconds available while a caller waits in a queue they serve: "
            f"{self.idle_while_waiting_s:.0f} ({self.idle_while_waiting_per_hour:.0f} per hour)",
            f"  ... counting callers whose call rings at an agent: {self.idle_while_listed_s:.0f}",
            f"  ... while anyone waits anywhere: {self.idle_while_anyone_waits_s:.0f}, "
            f"longest stretch {self.longest_idle_anywhere_s:.0f} s",
            f"  longest such stretch of one agent: {self.longest_idle_spell_s:.0f} s; "
            f"stretches over a minute: {self.idle_spells_over_minute}",
            f"  available {self.available_s / 3600:.2f} agent-hours of "
            f"{self.logged_in_s / 3600:.2f} logged in",
            "  status agent-hours: "
            + ", ".join(f"{k}: {v / 3600:.2f}" for k, v in sorted(self.status_s.items())),
            f"  callers waiting: {self.mean_waiting:.1f} on average, someone waiting in "
            f"{100 * self.samples_with_waiting / max(1, self.samples):.0f}% of samples, "
            f"longest wait {self.longest_wait_s:.0f} s, over 180 s in "
            f"{100 * self.samples_over_alert / max(1, self.samples):.0f}% of samples",
            f"  answered {self.answered}, abandoned {self.abandoned}, service level "
            f"{'-' if sl is None else f'{sl:.0f}%'}",
        ]


def measure(
    centre: CallCentre,
    seconds: float,
    *,
    step_s: float = 1.0,
    alert_wait_s: float = 180.0,
) -> Believability:
    """Sample ``centre`` every ``step_s`` for ``seconds`` of simulated time from its now."""
    teams = centre.teams()
    team_of_agent = {user: i for i, (users, _) in enumerate(teams) for user in users}
    team_of_queue = {qid: i for i, (_, qids) in enumerate(teams) for qid in qids}
    result = Believability()
    start = centre.now
    spells: dict[str, float] = {}  # agent -> when its current idle-while-waiting began
    anywhere: dict[str, float] = {}  # the same, for any waiting caller
    steps = int(seconds / step_s)
    for n in range(1, steps + 1):
        t = start + n * step_s
        centre.advance_to(t)
        extensions: list[dict[str, Any]] = centre.extensions_payload()
        queues: list[dict[str, Any]] = centre.queues_payload()
        # A caller whose call rings at an extension is being answered: a board shows the
        # ringing tile beside them. Only callers no phone rings for are waiting for an agent.
        ringing = {
            c["callerphone"]
            for e in extensions
            for c in e["calls"]
            if c["callstatus"] == "Ringing" and c["direction"] == "Incoming"
        }
        waiting_teams: set[int] = set()
        listed_teams: set[int] = set()
        waiting = 0
        longest = 0.0
        for q in queues:
            callers = q["Callers"]
            if callers:
                waiting += len(callers)
                longest = max(longest, max(c["Duration"] for c in callers))
                listed_teams.add(team_of_queue.get(q["ID"], -1))
                if any(c["Phone"] not in ringing for c in callers):
                    waiting_teams.add(team_of_queue.get(q["ID"], -1))
        result.samples += 1
        result.waiting_callers_sum += waiting
        result.samples_with_waiting += waiting > 0
        result.samples_over_alert += longest > alert_wait_s
        result.longest_wait_s = max(result.longest_wait_s, longest)
        for ext in extensions:
            user, status = ext["username"], ext["onlineUserStatus"]
            result.status_s[status] = result.status_s.get(status, 0.0) + step_s
            if status != 2:
                result.logged_in_s += step_s
            available = status == LOGIN and not ext["calls"]
            if not available:
                spells.pop(user, None)
                anywhere.pop(user, None)
                continue
            result.available_s += step_s
            if team_of_agent.get(user, -2) in listed_teams:
                result.idle_while_listed_s += step_s
            if waiting_teams:
                result.idle_while_anyone_waits_s += step_s
                began = anywhere.setdefault(user, t)
                result.longest_idle_anywhere_s = max(result.longest_idle_anywhere_s, t - began)
            else:
                anywhere.pop(user, None)
            if team_of_agent.get(user, -2) in waiting_teams:
                result.idle_while_waiting_s += step_s
                began = spells.setdefault(user, t)
                result.longest_idle_spell_s = max(result.longest_idle_spell_s, t - began)
                if t - began == 60.0 // step_s * step_s:
                    result.idle_spells_over_minute += 1
            else:
                spells.pop(user, None)
    result.seconds = steps * step_s
    for fate in centre.truth.fates_between(start, start + result.seconds):
        if fate.answered:
            result.answered += 1
            result.answered_within_sl += fate.wait_s <= SERVICE_LEVEL_S
        elif fate.wait_s >= SHORT_ABANDON_S:
            result.abandoned += 1
    return result


def main() -> None:
    """Print the figures for a simulated stretch."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--queues", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--start", type=float, default=1_800_000_000.0)
    parser.add_argument(
        "--profile",
        choices=["default", "demo"],
        default="default",
        help="the model's defaults (tests, bench) or the demo's profile",
    )
    args = parser.parse_args()
    profile = demo_profile(args.start) if args.profile == "demo" else CentreProfile()
    centre = CallCentre(
        seed=args.seed, agents=args.agents, queues=args.queues, start=args.start, profile=profile
    )
    print("\n".join(measure(centre, args.hours * 3600).lines()))


if __name__ == "__main__":
    main()
