"""Start the board: against the configured account, or on the built-in simulator."""

from __future__ import annotations

import gc

from wallboard.api.client import ActiveCallsClient
from wallboard.config import Settings
from wallboard.core.board import WaitThresholds
from wallboard.core.clock import SystemClock
from wallboard.sources.api_source import ApiSource, api_source_for
from wallboard.ui._textual_compat import fast_paths
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


def run_live_board(settings: Settings, code: str) -> int:
    """Run the board for the configured account; returns the exit code."""
    clock = SystemClock()
    app = WallboardApp(api_source_for(settings, code, clock), clock, board_options(settings))
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
) -> WallboardApp:
    """The board on the built-in simulator, in-process: what `wallboard demo` runs, and
    what tests build when they want the demo."""
    source = demo_source(agents=agents, queues=queues, seed=seed, speed=speed)
    return WallboardApp(source, SystemClock(), options)


def run_demo_board(settings: Settings, *, agents: int, queues: int, seed: int, speed: float) -> int:
    """Run the board on the built-in simulator; returns the exit code."""
    app = make_demo_app(
        board_options(settings), agents=agents, queues=queues, seed=seed, speed=speed
    )
    tune_garbage_collector()
    return app.run() or 0


def version_text() -> str:
    """What `wallboard --version` prints: the versions, and which fast paths run and why."""
    from importlib.metadata import version

    decided = fast_paths()
    return f"wallboard {version('wallboard')}, Rich {version('rich')}\n{decided.describe()}"
