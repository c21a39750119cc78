"""Who should be taking calls: agents available while callers wait.

An agent available while callers wait in a queue the agent answers is called out on the
grid, so a supervisor sees at once who should be on the phone. Without teams, every agent
answers every queue; `answers` (agent → the queue ids it answers) narrows it when teams
map agents to queues.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from wallboard.core.board import AgentView, QueueView

AVAILABLE_STYLE = "status-available"


def queues_with_waiting(queues: Iterable[QueueView]) -> frozenset[int]:
    """The ids of the queues where at least one caller waits."""
    return frozenset(queue.queue_id for queue in queues if queue.callers)


def called_out(
    agents: Iterable[AgentView],
    waiting_queues: Collection[int],
    answers: Callable[[AgentView], Collection[int] | None] | None = None,
) -> frozenset[str]:
    """The keys (`AgentView.key`) of the available agents who answer a queue in
    `waiting_queues`. `answers` gives the queues an agent answers (None from it, or no
    `answers` at all: every queue)."""
    if not waiting_queues:
        return frozenset()
    chosen = set()
    for agent in agents:
        if agent.style != AVAILABLE_STYLE:
            continue
        theirs = answers(agent) if answers is not None else None
        if theirs is None or any(queue in waiting_queues for queue in theirs):
            chosen.add(agent.key)
    return frozenset(chosen)
