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
from wallboard.core.clock import Clock, SystemClock
from wallboard.core.day_metrics import Outcome
from wallboard.core.snapshot import Snapshot
from wallboard.hub.alert_watch import AlertWatch
from wallboard.hub.recorder import DayRecorder
from wallboard.hub.setup import alert_watch, open_recorder

__all__ = ["alert_watch", "board_options", "open_recorder", "run_demo_board", "run_live_board"]
from wallboard.sources.api_source import ApiSource, api_source_for
from wallboard.sources.base import Source
from wallboard.sources.polling import PollingSource
from wallboard.sources.recording import RecordingWriter
from wallboard.sources.recording_source import RecordingSource
from wallboard.ui.app import BoardOptions, WallboardApp
from wallboard.ui.notify import choose_desktop

if TYPE_CHECKING:
    from wallboard.feed.redis_link import RedisLink
    from wallboard.sim.centre import CallCentre
    from wallboard.sources.simulated_day import WarmUp

DEMO_CODE = "demo-code-not-secret"
#: The demo's centre by default: a busy floor, six queues.
DEMO_AGENTS = 60
DEMO_QUEUES = 6
#: How much of the day the demo counts before its first frame (simulated seconds), how
#: often it polls the simulation meanwhile, and the wall time it may take at most. Polls
#: 4 s apart (with the day engine told so) count as 2 s ones do: over two hours of the
#: demo's centre, 754 answered of 757, 18 abandoned of 20, service level within a
#: point. 1,350 polls take about half a second at 60 agents.
DEMO_WARM_UP_S = 90 * 60.0
DEMO_WARM_UP_STEP_S = 4.0
DEMO_WARM_UP_BUDGET_S = 1.5


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
        statuses=settings.status_vocabulary(),
        mask_callers=settings.mask_callers,
        bidi=settings.bidi,
        teams=settings.team_rules(),
        queue_targets=settings.thresholds(),
        wall_rotate_s=settings.wall_rotate_s,
        wall_view=settings.wall_view,
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


def open_recording(settings: Settings, path: Path) -> RecordingWriter:
    """The writer of a `--record PATH` recording, rotated and kept as configured."""
    return RecordingWriter(
        path,
        interval_s=settings.interval_s,
        max_bytes=max(1, int(settings.record_max_mb * 1024 * 1024)),
        keep_days=settings.record_keep_days,
    )


def recorded(source: Source, settings: Settings, record: Path | None) -> Source:
    """`source`, recorded to `record` when one is named."""
    if record is None:
        return source
    return RecordingSource(source, open_recording(settings, record), SystemClock())


def run_live_board(
    settings: Settings,
    code: str,
    record: Path | None = None,
    *,
    extension: str | None = None,
    queue: str | None = None,
) -> int:
    """Run the board for the configured account (or one extension's, one queue's: the
    API's own filters), recording it to `record` when named; returns the exit code."""
    clock = SystemClock()
    recorder = open_recorder(settings)
    polling = PollingSource(
        api_source_for(settings, code, clock, extension=extension, queue=queue),
        clock,
        interval_s=settings.interval_s,
    )
    app = WallboardApp(
        recorded(polling, settings, record),
        clock,
        board_options(settings),
        recorder=recorder,
        alerts=alert_watch(settings, recorder),
    )
    attach_alert_log(app)
    tune_garbage_collector()
    return app.run() or 0


def demo_source(
    *,
    agents: int,
    queues: int,
    seed: int,
    speed: float,
    utc_offset_hours: float = 0.0,
    extension: str | None = None,
    queue: str | None = None,
    centre: CallCentre | None = None,
) -> ApiSource:
    """A source reading the simulator in-process (ASGI transport): no port, no network.
    `centre`: serve this simulated centre (the demo's) rather than a fresh default one."""
    import httpx

    from wallboard.sim.server import create_app

    sim = create_app(
        code=DEMO_CODE,
        seed=seed,
        agents=agents,
        queues=queues,
        speed=speed,
        utc_offset_hours=utc_offset_hours,
        centre=centre,
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
        extension=extension,
        queue=queue,
    )


def make_demo_app(
    options: BoardOptions,
    *,
    agents: int = DEMO_AGENTS,
    queues: int = DEMO_QUEUES,
    seed: int = 1,
    speed: float = 1.0,
    recorder: DayRecorder | None = None,
    alerts: AlertWatch | None = None,
    clock: Clock | None = None,
    recording: RecordingWriter | None = None,
    extension: str | None = None,
    queue: str | None = None,
) -> WallboardApp:
    """The board on the built-in simulator, in-process: what `wallboard demo` runs, and
    what tests build when they want the demo (`extension`, `queue`: the API's filters).

    The simulated centre behaves as `demo_profile` says (a believable floor, a morning peak
    under way). With a `recorder`, the last `DEMO_WARM_UP_S` of the simulated day are
    counted before the first frame, so today's figures are there at once. With a
    `recording`, every poll from then on is recorded (not the warm-up's)."""
    clock = clock if clock is not None else SystemClock()
    centre = demo_centre(agents=agents, queues=queues, seed=seed, now=clock.now())
    source: Source = PollingSource(
        demo_source(
            agents=agents,
            queues=queues,
            seed=seed,
            speed=speed,
            centre=centre,
            extension=extension,
            queue=queue,
        ),
        clock,
        interval_s=options.interval_s,
    )
    if recording is not None:
        source = RecordingSource(source, recording, clock)
    app = WallboardApp(source, clock, options, recorder=recorder, alerts=alerts)
    if recorder is not None:
        # Before the source's first poll: the warm-up moves the centre up to now.
        warm_up_demo_day(centre, recorder, clock, also=app.take_earlier)
    return app


def demo_centre(*, agents: int, queues: int, seed: int, now: float) -> CallCentre:
    """The demo's simulated centre, standing `DEMO_WARM_UP_S` before `now` (UTC)."""
    from wallboard.sim.centre import CallCentre, demo_profile

    return CallCentre(
        seed=seed,
        agents=agents,
        queues=queues,
        start=now - DEMO_WARM_UP_S,
        profile=demo_profile(now),
    )


def warm_up_demo_day(
    centre: CallCentre,
    recorder: DayRecorder,
    clock: Clock,
    also: Callable[[Snapshot, tuple[Outcome, ...]], None] | None = None,
) -> WarmUp:
    """Count the simulated centre's hours up to now into `recorder`, before the first frame
    (and hand each snapshot and its outcomes to `also`: the board's queue trends, agents'
    timelines and queues' last outcomes).

    The day engine polls every `DEMO_WARM_UP_STEP_S` meanwhile (its windows follow the
    interval), then at the board's own interval again."""
    from wallboard.sources.simulated_day import WarmUp, warm_up_day

    engine = recorder.engine
    if engine is None:  # not counting (the store could not be opened): nothing to warm
        return WarmUp(0, centre.now, 0.0, complete=True)
    live = engine.interval_s, engine.tracker.interval_s
    engine.interval_s = engine.tracker.interval_s = DEMO_WARM_UP_STEP_S
    try:

        def record(snapshot: Snapshot) -> None:
            outcomes = recorder.record(snapshot)
            if also is not None:
                also(snapshot, outcomes)

        return warm_up_day(
            centre,
            record,
            end=clock.now(),
            step_s=DEMO_WARM_UP_STEP_S,
            budget_s=DEMO_WARM_UP_BUDGET_S,
        )
    finally:
        engine.interval_s, engine.tracker.interval_s = live


def run_demo_board(
    settings: Settings,
    *,
    agents: int,
    queues: int,
    seed: int,
    speed: float,
    record: Path | None = None,
    extension: str | None = None,
    queue: str | None = None,
) -> int:
    """Run the board on the built-in simulator (recorded to `record` when named; one
    extension's or one queue's with `extension`, `queue`); returns the exit code."""
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
            recording=open_recording(settings, record) if record is not None else None,
            extension=extension,
            queue=queue,
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
    record: Path | None = None,
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
        statuses=settings.status_vocabulary(),
        show_phone=settings.phone_off_screen(),
    )
    # The day's figures, made once per snapshot for every listener that sends them on.
    day: dict[str, Any] = {"report": None}

    def remember_day(event: object) -> None:
        if isinstance(event, Snapshot):
            day["report"] = recorder.report(clock.now())

    hub.listeners.append(remember_day)
    recording = None
    if record is not None:
        recording = open_recording(settings, record)
        hub.listeners.append(_recording_listener(recording, clock, log))
        log(f"recording every poll to {record}")
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
            ticker=hub.ticker,
            log=log,
        )
        hub.on_read.append(publisher.live)
        hub.listeners.append(publisher)
        log(f"publishing to {link.redacted} (feed {link.prefix!r})")

    async def main() -> int:
        sending = asyncio.create_task(publisher.run()) if publisher is not None else None
        try:
            return await run_hub(hub)
        finally:
            if recording is not None and not await asyncio.to_thread(recording.close):
                log("the recording did not finish writing in time; the last poll may be lost")
            if sending is not None:
                sending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sending

    return asyncio.run(main())


def _recording_listener(
    writer: RecordingWriter, clock: SystemClock, log: Callable[[str], None]
) -> Callable[[object], None]:
    """A hub listener that records each snapshot and failure, saying when writing fails
    and when it works again."""
    said: dict[str, str | None] = {"problem": None}

    def keep(event: object) -> None:
        from wallboard.core.snapshot import Snapshot
        from wallboard.sources.base import SourceFailure

        if isinstance(event, Snapshot):
            writer.record_snapshot(event)
        elif isinstance(event, SourceFailure):
            writer.record_failure(clock.now(), event.kind, event.message, event.retry_in_s)
        problem = writer.problem
        if problem != said["problem"]:
            log(problem if problem is not None else "recording: writing again")
            said["problem"] = problem

    return keep


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


# --- replaying a recording ------------------------------------------------------------------
def time_in_recording(wanted: str, first_utc: float, last_utc: float) -> float | None:
    """`HH:MM` as a moment of the recording (the machine's zone): on the recording's first
    day, or the next when the first day's is before the start and the next day's is within
    the recording. None when `wanted` is not a time."""
    from datetime import datetime, timedelta

    from wallboard.ui.replay import jump_target

    at = jump_target(wanted, first_utc)
    if at is None:
        return None
    if at < first_utc:
        later = (datetime.fromtimestamp(at) + timedelta(days=1)).timestamp()
        if later <= last_utc:
            return later
    return at


def run_replay_board(
    settings: Settings,
    path: Path,
    *,
    speed: float,
    start_at: float | None,
    stop_at: float | None,
    first_utc: float,
    damage: str | None,
) -> int:
    """Run the board on a recording; returns the exit code.

    The day is counted into a temporary store (never the live one), alerts are raised as
    they were but no command, bell or desktop notification goes out for them: they are
    history, not news."""
    from dataclasses import replace

    from wallboard.sources.recording import RecordingReader
    from wallboard.sources.replay import ReplayClock, ReplaySource
    from wallboard.ui.replay import ReplayApp

    reader = RecordingReader(path)
    interval_s = reader.header.interval_s
    replayed = settings.model_copy(update={"interval_s": interval_s})
    clock = ReplayClock(SystemClock(), start=first_utc, speed=speed)
    source = ReplaySource(reader, clock, start_at=start_at, stop_at=stop_at, damage=damage)
    options = replace(board_options(replayed), bell=False, desktop=None)
    with tempfile.TemporaryDirectory(prefix="wallboard-replay-") as scratch:
        recorder = open_recorder(replayed, Path(scratch) / "replay.sqlite3")
        book = AlertBook(
            clear_after_s=settings.alerts.clear_after_s, renotify_s=settings.alerts.renotify_s
        )
        alerts = AlertWatch(settings.alert_rules(), book, recorder=recorder)
        notice = f"{damage}: the replay stops there." if damage is not None else None
        app = ReplayApp(source, clock, options, recorder=recorder, alerts=alerts, notice=notice)
        tune_garbage_collector()
        try:
            return app.run() or 0
        finally:
            recorder.close()
