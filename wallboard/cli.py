"""The `wallboard` command: run the board, the demo, a one-shot snapshot, or the simulator.

Every failure a user can cause or meet ends in one clear line on stderr and a documented
exit code, never a traceback, and never the account code.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import click

from wallboard.api.errors import PollError
from wallboard.config import ConfigError, Settings, load_settings

EXIT_USAGE = 2
EXIT_NETWORK = 5


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"wallboard: {message}", err=True)
    sys.exit(code)


def _require_terminal() -> None:
    """Refuse to draw the board without a terminal: exit 2 with one line, at once.

    Without one, the board would wait for keys that never come, spin, or write escape
    codes into a file for ever. Every one of stdin, stdout and stderr must be a terminal
    (Textual reads keys from stdin and draws on stdout or stderr). A board that a browser
    session runs (`wallboard serve`, through textual-serve's web driver) draws on pipes
    that the web server reads: it has no terminal and needs none.
    """
    if os.environ.get("TEXTUAL_DRIVER", "").endswith("web_driver:WebDriver"):
        return
    for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout), ("stderr", sys.stderr)):
        try:
            ok = stream is not None and stream.isatty()
        except (OSError, ValueError):
            ok = False
        if not ok:
            _fail(
                f"no terminal ({name} is not a TTY); for headless use run `wallboard hub`",
                EXIT_USAGE,
            )


def _settings(config: Path | None, code_file: Path | None, overrides: dict[str, Any]) -> Settings:
    warnings: list[str] = []
    try:
        settings = load_settings(
            config_path=config, code_file=code_file, overrides=overrides, warnings=warnings
        )
    except ConfigError as error:
        _fail(str(error), EXIT_USAGE)
    for warning in warnings:
        click.echo(f"wallboard: {warning}", err=True)
    return settings


_config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML config file (default: ~/.config/wallboard/config.toml).",
)
_code_file_option = click.option(
    "--code-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the account code (else VOICENTER_CODE or the config file).",
)
_base_url_option = click.option("--base-url", help="API base URL (default: Voicenter's).")
_theme_option = click.option("--theme", help="Theme name (built-in or from the config dir).")
_compact_option = click.option(
    "--compact", is_flag=True, default=None, help="One line per agent, for large centres."
)
_wall_option = click.option(
    "--wall", is_flag=True, default=None, help="Wall-screen mode: big totals, no input needed."
)
_store_option = click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file of the day's counters (default: in the user data directory).",
)
_redis_password_file_option = click.option(
    "--redis-password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the Redis password (else REDIS_PASSWORD, or the URL from the env).",
)
_record_option = click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append every poll to this recording (replay it with `wallboard replay`).",
)


def _check_recording_target(path: Path | None) -> None:
    """Refuse a `--record` file that holds something else, before anything starts."""
    if path is None or not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return
    from wallboard.sources.recording import RecordingError, read_header

    try:
        read_header(path)
    except RecordingError as error:
        _fail(f"--record: {error}; name a new file", EXIT_USAGE)


_feed_option = click.option(
    "--feed",
    "feed_name",
    default="wallboard",
    show_default=True,
    help="Name of the feed in Redis (its keys' prefix): one per hub.",
)


_mask_option = click.option(
    "--mask",
    is_flag=True,
    help="Mask caller numbers (all but their last 4 digits), as a masked board shows them.",
)
_mask_callers_option = click.option(
    "--mask-callers",
    type=click.Choice(["wall", "always", "never"]),
    help="Caller numbers on screen: masked in wall mode (default), always, or never.",
)
_bidi_option = click.option(
    "--bidi",
    type=click.Choice(["terminal", "reorder"]),
    help="Right-to-left names: leave them to the terminal (default), or reorder them here.",
)


_extension_option = click.option(
    "--extension", help="Only this extension (SIP username): the API's own filter."
)
_queue_option = click.option("--queue", help="Only this queue (ID): the API's own filter.")


def _filter(value: str | None) -> str | None:
    """An `--extension`/`--queue` value as the API takes it (blank: no filter)."""
    return value.strip() or None if value is not None else None


def _masked(document: Any, mask: bool) -> Any:
    """`document` with caller numbers masked when `--mask` was given."""
    if not mask:
        return document
    from wallboard.core.phone import mask_document

    return mask_document(document)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from wallboard.launch import version_text

        click.echo(version_text())
        ctx.exit()


@click.group(invoke_without_command=True)
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_show_version,
    help="Show the versions and which fast paths run (and why), then exit.",
)
@click.pass_context
def main(ctx: click.Context) -> None:
    """A live call-centre wallboard for the terminal (Voicenter Active Calls API)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@main.command()
@_base_url_option
@click.option("--interval", type=float, help="Seconds between polls (default 5).")
@_theme_option
@_config_option
@_code_file_option
@_compact_option
@_wall_option
@_store_option
@_redis_password_file_option
@_feed_option
@_record_option
@click.option(
    "--from",
    "from_url",
    envvar="WALLBOARD_FROM",
    help="Follow a hub: redis://HOST[:PORT][/DB] or rediss://... (no polling, no code).",
)
@_extension_option
@_queue_option
@_mask_callers_option
@_bidi_option
@click.pass_context
def run(
    ctx: click.Context,
    /,
    from_url: str | None,
    extension: str | None,
    queue: str | None,
    mask_callers: str | None,
    bidi: str | None,
    base_url: str | None,
    interval: float | None,
    theme: str | None,
    config: Path | None,
    code_file: Path | None,
    compact: bool | None,
    wall: bool | None,
    store: Path | None,
    record: Path | None = None,
    **_feed: Any,
) -> None:
    """Run the board for the configured account, or following a hub (--from)."""
    if from_url is not None:
        from wallboard.launch import run_following_board

        if record is not None:
            _fail("--record: a board following a hub does not poll; record on the hub", 2)
        if extension or queue:
            _fail(
                "--extension and --queue filter what a board polls; a board following a "
                "hub (--from) polls nothing",
                EXIT_USAGE,
            )
        settings = _settings(
            config,
            None,
            {
                "theme": theme,
                "compact": compact,
                "wall": wall,
                "mask_callers": mask_callers,
                "bidi": bidi,
            },
        )
        link = _redis_link(ctx, "from_url", from_url)  # a secret in argv is refused first
        _require_terminal()
        sys.exit(run_following_board(settings, link))
    _check_recording_target(record)
    _require_terminal()
    settings = _settings(
        config,
        code_file,
        {
            "base_url": base_url,
            "interval_s": interval,
            "theme": theme,
            "compact": compact,
            "wall": wall,
            "store": store,
            "mask_callers": mask_callers,
            "bidi": bidi,
        },
    )
    try:
        code = settings.require_code()
    except ConfigError as error:
        _fail(str(error), EXIT_USAGE)
    from wallboard.launch import run_live_board

    sys.exit(
        run_live_board(settings, code, record, extension=_filter(extension), queue=_filter(queue))
    )


@main.command()
@click.option("--agents", type=click.IntRange(1, 10000), default=60, show_default=True)
@click.option("--queues", type=click.IntRange(1, 500), default=6, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--speed", type=click.FloatRange(0.01, 10000), default=1.0, show_default=True)
@click.option("--interval", type=float, help="Seconds between polls (default 2).")
@_theme_option
@_config_option
@_compact_option
@_wall_option
@_store_option
@_extension_option
@_queue_option
@_mask_callers_option
@_bidi_option
@_record_option
def demo(
    extension: str | None,
    queue: str | None,
    mask_callers: str | None,
    bidi: str | None,
    agents: int,
    queues: int,
    seed: int,
    speed: float,
    interval: float | None,
    theme: str | None,
    config: Path | None,
    compact: bool | None,
    wall: bool | None,
    store: Path | None,
    record: Path | None = None,
) -> None:
    """Run the board on the built-in call-centre simulator: no set-up, no network.

    A busy centre in its morning peak; the last 90 minutes of its day are counted before
    the first frame. The day's counters go to a temporary store unless --store names one."""
    _check_recording_target(record)
    _require_terminal()
    settings = _settings(
        config,
        None,
        {
            "interval_s": interval if interval is not None else 2.0,
            "theme": theme,
            "compact": compact,
            "wall": wall,
            "store": store,
            "mask_callers": mask_callers,
            "bidi": bidi,
        },
    )
    from wallboard.launch import run_demo_board

    sys.exit(
        run_demo_board(
            settings,
            agents=agents,
            queues=queues,
            seed=seed,
            speed=speed,
            record=record,
            extension=_filter(extension),
            queue=_filter(queue),
        )
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_base_url_option
@_extension_option
@_queue_option
@_config_option
@_code_file_option
@_mask_option
def snapshot(
    mask: bool,
    as_json: bool,
    base_url: str | None,
    extension: str | None,
    queue: str | None,
    config: Path | None,
    code_file: Path | None,
) -> None:
    """Poll both endpoints once and print what they say."""
    settings = _settings(config, code_file, {"base_url": base_url})
    try:
        code = settings.require_code()
    except ConfigError as error:
        _fail(str(error), EXIT_USAGE)
    try:
        snap = asyncio.run(_one_snapshot(settings, code, extension, queue))
    except PollError as error:
        _fail(error.message, error.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    unmatched = _unmatched_filters(snap, extension, queue)
    if unmatched:
        _fail(unmatched, EXIT_USAGE)
    if as_json:
        from wallboard.core.export import snapshot_to_json

        _print_json(_masked(snapshot_to_json(snap), mask))
    else:
        from wallboard.core.summary import summarise

        click.echo("\n".join(summarise(snap)))


def _print_json(document: Any) -> None:
    """Print `document` as strict JSON (`wallboard.core.jsonout`), saying on stderr what had
    to be replaced; ASCII-escaped when stdout cannot take UTF-8."""
    from wallboard.core.jsonout import encode

    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    encoded = encode(document, ascii_only=encoding != "utf8")
    for problem in encoded.problems():
        click.echo(f"wallboard: warning: {problem}", err=True)
    click.echo(encoded.text)


def _unmatched_filters(snap: Any, extension: str | None, queue: str | None) -> str | None:
    """What `--extension`/`--queue` matched nothing of, in words; None when all matched."""
    from wallboard.core.text import plain

    missing = []
    if extension and not any(e.username == extension for e in snap.extensions):
        missing.append(f"no extension with SIP id {plain(extension)[:60]!r}")
    if queue and not any(str(q.queue_id) == queue.strip() for q in snap.queues):
        missing.append(f"no queue with ID {plain(queue)[:60]!r}")
    if not missing:
        return None
    return " and ".join(missing) + " in the answer (check --extension / --queue)"


async def _one_snapshot(
    settings: Settings, code: str, extension: str | None, queue: str | None
) -> Any:
    from wallboard.core.clock import SystemClock
    from wallboard.sources.api_source import api_source_for

    source = api_source_for(settings, code, SystemClock(), extension=extension, queue=queue)
    try:
        return await source.fetch()
    finally:
        await source.aclose()


@main.command()
@_base_url_option
@click.option("--interval", type=float, help="Seconds between polls (default 5).")
@_store_option
@_config_option
@_code_file_option
@click.option("--status-every", type=click.FloatRange(0.1, 86400), default=60.0, hidden=True)
@click.option(
    "--redis",
    "redis_url",
    envvar="WALLBOARD_REDIS_URL",
    help="Publish every poll to this Redis: redis://HOST[:PORT][/DB] or rediss://...",
)
@click.option(
    "--metrics-port",
    type=click.IntRange(0, 65535),
    help="Serve Prometheus metrics on this port (/metrics).",
)
@click.option(
    "--metrics-host",
    default="127.0.0.1",
    show_default=True,
    help="Address the metrics listen on.",
)
@_redis_password_file_option
@_feed_option
@click.option("--name", "hub_name", help="The hub's name on the boards (default: host name).")
@_record_option
@click.pass_context
def hub(
    ctx: click.Context,
    /,
    base_url: str | None,
    interval: float | None,
    store: Path | None,
    config: Path | None,
    code_file: Path | None,
    status_every: float,
    redis_url: str | None,
    metrics_port: int | None,
    metrics_host: str,
    hub_name: str | None,
    record: Path | None = None,
    **_feed: Any,
) -> None:
    """Poll, count the day and save it, with no screen (for servers and many boards).

    With --redis every poll's snapshot, the day's figures and each failure are published
    for boards (`wallboard run --from`) and browsers (`wallboard serve`) to follow; with
    --metrics-port Prometheus can scrape the hub. One status line a minute and each
    failure go to stderr. SIGTERM or SIGINT finish the current write and exit 0."""
    link = _redis_link(ctx, "redis_url", redis_url) if redis_url else None
    _check_recording_target(record)
    settings = _settings(
        config, code_file, {"base_url": base_url, "interval_s": interval, "store": store}
    )
    try:
        code = settings.require_code()
    except ConfigError as error:
        _fail(str(error), EXIT_USAGE)
    from wallboard.launch import open_recorder, run_hub_service

    recorder = open_recorder(settings)
    if not recorder.counting:
        _fail(
            f"{recorder.problem}; one process writes a store: read it with `wallboard stats`, "
            "or give this hub its own with --store PATH",
            EXIT_USAGE,
        )

    def log(line: str) -> None:
        click.echo(f"wallboard hub: {line}", err=True)

    log(
        f"polling {_host_of(settings.base_url)} every {settings.interval_s:g}s; "
        f"counting into {settings.store_path()}"
    )
    try:
        exit_code = run_hub_service(
            settings,
            code,
            recorder,
            log=log,
            status_every_s=status_every,
            link=link,
            metrics_address=(metrics_host, metrics_port) if metrics_port is not None else None,
            hub_name=hub_name,
            record=record,
        )
    except OSError as error:
        _fail(f"cannot serve metrics on {metrics_host}:{metrics_port}: {error.strerror}", 5)
    sys.exit(exit_code)


def _host_of(url: str) -> str:
    """The host (and port) of a URL, never its user part or query."""
    from urllib.parse import urlsplit

    return urlsplit(url).netloc.rpartition("@")[2] or url


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_store_option
@click.option("--day", help="The business day, YYYY-MM-DD (default: the latest in the store).")
@_config_option
@click.option(
    "--from-recording",
    "recording",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Recount the figures from a recording (`--record`) instead of reading the store.",
)
@click.option("--now", "at", type=float, hidden=True)  # tests: the figures as of this epoch
@_mask_option
def stats(
    as_json: bool,
    store: Path | None,
    day: str | None,
    config: Path | None,
    recording: Path | None = None,
    at: float | None = None,
    mask: bool = False,
) -> None:
    """Print the day's figures per queue and per agent from the store (or a recording)."""
    from datetime import date

    from wallboard.hub.stats import StatsError, read_stats, stats_table

    if recording is not None and store is not None:
        _fail("--store and --from-recording: give one", EXIT_USAGE)
    settings = _settings(config, None, {"store": store})
    try:
        wanted = date.fromisoformat(day) if day is not None else None
    except ValueError:
        _fail(f"--day must be YYYY-MM-DD, not {day!r}", EXIT_USAGE)
    now = time.time() if at is None else at
    try:
        if recording is not None:
            from wallboard.hub.recording_stats import stats_from_recording

            result = stats_from_recording(
                recording,
                calendar=settings.calendar(),
                thresholds=settings.thresholds(),
                rules=settings.alert_rules(),
                clear_after_s=settings.alerts.clear_after_s,
                day=wanted,
                now=now,
            )
        else:
            result = read_stats(
                settings.store_path(),
                calendar=settings.calendar(),
                thresholds=settings.thresholds(),
                interval_s=settings.interval_s,
                day=wanted,
                now=now,
            )
    except StatsError as error:
        _fail(str(error), EXIT_USAGE)
    for warning in result.warnings:
        click.echo(f"wallboard: {warning}", err=True)
    document = _masked(result.document, mask)
    if as_json:
        _print_json(document)
    else:
        click.echo("\n".join(stats_table(document)))


def _clock_time(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from wallboard.ui.replay import jump_target

    if value is not None and jump_target(value, 0.0) is None:
        raise click.BadParameter(f"{value!r} is not a time of day (HH:MM)")
    return value


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--speed",
    type=click.FloatRange(0.1, 3600),
    default=1.0,
    show_default=True,
    help="Recorded seconds per real second.",
)
@click.option(
    "--from", "start", callback=_clock_time, help="Start at this time (HH:MM) of the recording."
)
@click.option("--to", "stop", callback=_clock_time, help="Stop at this time (HH:MM).")
@_theme_option
@_config_option
@_compact_option
@_wall_option
def replay(
    path: Path,
    speed: float,
    start: str | None,
    stop: str | None,
    theme: str | None,
    config: Path | None,
    compact: bool | None,
    wall: bool | None,
) -> None:
    """Replay a recording (`--record`) on the board as it looked then.

    Keys: space pauses and plays, . steps one poll, + and - change the speed, > jumps ten
    minutes forward, t jumps to a time. The day is counted into a temporary store."""
    from wallboard.launch import time_in_recording
    from wallboard.sources.recording import RecordingError, scan
    from wallboard.sources.replay import local_time

    try:
        span = scan(path)
    except RecordingError as error:
        _fail(str(error), EXIT_USAGE)
    damage = span.damage.describe(local_time) if span.damage is not None else None
    if span.first_utc is None or span.last_utc is None:
        _fail(f"{path} holds no poll to replay" + (f" ({damage})" if damage else ""), EXIT_USAGE)
    first, last = span.first_utc, span.last_utc
    start_at = time_in_recording(start, first, last) if start else None
    stop_at = time_in_recording(stop, first, last) if stop else None
    if start_at is not None and start_at > last:
        _fail(f"--from {start} is after the recording's end ({local_time(last)})", EXIT_USAGE)
    if stop_at is not None and stop_at < (start_at or first):
        _fail(f"--to {stop} is before where the replay starts", EXIT_USAGE)
    if damage is not None:
        click.echo(f"wallboard: {damage}: the replay stops there", err=True)
    _require_terminal()
    settings = _settings(config, None, {"theme": theme, "compact": compact, "wall": wall})
    from wallboard.launch import run_replay_board

    sys.exit(
        run_replay_board(
            settings,
            path,
            speed=speed,
            start_at=start_at,
            stop_at=stop_at,
            first_utc=first,
            damage=damage,
        )
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option(
    "--code",
    envvar="VOICENTER_CODE",
    help="The code the simulator accepts (default: $VOICENTER_CODE, else 'demo').",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--agents", type=click.IntRange(1, 10000), default=40, show_default=True)
@click.option("--queues", type=click.IntRange(1, 500), default=4, show_default=True)
@click.option("--speed", type=click.FloatRange(0.01, 10000), default=1.0, show_default=True)
@click.option("--utc-offset-hours", type=click.FloatRange(-14, 14), default=0.0)
@click.option("--faults", help="Fault profile: 'none', 'chaos' or 'kind=rate,...'.")
def simulate(
    host: str,
    port: int,
    code: str | None,
    seed: int,
    agents: int,
    queues: int,
    speed: float,
    utc_offset_hours: float,
    faults: str | None,
) -> None:
    """Serve a simulated call centre on the Active Calls API's wire format."""
    from wallboard.sim.faults import FaultProfile
    from wallboard.sim.server import run_server

    if faults:
        try:
            FaultProfile.parse(faults)
        except ValueError as error:
            _fail(str(error), EXIT_USAGE)
    click.echo(
        f"wallboard: simulating {agents} agents in {queues} queues at "
        f"http://{host}:{port}/comet/API (speed x{speed:g})",
        err=True,
    )
    try:
        run_server(
            host=host,
            port=port,
            code=code or "demo",
            seed=seed,
            agents=agents,
            queues=queues,
            speed=speed,
            utc_offset_hours=utc_offset_hours,
            faults=faults,
        )
    except OSError as error:
        _fail(f"cannot serve on {host}:{port}: {error.strerror}", EXIT_NETWORK)


# --- many boards ----------------------------------------------------------------------------
def _redis_link(ctx: click.Context, parameter: str, url: str) -> Any:
    """The Redis link from a URL option; a password typed on the command line is refused."""
    from wallboard.feed.redis_link import LinkError, make_link

    source = ctx.get_parameter_source(parameter)
    try:
        return make_link(
            url,
            url_from_command_line=source == click.core.ParameterSource.COMMANDLINE,
            password_file=ctx.params.get("redis_password_file"),
            prefix=ctx.params.get("feed_name") or "wallboard",
        )
    except LinkError as error:
        _fail(str(error), EXIT_USAGE)


@main.command()
@click.option(
    "--from",
    "from_url",
    envvar="WALLBOARD_FROM",
    required=True,
    help="The hub's Redis: redis://HOST[:PORT][/DB] or rediss://...",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the browsers' password (else WALLBOARD_WEB_PASSWORD); "
    "needed beyond loopback.",
)
@click.option("--max-sessions", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--public-url", help="The URL browsers use, when not http://HOST:PORT.")
@_theme_option
@_wall_option
@_mask_callers_option
@_bidi_option
@_redis_password_file_option
@_feed_option
@click.pass_context
def serve(
    ctx: click.Context,
    /,
    from_url: str,
    host: str,
    port: int,
    password_file: Path | None,
    max_sessions: int,
    public_url: str | None,
    theme: str | None,
    wall: bool | None,
    mask_callers: str | None,
    bidi: str | None,
    **_feed: Any,
) -> None:
    """Serve the board to browsers, each tab following the hub (textual-serve)."""
    from wallboard.web import ServeError, serve_board, web_password

    link = _redis_link(ctx, "from_url", from_url)
    extra = (
        *(("--theme", theme) if theme else ()),
        *(("--wall",) if wall else ()),
        *(("--mask-callers", mask_callers) if mask_callers else ()),
        *(("--bidi", bidi) if bidi else ()),
    )
    try:
        serve_board(
            link,
            host=host,
            port=port,
            password=web_password(password_file),
            max_sessions=max_sessions,
            public_url=public_url,
            extra_args=extra,
            log=lambda line: click.echo(f"wallboard serve: {line}", err=True),
        )
    except ServeError as error:
        _fail(str(error), EXIT_USAGE)
    except OSError as error:
        _fail(f"cannot serve on {host}:{port}: {error.strerror}", EXIT_NETWORK)
