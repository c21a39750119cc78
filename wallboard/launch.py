"""The composition root: builds sources, counters and the app for each command.

Nothing below `wallboard.cli` decides which transport feeds a board; this module does. The
app (`wallboard.ui`) receives a ready `Source` and never builds a poller or a connection.
"""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

from wallboard.api.client import ActiveCallsClient
from wallboard.config import Settings
from wallboard.core.board import WaitThresholds
from wallboard.core.clock import SystemClock
from wallboard.hub.recorder import DayRecorder
from wallboard.sources.api_source import ApiSource, api_source_for
from wallboard.sources.polling import PollingSource
from wallboard.ui.app import BoardOptions, WallboardApp

DEMO_CODE = "demo-code-not-secret"


def board_options(settings: Settings) -> BoardOptions:
    """The app's options from settings."""
    return BoardOptions(
        interval_s=settings.interval_s,
        theme=settings.theme,
        compact=settings.compact,
        wall=settings.wall,
        thresholds=WaitThresholds(settings.wait_warn_s, settings.wait_alert_s),
    )


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


def open_recorder(settings: Settings, store: Path | None = None) -> DayRecorder:
    """The day's counters in the configured store (or `store`), ready to record."""
    return DayRecorder.open(
        store or settings.store_path(),
        calendar=settings.calendar(),
        thresholds=settings.thresholds(),
        interval_s=settings.interval_s,
        keep_days=settings.keep_days,
    )


def run_live_board(settings: Settings, code: str) -> int:
    """Run the board for the configured account; returns the exit code."""
    clock = SystemClock()
    app = WallboardApp(
        PollingSource(api_source_for(settings, code, clock), clock, interval_s=settings.interval_s),
        clock,
        board_options(settings),
        recorder=open_recorder(settings),
    )
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


def run_demo_board(settings: Settings, *, agents: int, queues: int, seed: int, speed: float) -> int:
    """Run the board on the built-in simulator; returns the exit code."""
    clock = SystemClock()
    source = PollingSource(
        demo_source(agents=agents, queues=queues, seed=seed, speed=speed),
        clock,
        interval_s=settings.interval_s,
    )
    # The demo's day is its own: a temporary store, unless one is named.
    with tempfile.TemporaryDirectory(prefix="wallboard-demo-") as scratch:
        store = settings.store if settings.store is not None else Path(scratch) / "demo.sqlite3"
        recorder = open_recorder(settings, store)
        app = WallboardApp(source, clock, board_options(settings), recorder=recorder)
        tune_garbage_collector()
        try:
            return app.run() or 0
        finally:
            recorder.close()
