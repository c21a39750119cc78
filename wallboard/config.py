"""Settings: flags over environment over the TOML config file over defaults.

The account code is read from `VOICENTER_CODE`, the config file's `code`, or a file named by
`--code-file`; never from a command-line value, where `ps` would show it to every user.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import stat
import tomllib
import typing
import zoneinfo
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import Any, Literal, TypeVar

import httpx
import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from wallboard.api.client import DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES
from wallboard.core.agent_state import StatusName, StatusVocabulary, status_look
from wallboard.core.alerts import AlertRules, QueueAlertRules
from wallboard.core.calendar import DayCalendar, parse_day_start
from wallboard.core.day_metrics import QueueThresholds, ThresholdTable
from wallboard.core.escalation import (
    DEFAULT_BY_STATUS,
    DEFAULT_BY_STYLE,
    EscalationRules,
    steps_of,
)
from wallboard.core.phone import mask_phone
from wallboard.core.teams import Team, Teams
from wallboard.core.text import plain
from wallboard.paths import config_dir

_T = TypeVar("_T", float, float | None)


class ConfigError(Exception):
    """Settings that cannot be used; the message says what to fix (never echoing values)."""


def default_config_path() -> Path:
    """Where the config file is looked for when `--config` is not given."""
    return config_dir() / "config.toml"


def default_store_path() -> Path:
    """Where the day's counters are kept when `--store` is not given (the user data dir)."""
    return Path(platformdirs.user_data_dir("wallboard", appauthor=False)) / "wallboard.sqlite3"


class QueueSettings(BaseModel):
    """Settings of one queue (`[queues."ID"]`, `[queues."Name"]` or `[queues."*"]`); what
    is left out comes from the top-level settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service_level_s: float | None = Field(default=None, ge=0, le=3600)
    short_abandon_s: float | None = Field(default=None, ge=0, le=600)
    service_level_target_pct: float | None = Field(default=None, ge=0, le=100)
    wait_alert_s: float | None = Field(default=None, ge=0)
    waiting_alert: int | None = Field(default=None, ge=0)
    min_calls: int | None = Field(default=None, ge=0)
    abandon_alert_pct: float | None = Field(default=None, ge=0, le=100)


class StatusSettings(BaseModel):
    """Settings of one `onlineUserStatus` code (`[statuses."3"]`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alert_after_s: float | None = Field(default=None, gt=0)
    # The tile's timer changes colour at these seconds in this status (up to three, rising);
    # left out: the built-in steps for lunch and short breaks, none for other codes.
    escalate_s: list[float] | None = None

    @field_validator("escalate_s")
    @classmethod
    def _rising_steps(cls, value: list[float] | None) -> list[float] | None:
        return None if value is None else list(steps_of(value))

    # The centre's own vocabulary (README, "Status names"): a name for the code (renaming
    # a built-in one or naming a code the built-in list lacks), the tile's short word
    # (default: the name's first word) and a colour ("#rrggbb" or a colour name).
    name: str | None = Field(default=None, min_length=1, max_length=40)
    word: str | None = Field(default=None, min_length=1, max_length=5)
    colour: str | None = None

    @field_validator("colour")
    @classmethod
    def _a_colour(cls, value: str | None) -> str | None:
        # The form only: the board parses the colour itself (this module draws nothing),
        # and says on screen if a name is one it does not know.
        if value is not None and not _COLOUR.fullmatch(value.strip()):
            raise ValueError(
                f'{_printable(value)!r} is not a colour (use "#rrggbb" or a name such as "orange")'
            )
        return value.strip() if value is not None else None


class EscalationSettings(BaseModel):
    """When a long call, hold, ring or dial changes colour (`[escalation]`): up to three
    rising thresholds in seconds per state; [] never escalates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    talking_s: list[float] = Field(default_factory=lambda: list(DEFAULT_BY_STYLE["call-talking"]))
    hold_s: list[float] = Field(default_factory=lambda: list(DEFAULT_BY_STYLE["call-hold"]))
    ringing_s: list[float] = Field(default_factory=lambda: list(DEFAULT_BY_STYLE["call-ringing"]))
    dialing_s: list[float] = Field(default_factory=lambda: list(DEFAULT_BY_STYLE["call-dialing"]))

    @field_validator("*")
    @classmethod
    def _rising_steps(cls, value: list[float]) -> list[float]:
        return list(steps_of(value))


_COLOUR = re.compile(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[a-zA-Z][a-zA-Z_ ]{0,29}")


class TeamSettings(BaseModel):
    """One team (`[teams.Support]`): its agents (SIP ids, or name patterns such as
    "Dana*") and the queues it answers (IDs or names)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agents: list[str] = Field(default_factory=list, max_length=10_000)
    queues: list[str] = Field(default_factory=list, max_length=1_000)


DesktopKind = Literal["auto", "osc9", "osc777", "osc99", "off"]


class AlertSettings(BaseModel):
    """How alerts reach someone who is not looking (`[alerts]`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bell: bool = True
    desktop: DesktopKind = "auto"
    command: list[str] | None = None  # argv, never a shell; the alert as JSON on stdin
    command_timeout_s: float = Field(default=10.0, gt=0, le=300)
    renotify_s: float = Field(default=300.0, ge=10)
    clear_after_s: float = Field(default=30.0, ge=0, le=3600)
    mute_s: float = Field(default=900.0, gt=0, le=86400)

    @field_validator("command")
    @classmethod
    def _argv(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and (not value or not value[0].strip()):
            raise ValueError('command must name a program: command = ["notify-me", "--room", "2"]')
        return value


class Settings(BaseSettings):
    """Everything the board can be configured with. Env vars use the `WALLBOARD_` prefix."""

    model_config = SettingsConfigDict(
        env_prefix="WALLBOARD_", extra="ignore", populate_by_name=True
    )

    # Only VOICENTER_CODE is read from the environment (an alias of plain "code" would make
    # any CODE variable the account code); the config file's `code` key is read by
    # `load_settings`, below the environment in precedence.
    code: SecretStr | None = Field(default=None, validation_alias="VOICENTER_CODE")
    base_url: str = DEFAULT_BASE_URL
    interval_s: float = Field(default=5.0, ge=0.2, le=3600)
    connect_timeout_s: float = Field(default=5.0, gt=0, le=120)
    read_timeout_s: float = Field(default=10.0, gt=0, le=300)
    max_response_bytes: int = Field(default=DEFAULT_MAX_RESPONSE_BYTES, ge=1024)
    clock_offset_s: float | None = Field(default=None, ge=-16 * 3600, le=16 * 3600)
    wait_warn_s: float = Field(default=60.0, ge=0)
    wait_alert_s: float = Field(default=180.0, ge=0)
    theme: str | None = None
    compact: bool = False
    wall: bool = False
    # Caller numbers on screen (README, "Masking caller numbers"): "wall" masks them in
    # wall mode, "always" on every screen and notification, "never" nowhere.
    mask_callers: Literal["wall", "always", "never"] = "wall"
    # Right-to-left names (README, "Hebrew and Arabic"): "terminal" leaves the order to the
    # terminal, "reorder" lays them out on the board (for terminals that do not).
    bidi: Literal["terminal", "reorder"] = "terminal"
    # Wall mode: each view's time on screen, and a view pinned from the start (README).
    wall_rotate_s: float = Field(default=15.0, ge=2, le=3600)
    wall_view: Literal["rotate", "centre", "agents", "ticker"] = "rotate"
    # The day's figures (see docs/METRICS.md).
    service_level_s: float = Field(default=20.0, ge=0, le=3600)
    short_abandon_s: float = Field(default=5.0, ge=0, le=600)
    service_level_target_pct: float = Field(default=80.0, ge=0, le=100)
    queues: dict[str, QueueSettings] = Field(default_factory=dict)
    store: Path | None = None  # default: default_store_path()
    timezone: str | None = None  # default: the machine's zone
    day_starts: str = "00:00"
    keep_days: int = Field(default=35, ge=1, le=3660)
    # Recordings (`--record PATH`): a file is rotated past this size (or a day's age), and
    # rotated files older than `record_keep_days` are deleted.
    record_max_mb: float = Field(default=64.0, ge=0.01, le=100_000)
    record_keep_days: int = Field(default=14, ge=1, le=3660)
    # Alerts (README, "Alerts"); None switches a rule off.
    waiting_alert: int | None = Field(default=None, ge=0)
    min_calls: int = Field(default=10, ge=0)
    abandon_alert_pct: float | None = Field(default=None, ge=0, le=100)
    long_call_s: float | None = Field(default=3600.0, gt=0)
    missed_alert: int | None = Field(default=3, ge=1)
    recording_required: bool = False
    nobody_available_alert: bool = True
    stale_alert_s: float | None = Field(default=60.0, gt=0)
    statuses: dict[str, StatusSettings] = Field(default_factory=dict)
    escalation: EscalationSettings = Field(default_factory=EscalationSettings)
    # Teams (README, "Teams"), in the order their headings show on the grid.
    teams: dict[str, TeamSettings] = Field(default_factory=dict, max_length=200)
    alerts: AlertSettings = Field(default_factory=AlertSettings)

    @field_validator("statuses")
    @classmethod
    def _status_codes(cls, value: dict[str, StatusSettings]) -> dict[str, StatusSettings]:
        for code in value:
            if not code.strip().lstrip("-").isdigit():
                raise ValueError(f"[statuses.{code!r}]: a status is named by its number")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Jerusalem)") from None
        return value

    @field_validator("day_starts")
    @classmethod
    def _day_start(cls, value: str) -> str:
        parse_day_start(value)
        return value

    def zone(self) -> tzinfo:
        """The centre's time zone: `timezone`, else the machine's."""
        if self.timezone:
            return zoneinfo.ZoneInfo(self.timezone)
        import tzlocal

        try:
            return tzlocal.get_localzone()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, LookupError):
            return zoneinfo.ZoneInfo("UTC")

    def calendar(self) -> DayCalendar:
        """When each business day starts."""
        return DayCalendar(self.zone(), parse_day_start(self.day_starts))

    def thresholds(self) -> ThresholdTable:
        """Service-level thresholds per queue, defaults filled in from the top level."""
        default = QueueThresholds(
            self.service_level_s, self.short_abandon_s, self.service_level_target_pct
        )
        return ThresholdTable(
            default,
            {
                name: QueueThresholds(
                    _given(queue.service_level_s, default.service_level_s),
                    _given(queue.short_abandon_s, default.short_abandon_s),
                    _given(queue.service_level_target_pct, default.service_level_target_pct),
                )
                for name, queue in self.queues.items()
            },
        )

    def alert_rules(self) -> AlertRules:
        """Every alert threshold, per queue and per status code, defaults filled in."""
        default = QueueAlertRules(
            wait_alert_s=self.wait_alert_s,
            waiting_alert=self.waiting_alert,
            service_level_target_pct=self.service_level_target_pct,
            min_calls=self.min_calls,
            abandon_alert_pct=self.abandon_alert_pct,
        )
        return AlertRules(
            queue_default=default,
            queues={
                name: QueueAlertRules(
                    wait_alert_s=_given(queue.wait_alert_s, default.wait_alert_s),
                    waiting_alert=(
                        queue.waiting_alert
                        if queue.waiting_alert is not None
                        else default.waiting_alert
                    ),
                    service_level_target_pct=_given(
                        queue.service_level_target_pct, default.service_level_target_pct
                    ),
                    min_calls=queue.min_calls if queue.min_calls is not None else self.min_calls,
                    abandon_alert_pct=_given(queue.abandon_alert_pct, default.abandon_alert_pct),
                )
                for name, queue in self.queues.items()
            },
            status_after_s={
                int(code): status.alert_after_s
                for code, status in self.statuses.items()
                if status.alert_after_s is not None
            },
            long_call_s=self.long_call_s,
            missed_alert=self.missed_alert,
            recording_required=self.recording_required,
            nobody_available=self.nobody_available_alert,
            stale_alert_s=self.stale_alert_s,
        )

    def escalation_rules(self) -> EscalationRules:
        """When agents' timers change colour, per state and per status code."""
        steps = self.escalation
        by_status = dict(DEFAULT_BY_STATUS)
        for code, status in self.statuses.items():
            if status.escalate_s is not None:
                by_status[int(code)] = tuple(status.escalate_s)
        return EscalationRules(
            by_style={
                "call-talking": tuple(steps.talking_s),
                "call-hold": tuple(steps.hold_s),
                "call-ringing": tuple(steps.ringing_s),
                "call-dialing": tuple(steps.dialing_s),
            },
            by_status=by_status,
        )

    def phone_off_screen(self) -> Callable[[str], str]:
        """How caller numbers leave the board (the alert command, the hub's log): masked
        when `mask_callers` is "always", or "wall" on a board started in wall mode."""
        if self.mask_callers == "always" or (self.mask_callers == "wall" and self.wall):
            return mask_phone
        return _as_it_is

    def team_rules(self) -> Teams:
        """The configured teams, in the config's order."""
        return Teams(
            Team(plain(name, 40), tuple(team.agents), tuple(team.queues))
            for name, team in self.teams.items()
        )

    def status_vocabulary(self) -> StatusVocabulary:
        """The status names and colours of this centre: the built-in ones, renamed and
        added to by `[statuses."N"]` tables that give a `name` or a `colour`."""
        names = {}
        for code, status in self.statuses.items():
            if status.name is None and status.colour is None and status.word is None:
                continue
            number = int(code)
            name = status.name or status_look(number).label
            names[number] = StatusName(name, status.word, status.colour)
        return StatusVocabulary(names)

    def store_path(self) -> Path:
        """The store file to use."""
        return self.store if self.store is not None else default_store_path()

    @field_validator("base_url")
    @classmethod
    def _usable_url(cls, value: str) -> str:
        """An http(s) URL with a host and a valid port: caught here, not mid-request."""
        try:
            url = httpx.URL(value)
            port = url.port
        except (httpx.InvalidURL, ValueError, TypeError):
            raise ValueError("not a valid URL") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("must be an http:// or https:// URL with a host")
        if port is not None and not 0 < port < 65536:
            raise ValueError("port out of range")
        # Never echo the URL: these parts are where secrets hide.
        if url.query or "?" in value:
            raise ValueError(
                "must not hold a query string (`?...`): the account code goes in "
                "VOICENTER_CODE, the config file's `code` or --code-file, never in a URL"
            )
        if url.userinfo:
            raise ValueError(
                "must not hold a user name or password (`user:pw@`): they would be sent "
                "to the server and shown in `ps`; the account code is all the API needs"
            )
        return value

    @model_validator(mode="after")
    def _alert_after_warn(self) -> Settings:
        if self.wait_alert_s < self.wait_warn_s:
            raise ValueError("wait_alert_s must not be below wait_warn_s")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags, then environment, then the TOML file."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def require_code(self) -> str:
        """The code, or a ConfigError saying where to put it."""
        if self.code is None or not self.code.get_secret_value().strip():
            raise ConfigError(
                'no account code: set VOICENTER_CODE, put `code = "..."` in '
                f"{default_config_path()}, or pass --code-file PATH"
            )
        return self.code.get_secret_value().strip()


def _as_it_is(phone: str) -> str:
    return phone


def _given(value: float | None, default: _T) -> float | _T:
    return default if value is None else value


def load_settings(
    *,
    config_path: Path | None = None,
    code_file: Path | None = None,
    overrides: dict[str, Any] | None = None,
    warnings: list[str] | None = None,
) -> Settings:
    """Read settings; flag `overrides` with None values are ignored.

    Problems that do not stop the board (a config file holding the code that other users
    can read) are appended to `warnings`.
    """
    path = config_path or default_config_path()
    if config_path is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    toml_file = path if path.is_file() else None
    file_code = _check_toml(toml_file, warnings) if toml_file is not None else None
    values = {key: value for key, value in (overrides or {}).items() if value is not None}
    if code_file is not None:
        values["code"] = read_code_file(code_file, warnings)
    elif file_code is not None and not _env_code_set():
        values["code"] = file_code

    class _FileSettings(Settings):
        model_config = SettingsConfigDict(
            env_prefix="WALLBOARD_", extra="ignore", populate_by_name=True, toml_file=toml_file
        )

    try:
        settings = _FileSettings(**values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}"
            for e in error.errors(include_input=False, include_url=False)
        )
        raise ConfigError(f"invalid settings: {problems}") from None
    if warnings is not None and not _private_transport(settings.base_url):
        warnings.append(
            "warning: base_url is plain http:// to a host that is not this machine: the "
            "account code and the centre's data cross the network unencrypted; use https://"
        )
    return settings


def _private_transport(base_url: str) -> bool:
    """Whether requests to `base_url` are encrypted, or never leave this machine."""
    url = httpx.URL(base_url)
    if url.scheme != "http":
        return True
    host = url.host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# A code is a few dozen characters; more means the wrong file (or /dev/zero): stop reading.
MAX_CODE_FILE_BYTES = 4096
# A config file is a few lines; a megabyte is far beyond any real one.
MAX_CONFIG_FILE_BYTES = 1024 * 1024


def _read_text(path: Path, what: str, limit: int) -> str:
    """A small UTF-8 text file, read at most `limit` bytes far; ConfigError otherwise.

    Never quotes the contents: the file may hold the code.
    """
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise ConfigError(f"cannot read {what} {path}: {error.strerror}") from None
    if len(data) > limit:
        raise ConfigError(f"{what} {path} is larger than {limit} bytes: is it the right file?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{what} {path} is not UTF-8 text (byte {error.start + 1} cannot be read); "
            "save it as UTF-8"
        ) from None


def read_code_file(path: Path, warnings: list[str] | None = None) -> str:
    """The code from a file holding just the code (at most `MAX_CODE_FILE_BYTES`)."""
    text = _read_text(path, "code file", MAX_CODE_FILE_BYTES).strip()
    if not text:
        raise ConfigError(f"code file {path} is empty")
    _warn_if_shared(path, warnings)
    return text


def _env_code_set() -> bool:
    """Whether VOICENTER_CODE holds a code (an empty variable does not count)."""
    return any(
        name.upper() == "VOICENTER_CODE" and value.strip() for name, value in os.environ.items()
    )


def _check_toml(path: Path, warnings: list[str] | None) -> str | None:
    """Validate the TOML syntax and keys, and return the file's `code`, if any."""
    text = _read_text(path, "config file", MAX_CONFIG_FILE_BYTES)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None
    unknown = _unknown_keys(data, Settings)
    if unknown:
        raise ConfigError(f"config file {path}: {'; '.join(unknown)}")
    code = data.get("code")
    if code is None:
        return None
    _warn_if_shared(path, warnings)
    if not isinstance(code, str):
        raise ConfigError(f"invalid settings: `code` in {path} must be a string") from None
    return code


def _unknown_keys(table: dict[str, Any], model: type[BaseModel], where: str = "") -> list[str]:
    """Each key of `table` that `model` has no field for, with the nearest field's name.

    Nested tables are checked only where the field is itself a pydantic model; a field that
    is a mapping (per-queue tables, say) takes whatever keys its values allow.
    """
    fields = model.model_fields
    problems = []
    for key, value in table.items():
        field = fields.get(key)
        if field is None:
            near = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean `{where}{near[0]}`?" if near else ""
            problems.append(f"unknown setting `{where}{_printable(key)}`{hint}")
            continue
        if not isinstance(value, dict):
            continue
        if typing.get_origin(field.annotation) is dict:
            # A table of tables (`[queues."5001"]`): its keys are names, its values models.
            of = _model_of(typing.get_args(field.annotation)[-1])
            if of is not None:
                for name, entry in value.items():
                    if isinstance(entry, dict):
                        problems += _unknown_keys(entry, of, f"{where}{key}.{_printable(name)}.")
            continue
        nested = _model_of(field.annotation)
        if nested is not None:
            problems += _unknown_keys(value, nested, f"{where}{key}.")
    return problems


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds (alone or optional), if it holds one."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _printable(text: str, limit: int = 40) -> str:
    """A key as it may be shown: short, without control characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in text[:limit])


def _warn_if_shared(path: Path, warnings: list[str] | None) -> None:
    """Warn when a file holding the code is readable by other users."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if warnings is not None and mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(
            f"warning: {path} holds the account code and other users can read it; "
            f"run: chmod 600 {path}"
        )
