"""The `wallboard` command: run the board, the demo, a one-shot snapshot, or the simulator.

Every failure a user can cause or meet ends in one clear line on stderr and a documented
exit code, never a traceback, and never the account code.
"""

from __future__ import annotations

import asyncio
import json
import sys
import unicodedata
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


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from wallboard.ui.launch import version_text

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
    if as_json:
        from wallboard.core.export import snapshot_to_json

        click.echo(_terminal_safe_json(snapshot_to_json(snap)))
    else:
        from wallboard.core.summary import summarise

        click.echo("\n".join(summarise(snap)))


def _terminal_safe_json(document: Any) -> str:
    """JSON with control and format characters escaped (as in `\\u202e`): the data decodes
    exactly as received, but printing it cannot drive the terminal."""
    text = json.dumps(document, ensure_ascii=False)
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
        for ch in text
    )


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
