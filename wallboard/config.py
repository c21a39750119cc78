"""Settings: flags over environment over the TOML config file over defaults.

The account code is read from `VOICENTER_CODE`, the config file's `code`, or a file named by
`--code-file`; never from a command-line value, where `ps` would show it to every user.
"""

from __future__ import annotations

import os
import stat
import tomllib
import zoneinfo
from datetime import tzinfo
from pathlib import Path
from typing import Any

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
from wallboard.core.calendar import DayCalendar, parse_day_start
from wallboard.core.day_metrics import QueueThresholds, ThresholdTable
from wallboard.paths import config_dir


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
    # The day's figures (see docs/METRICS.md).
    service_level_s: float = Field(default=20.0, ge=0, le=3600)
    short_abandon_s: float = Field(default=5.0, ge=0, le=600)
    service_level_target_pct: float = Field(default=80.0, ge=0, le=100)
    queues: dict[str, QueueSettings] = Field(default_factory=dict)
    store: Path | None = None  # default: default_store_path()
    timezone: str | None = None  # default: the machine's zone
    day_starts: str = "00:00"
    keep_days: int = Field(default=35, ge=1, le=3660)

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


def _given(value: float | None, default: float) -> float:
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
        return _FileSettings(**values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}"
            for e in error.errors(include_input=False, include_url=False)
        )
        raise ConfigError(f"invalid settings: {problems}") from None


def read_code_file(path: Path, warnings: list[str] | None = None) -> str:
    """The code from a file holding just the code."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ConfigError(f"cannot read code file {path}: {error.strerror}") from None
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
    """Validate the TOML syntax and return the file's `code`, if any."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None
    code = data.get("code")
    if code is None:
        return None
    _warn_if_shared(path, warnings)
    if not isinstance(code, str):
        raise ConfigError(f"invalid settings: `code` in {path} must be a string") from None
    return code


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
