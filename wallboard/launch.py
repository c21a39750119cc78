"""The composition root: builds sources, counters and the app for each command.

Nothing below `wallboard.cli` decides which transport feeds a board; this module does. The
app (`wallboard.ui`) receives a ready `Source` and never builds a poller or a connection.
"""

from __future__ import annotations

import contextlib
import gc
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wallboard.api.client import ActiveCallsClient
from wallboard.config import Settings
from wallboard.core.alerts import AlertBook
from wallboard.core.board import WaitThresholds
from wallboard.core.clock import SystemClock
from wallboard.hub.alert_watch import AlertWatch
from wallboard.hub.recorder import DayRecorder
from wallboard.hub.setup import alert_watch, open_recorder

__all__ = ["alert_watch", "board_options", "open_recorder", "run_demo_board", "run_live_board"]
from wallboard.sources.api_source import ApiSource, api_source_for
from wallboard.sources.polling import PollingSource
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.notify import choose_desktop

if TYPE_CHECKING:
    from wallboard.feed.redis_link import RedisLink

DEMO_CODE = "demo-code-not-secret"


def board_options(settings: Settings) -> BoardOptions:
    """The app's options from settings."""
    return BoardOptions(
        interval_s=settings.interval_s,
        theme=settings.theme,
        compact=settings.compact,
        wall=settings.wall,
        thresholds=WaitThresholds(settings.wait_warn_s, settings.wait_alert_s),
        bell=settings.alerts.bell,
        desktop=choose_desktop(settings.alerts.desktop, os.environ),
        tmux=bool(os.environ.get("TMUX")),
        mute_s=settings.alerts.mute_s,
        escalation=settings.escalation_rules(),
        calendar=settings.calendar(),
    )


def attach_alert_log(app: WallboardApp) -> None:
    """The alert command's problems appear on the board as notifications."""
    watch = app.alerts
    if isinstance(watch, AlertWatch) and watch.command is not None:
        watch.command.log = lambda line: app.notify(line, title="Alerts", severity="warning")


def tune_garbage_collector() -> None:
    """Collect cycles when there is garbage to find, not on every poll.

    A poll decodes ~15,000 dicts and lists that die by reference counting within the
    poll. With Python's default thresholds (700, 10, 10) they triggered ~20 young and a
    few middle collections per poll, each rescanning what was still alive, and full
    collections (about 50 ms with 2,000 agents) every few seconds, often inside a poll's
    answer-to-screen path. With a young threshold above one poll's allocations most of
    them are gone before a collection looks. Measured on a simulated minute at 2,000
    agents: 1,360 collections taking 580 ms with (700, 10, 100), 6 taking about 30 ms with
    these (docs/PERFORMANCE.md). Uncollected cycles wait longer: bounded by the threshold,
    a few MB.
    """
    gc.set_threshold(25_000, 20, 100)


def run_live_board(settings: Settings, code: str) -> int:
    """Run the board for the configured account; returns the exit code."""
    clock = SystemClock()
    recorder = open_recorder(settings)
    app = WallboardApp(
        PollingSource(api_source_for(settings, code, clock), clock, interval_s=settings.interval_s),
        clock,
        board_options(settings),
        recorder=recorder,
        alerts=alert_watch(settings, recorder),
    )
    attach_alert_log(app)
    tune_garbage_collector()
    return app.run() or 0


def demo_source(
    *, agents: int, queues: int, seed: int, speed: float, utc_offset_hours: float = 0.0
) -> ApiSource:
    """A source reading the simulator in-process (ASGI transport): no port, no network."""
    import httpx

    from wallboard.sim.server import create_app

    sim = create_app(
        code=DEMO_CODE,
        seed=seed,
        agents=agents,
        queues=queues,
        speed=speed,
        utc_offset_hours=utc_offset_hours,
    )
    client = ActiveCallsClient(
        base_url="http://simulator/comet/API",
        code=DEMO_CODE,
        transport=httpx.ASGITransport(app=sim),
    )
    return ApiSource(
        client,
        SystemClock(),
        name=f"demo: simulated centre, {agents} agents, {queues} queues",
    )


def make_demo_app(
    options: BoardOptions,
    *,
    agents: int = 40,
    queues: int = 4,
    seed: int = 1,
    speed: float = 1.0,
    recorder: DayRecorder | None = None,
    alerts: AlertWatch | None = None,
) -> WallboardApp:
    """The board on the built-in simulator, in-process: what `wallboard demo` runs, and
    what tests build when they want the demo."""
    clock = SystemClock()
    source = PollingSource(
        demo_source(agents=agents, queues=queues, seed=seed, speed=speed),
        clock,
        interval_s=options.interval_s,
    )
    return WallboardApp(source, clock, options, recorder=recorder, alerts=alerts)


def run_demo_board(settings: Settings, *, agents: int, queues: int, seed: int, speed: float) -> int:
    """Run the board on the built-in simulator; returns the exit code."""
    # The demo's day is its own: a temporary store, unless one is named.
    with tempfile.TemporaryDirectory(prefix="wallboard-demo-") as scratch:
        store = settings.store if settings.store is not None else Path(scratch) / "demo.sqlite3"
        recorder = open_recorder(settings, store)
        app = make_demo_app(
            board_options(settings),
            agents=agents,
            queues=queues,
            seed=seed,
            speed=speed,
            recorder=recorder,
            alerts=alert_watch(settings, recorder),
        )
        attach_alert_log(app)
        tune_garbage_collector()
        try:
            return app.run() or 0
        finally:
            recorder.close()


def version_text() -> str:
    """What `wallboard --version` prints: the versions, and which fast paths run and why."""
    from importlib.metadata import version

    from wallboard.ui._textual_compat import fast_paths

    decided = fast_paths()
    return f"wallboard {version('wallboard')}, Rich {version('rich')}\n{decided.describe()}"


# --- many boards: the hub publishes, boards follow ------------------------------------------
def run_hub_service(
    settings: Settings,
    code: str,
    recorder: DayRecorder,
    *,
    log: Callable[[str], None],
    status_every_s: float,
    link: RedisLink | None = None,
    metrics_address: tuple[str, int] | None = None,
    hub_name: str | None = None,
) -> int:
    """Run `wallboard hub`: poll and count, and publish to Redis and serve metrics when
    asked; returns the exit code."""
    import asyncio
    import socket

    from wallboard.core.snapshot import Snapshot
    from wallboard.hub.service import Hub, run_hub

    clock = SystemClock()
    watch = alert_watch(settings, recorder)
    if watch.command is not None:
        watch.command.log = log
    hub = Hub(
        api_source_for(settings, code, clock),
        clock,
        recorder,
        interval_s=settings.interval_s,
        log=log,
        status_every_s=status_every_s,
        alerts=watch,
    )
    # The day's figures, made once per snapshot for every listener that sends them on.
    day: dict[str, Any] = {"report": None}

    def remember_day(event: object) -> None:
        if isinstance(event, Snapshot):
            day["report"] = recorder.report(clock.now())

    hub.listeners.append(remember_day)
    if metrics_address is not None:
        from wallboard.hub.prometheus import HubMetrics, serve_metrics

        metrics = HubMetrics(clock, day_report=lambda: day["report"])
        hub.listeners.append(metrics)
        host, port = metrics_address
        serve_metrics(metrics, host, port)
        log(f"metrics for Prometheus on http://{_url_host(host)}:{port}/metrics")
    publisher = None
    if link is not None:
        from wallboard.feed.publisher import FeedPublisher

        publisher = FeedPublisher(
            link,
            clock,
            hub_name=hub_name or socket.gethostname(),
            interval_s=settings.interval_s,
            day_report=lambda _now: day["report"],
            alerts=lambda: [alert.to_json() for alert in watch.book.active.values()],
            log=log,
        )
        hub.listeners.append(publisher)
        log(f"publishing to {link.redacted} (feed {link.prefix!r})")

    async def main() -> int:
        sending = asyncio.create_task(publisher.run()) if publisher is not None else None
        try:
            return await run_hub(hub)
        finally:
            if sending is not None:
                sending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sending

    return asyncio.run(main())


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def run_following_board(settings: Settings, link: RedisLink) -> int:
    """Run the board following a hub through Redis: no poller, no account code, no store."""
    from wallboard.feed.follower import RedisFollower

    clock = SystemClock()
    source = RedisFollower(link, clock, interval_s=settings.interval_s)
    # The day and its alerts are the hub's: they arrive with each snapshot, so the board
    # counts nothing and runs no alert command (the hub runs it, once for every board).
    # It raises and clears what the hub says, and notifies its own terminal.
    relay = AlertWatch(
        settings.alert_rules(),
        AlertBook(clear_after_s=0, renotify_s=settings.alerts.renotify_s),
        relayed=True,
    )
    app = WallboardApp(source, clock, board_options(settings), alerts=relay)
    tune_garbage_collector()
    return app.run() or 0
