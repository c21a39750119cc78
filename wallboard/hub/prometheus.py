"""The hub's figures for Prometheus (text format and OpenMetrics), with the official client.

`HubMetrics` is a hub listener: it keeps the latest snapshot and day's figures and counts
polls; a collector turns them into metric families at each scrape, so queues and states
that disappear leave no stale series. Served by `prometheus_client`'s own HTTP server
(a thread), on loopback unless told otherwise. Names and labels follow Prometheus's
conventions: base units (seconds, ratios), `_total` for counters, one label per dimension.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from wallboard.core.agent_state import agent_look
from wallboard.core.clock import Clock
from wallboard.core.snapshot import Snapshot
from wallboard.sources.base import SourceFailure

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def state_label(style: str) -> str:
    """`call-talking` → `talking`, `status-logged-out` → `logged_out`: a bounded label set."""
    return style.split("-", 1)[1].replace("-", "_")


class HubMetrics:
    """Counts the hub's polls and keeps what a scrape reports (see the module)."""

    def __init__(
        self,
        clock: Clock,
        *,
        day_report: Callable[[], dict[str, Any] | None],
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.clock = clock
        self.registry = registry or CollectorRegistry()
        self._day_report = day_report
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._report: dict[str, Any] | None = None
        self.latency = Histogram(
            "wallboard_poll_latency_seconds",
            "Time for one poll of both API endpoints.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.failures = Counter(
            "wallboard_poll_failures",
            "Polls that failed, by kind of failure.",
            ["kind"],
            registry=self.registry,
        )
        self.polls = Counter("wallboard_polls", "Polls that succeeded.", registry=self.registry)
        self.last_success = Gauge(
            "wallboard_last_good_poll_timestamp_seconds",
            "When the last good poll's answer arrived (Unix time).",
            registry=self.registry,
        )
        age = Gauge(
            "wallboard_last_good_poll_age_seconds",
            "Seconds since the last good poll's answer (NaN before the first).",
            registry=self.registry,
        )
        age.set_function(self._age)
        self.registry.register(_Collector(self))

    def __call__(self, event: Snapshot | SourceFailure) -> None:
        """Hub listener: count the poll and keep what the next scrape reports."""
        if isinstance(event, SourceFailure):
            self.failures.labels(kind=event.kind).inc()
            return
        report = self._day_report()
        with self._lock:
            self._snapshot = event
            self._report = report
        self.polls.inc()
        self.latency.observe(event.latency_s)
        self.last_success.set(event.fetched_at)

    def _age(self) -> float:
        snapshot = self._snapshot
        return math.nan if snapshot is None else max(0.0, self.clock.now() - snapshot.fetched_at)

    def latest(self) -> tuple[Snapshot | None, dict[str, Any] | None]:
        """The snapshot and day's figures the next scrape reports."""
        with self._lock:
            return self._snapshot, self._report


class _Collector(Collector):
    """Per-queue and per-state figures, made at scrape time from the latest data."""

    def __init__(self, metrics: HubMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snapshot, report = self.metrics.latest()
        labels = ["queue_id", "queue"]
        waiting = GaugeMetricFamily(
            "wallboard_queue_waiting_calls", "Callers waiting in the queue now.", labels=labels
        )
        longest = GaugeMetricFamily(
            "wallboard_queue_longest_wait_seconds",
            "How long the longest-waiting caller has waited, now.",
            labels=labels,
        )
        level = GaugeMetricFamily(
            "wallboard_queue_service_level_ratio",
            "Today's service level: answered within the threshold over answered and "
            "abandoned (short abandons excluded); NaN before the first.",
            labels=labels,
        )
        answered = GaugeMetricFamily(
            "wallboard_queue_answered_calls_today",
            "Callers answered today (the business day, reset when it starts).",
            labels=labels,
        )
        abandoned = GaugeMetricFamily(
            "wallboard_queue_abandoned_calls_today",
            "Callers who hung up waiting today (short abandons excluded).",
            labels=labels,
        )
        agents = GaugeMetricFamily(
            "wallboard_agents", "Agents (extensions) in each state now.", labels=["state"]
        )
        if snapshot is not None:
            now = self.metrics.clock.now()
            for queue in snapshot.queues:
                names = [str(queue.queue_id), queue.name]
                waiting.add_metric(names, len(queue.callers))
                joins = [snapshot.to_utc(c.join_time) for c in queue.callers]
                longest.add_metric(names, max(0.0, now - min(joins)) if joins else 0.0)
            counts: dict[str, int] = {}
            for extension in snapshot.extensions:
                state = state_label(agent_look(extension).style)
                counts[state] = counts.get(state, 0) + 1
            for state, count in sorted(counts.items()):
                agents.add_metric([state], count)
        for row in (report or {}).get("queues", []):
            names = [str(row["id"]), str(row["name"])]
            pct = row.get("service_level_pct")
            level.add_metric(names, math.nan if pct is None else pct / 100)
            answered.add_metric(names, row["answered"])
            abandoned.add_metric(names, row["abandoned"])
        yield from (waiting, longest, level, answered, abandoned, agents)


def serve_metrics(metrics: HubMetrics, host: str, port: int) -> Any:
    """Serve `/metrics` on `host:port` from a daemon thread; returns the server."""
    server, _thread = start_http_server(port, addr=host, registry=metrics.registry)
    return server
