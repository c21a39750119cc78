"""Run the inference over a simulated stretch of a day and compare it with the truth.

Used by the accuracy tests and by `python -m tests.metrics.accuracy` (the figures in
docs/METRICS.md): the simulator decides every caller's fate; the board sees only polls.
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass, field
from typing import Any

from wallboard.core.day_engine import DayEngine
from wallboard.core.day_metrics import QueueThresholds, ThresholdTable
from wallboard.sim.centre import CallCentre

from .sim_feed import UTC_CALENDAR, snapshots

# Midnight UTC of a simulated day; the calendar is UTC and each run stays inside this day.
DAY_START = 1_800_000_000.0 - (1_800_000_000.0 % 86400)
EDGE_S = 30.0
THRESHOLDS = QueueThresholds()


@dataclass
class QueueComparison:
    """One queue's inferred figures beside the simulator's truth."""

    name: str
    inferred: dict[str, Any]
    true_answered: int = 0
    true_abandoned: int = 0
    true_short: int = 0
    true_within_sl: int = 0
    true_answer_wait: float = 0.0

    @property
    def true_asa(self) -> float | None:
        return self.true_answer_wait / self.true_answered if self.true_answered else None

    @property
    def true_service_level(self) -> float | None:
        finished = self.true_answered + self.true_abandoned
        return 100.0 * self.true_within_sl / finished if finished else None


@dataclass
class Comparison:
    """Everything inferred over one run beside what really happened."""

    interval_s: float
    hours: float
    queues: list[QueueComparison] = field(default_factory=list)
    missed: tuple[int, int] = (0, 0)  # inferred, true
    handled: tuple[int, int] = (0, 0)
    aht: tuple[float, float] = (0.0, 0.0)
    status_hours: tuple[float, float] = (0.0, 0.0)
    ewt_errors: list[float] = field(default_factory=list)  # predicted - actual, answered callers
    ewt_actual: list[float] = field(default_factory=list)

    def totals(self) -> dict[str, float]:
        """Answered and abandoned over every queue, inferred and true."""
        return {
            "answered": sum(q.inferred["answered"] for q in self.queues),
            "true_answered": sum(q.true_answered for q in self.queues),
            "abandoned": sum(q.inferred["abandoned"] for q in self.queues),
            "true_abandoned": sum(q.true_abandoned for q in self.queues),
        }


def compare(
    interval_s: float, hours: float, *, seed: int = 3, agents: int = 40, queues: int = 4
) -> Comparison:
    """Poll a simulated centre every `interval_s` for `hours` and compare with its truth."""
    start = DAY_START + EDGE_S
    end = min(start + hours * 3600, DAY_START + 86400 - EDGE_S)
    centre = CallCentre(seed=seed, agents=agents, queues=queues, start=start)
    engine = DayEngine(UTC_CALENDAR, ThresholdTable(THRESHOLDS), interval_s)
    predictions: dict[str, float] = {}
    seen: set[str] = set()
    for snapshot in snapshots(centre, start, end, interval_s):
        metrics = engine.metrics
        for queue in snapshot.queues:
            ahead = len([c for c in queue.callers if c.call_id in seen])
            for caller in queue.callers:
                if caller.call_id in seen:
                    continue
                seen.add(caller.call_id)
                if metrics is None or snapshot.fetched_at == start:
                    continue
                counted = metrics.queues.get(queue.queue_id)
                if counted is None:
                    continue
                estimate = counted.estimated_wait(
                    ahead, snapshot.fetched_at, metrics.observed_since or start
                )
                if estimate is not None:
                    predictions[caller.call_id] = estimate
        engine.apply(snapshot)
    report = engine.report(end)
    # The truth of what left between the first poll and the last one's decision.
    window = (start + interval_s, end - 2 * interval_s)
    truths: dict[int, QueueComparison] = {}
    for row in report["queues"]:
        truths[row["id"]] = QueueComparison(row["name"], row)
    result = Comparison(interval_s, hours)
    for fate in centre.truth.fates:
        if not window[0] <= fate.at < window[1] or fate.queue_id not in truths:
            continue
        truth = truths[fate.queue_id]
        if fate.answered:
            truth.true_answered += 1
            truth.true_answer_wait += fate.wait_s
            truth.true_within_sl += fate.wait_s <= THRESHOLDS.service_level_s
            if fate.call_id in predictions:
                result.ewt_errors.append(predictions[fate.call_id] - fate.wait_s)
                result.ewt_actual.append(fate.wait_s)
        elif fate.wait_s < THRESHOLDS.short_abandon_s:
            truth.true_short += 1
        else:
            truth.true_abandoned += 1
    result.queues = list(truths.values())
    true_missed = sum(1 for m in centre.truth.misses if window[0] <= m.at < window[1])
    ends = [e for e in centre.truth.ends if window[0] <= e.at < window[1]]
    inferred_handled = sum(a["handled"] for a in report["agents"])
    result.missed = (sum(a["missed"] for a in report["agents"]), true_missed)
    result.handled = (inferred_handled, len(ends))
    aht_total = sum((a["aht_s"] or 0.0) * a["handled"] for a in report["agents"])
    result.aht = (
        aht_total / inferred_handled if inferred_handled else 0.0,
        statistics.fmean(e.handle_s for e in ends) if ends else 0.0,
    )
    credited = sum(sum(a["status_s"].values()) for a in report["agents"]) / 3600
    result.status_hours = (credited, agents * (end - interval_s - start) / 3600)
    return result


def describe(result: Comparison) -> list[str]:
    """The comparison as lines of text (for docs/METRICS.md)."""
    lines = [f"polled every {result.interval_s:g} s for {result.hours:g} h:"]
    for q in result.queues:
        i = q.inferred
        lines.append(
            f"  {q.name}: answered {i['answered']} (true {q.true_answered}), abandoned "
            f"{i['abandoned']} ({q.true_abandoned}), short {i['short_abandoned']} "
            f"({q.true_short}), ASA {i['asa_s']} ({_r(q.true_asa)}), SL "
            f"{i['service_level_pct']} ({_r(q.true_service_level)})"
        )
    lines.append(f"  missed {result.missed[0]} (true {result.missed[1]})")
    lines.append(f"  handled {result.handled[0]} (true {result.handled[1]})")
    lines.append(f"  AHT {result.aht[0]:.1f} s (true {result.aht[1]:.1f} s)")
    lines.append(
        f"  status time {result.status_hours[0]:.2f} h (agents x time watched "
        f"{result.status_hours[1]:.2f} h)"
    )
    if result.ewt_errors:
        errors = sorted(abs(e) for e in result.ewt_errors)
        lines.append(
            f"  EWT: {len(errors)} answered callers; mean error "
            f"{statistics.fmean(result.ewt_errors):+.0f} s, median |error| "
            f"{statistics.median(errors):.0f} s, mean actual wait "
            f"{statistics.fmean(result.ewt_actual):.0f} s, |error| < 60 s for "
            f"{100 * sum(e < 60 for e in errors) / len(errors):.0f}%"
        )
    return lines


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def main() -> None:
    """Print the comparison for the intervals given."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--intervals", type=float, nargs="+", default=[2.0, 5.0])
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--queues", type=int, default=4)
    args = parser.parse_args()
    for interval in args.intervals:
        result = compare(interval, args.hours, agents=args.agents, queues=args.queues)
        print("\n".join(describe(result)))


if __name__ == "__main__":
    main()
