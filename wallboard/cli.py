"""The `wallboard` command: run the board, the demo, a one-shot snapshot, or the simulator.

Every failure a user can cause or meet ends in one clear line on stderr and a documented
exit code, never a traceback, and never the account code.
"""

from __future__ import annotations

import asyncio
import sys
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
    (Textual reads keys from stdin and draws on stdout or stderr).
    """
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


@click.group(invoke_without_command=True)
@click.version_option(package_name="wallboard")
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
def run(
    base_url: str | None,
    interval: float | None,
    theme: str | None,
    config: Path | None,
    code_file: Path | None,
    compact: bool | None,
    wall: bool | None,
) -> None:
    """Run the board for the configured account."""
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
        },
    )
    try:
        code = settings.require_code()
    except ConfigError as error:
        _fail(str(error), EXIT_USAGE)
    from wallboard.ui.launch import run_live_board

    sys.exit(run_live_board(settings, code))


@main.command()
@click.option("--agents", type=click.IntRange(1, 10000), default=40, show_default=True)
@click.option("--queues", type=click.IntRange(1, 500), default=4, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--speed", type=click.FloatRange(0.01, 10000), default=1.0, show_default=True)
@click.option("--interval", type=float, help="Seconds between polls (default 2).")
@_theme_option
@_config_option
@_compact_option
@_wall_option
def demo(
    agents: int,
    queues: int,
    seed: int,
    speed: float,
    interval: float | None,
    theme: str | None,
    config: Path | None,
    compact: bool | None,
    wall: bool | None,
) -> None:
    """Run the board on the built-in call-centre simulator: no set-up, no network."""
    _require_terminal()
    settings = _settings(
        config,
        None,
        {
            "interval_s": interval if interval is not None else 2.0,
            "theme": theme,
            "compact": compact,
            "wall": wall,
        },
    )
    from wallboard.ui.launch import run_demo_board

    sys.exit(run_demo_board(settings, agents=agents, queues=queues, seed=seed, speed=speed))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_base_url_option
@click.option("--extension", help="Only this extension (SIP username).")
@click.option("--queue", help="Only this queue (ID).")
@_config_option
@_code_file_option
def snapshot(
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

        _print_json(snapshot_to_json(snap))
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
