"""Settings: flags over environment over the config file, and the code kept secret throughout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wallboard.config import ConfigError, Settings, default_config_path, load_settings

SECRET = "S3CR3T-code-4242"


@pytest.fixture
def config_file(monkeypatch, tmp_path) -> Path:
    """A clean environment whose config dir is in tmp; returns where config.toml goes."""
    for name in list(os.environ):
        if name.upper().startswith("WALLBOARD_") or name.upper() in ("VOICENTER_CODE", "CODE"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "xdg" / "wallboard" / "config.toml"
    path.parent.mkdir(parents=True)
    assert default_config_path() == path
    return path


def write_private(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_defaults_apply_without_any_configuration(config_file):
    settings = load_settings()
    assert settings.code is None
    assert settings.interval_s == 5.0
    assert settings.base_url == "https://monapisec.voicenter.co.il/comet/API"
    assert settings.clock_offset_s is None
    assert (settings.wait_warn_s, settings.wait_alert_s) == (60.0, 180.0)


def test_the_config_file_in_the_users_config_dir_is_read(config_file):
    write_private(config_file, f'code = "{SECRET}"\ninterval_s = 7\ntheme = "light"\n')
    settings = load_settings()
    assert settings.require_code() == SECRET
    assert settings.interval_s == 7
    assert settings.theme == "light"


def test_environment_beats_the_config_file(config_file, monkeypatch):
    write_private(config_file, 'code = "from-file"\ninterval_s = 7\n')
    monkeypatch.setenv("VOICENTER_CODE", SECRET)
    monkeypatch.setenv("WALLBOARD_INTERVAL_S", "3")
    settings = load_settings()
    assert settings.require_code() == SECRET
    assert settings.interval_s == 3


def test_flags_beat_the_environment_and_unset_flags_change_nothing(config_file, monkeypatch):
    write_private(config_file, "interval_s = 7\nwait_warn_s = 30\n")
    monkeypatch.setenv("WALLBOARD_INTERVAL_S", "3")
    settings = load_settings(overrides={"interval_s": 2.5, "theme": None, "wait_warn_s": None})
    assert settings.interval_s == 2.5
    assert settings.wait_warn_s == 30
    assert settings.theme is None


def test_an_explicit_config_path_is_used_instead_of_the_default(config_file, tmp_path):
    write_private(config_file, "interval_s = 7\n")
    other = write_private(tmp_path / "other.toml", "interval_s = 9\n")
    assert load_settings(config_path=other).interval_s == 9


def test_a_missing_explicit_config_file_is_an_error(config_file, tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(config_path=tmp_path / "nope.toml")


def test_the_code_file_beats_environment_and_config(config_file, monkeypatch, tmp_path):
    write_private(config_file, 'code = "from-config"\n')
    monkeypatch.setenv("VOICENTER_CODE", "from-env")
    code_file = write_private(tmp_path / "code.txt", f"  {SECRET}\n")
    warnings: list[str] = []
    settings = load_settings(code_file=code_file, warnings=warnings)
    assert settings.require_code() == SECRET
    assert warnings == []


def test_an_empty_or_missing_code_file_is_an_error(config_file, tmp_path):
    empty = write_private(tmp_path / "empty.txt", "\n  \n")
    with pytest.raises(ConfigError, match="empty"):
        load_settings(code_file=empty)
    with pytest.raises(ConfigError, match="cannot read code file"):
        load_settings(code_file=tmp_path / "absent.txt")


def test_a_missing_code_says_where_to_put_it(config_file):
    settings = load_settings()
    with pytest.raises(ConfigError) as caught:
        settings.require_code()
    message = str(caught.value)
    assert "VOICENTER_CODE" in message
    assert "--code-file" in message
    assert str(config_file) in message


def test_a_blank_code_counts_as_missing(config_file, monkeypatch):
    monkeypatch.setenv("VOICENTER_CODE", "   ")
    with pytest.raises(ConfigError, match="no account code"):
        load_settings().require_code()


def test_a_broken_config_file_is_a_clear_error_without_its_contents(config_file):
    write_private(config_file, f'code = "{SECRET}"\ninterval_s = = 5\n')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "not valid TOML" in message
    assert str(config_file) in message
    assert SECRET not in message


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_config_file_with_the_code_that_others_can_read_draws_a_warning(config_file, mode):
    config_file.write_text(f'code = "{SECRET}"\n', encoding="utf-8")
    config_file.chmod(mode)
    warnings: list[str] = []
    load_settings(warnings=warnings)
    (warning,) = warnings
    assert str(config_file) in warning
    assert "chmod 600" in warning
    assert SECRET not in warning


def test_a_private_config_file_or_one_without_the_code_draws_no_warning(config_file):
    warnings: list[str] = []
    write_private(config_file, f'code = "{SECRET}"\n')
    load_settings(warnings=warnings)
    config_file.write_text("interval_s = 4\n", encoding="utf-8")
    config_file.chmod(0o644)
    load_settings(warnings=warnings)
    assert warnings == []


def test_a_code_file_others_can_read_draws_a_warning(config_file, tmp_path):
    code_file = tmp_path / "code.txt"
    code_file.write_text(SECRET, encoding="utf-8")
    code_file.chmod(0o644)
    warnings: list[str] = []
    load_settings(code_file=code_file, warnings=warnings)
    assert len(warnings) == 1
    assert SECRET not in warnings[0]


@pytest.mark.parametrize(
    "toml",
    [
        f'code = "{SECRET}"\ninterval_s = "{SECRET}"\n',
        f'code = "{SECRET}"\ninterval_s = 0.01\n',
        f'code = "{SECRET}"\nwait_warn_s = 100\nwait_alert_s = 10\n',
        f'code = ["{SECRET}"]\n',
        f'code = {{ value = "{SECRET}" }}\n',
        f'code = "{SECRET}"\nclock_offset_s = 99999999\n',
    ],
)
def test_invalid_settings_never_echo_the_code(config_file, toml):
    write_private(config_file, toml)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "invalid settings" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)
    # No chained pydantic error that a traceback would print with the input in it.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_invalid_settings_name_the_field_to_fix(config_file, monkeypatch):
    monkeypatch.setenv("WALLBOARD_INTERVAL_S", "soon")
    with pytest.raises(ConfigError, match="interval_s"):
        load_settings()


def test_the_settings_object_never_shows_the_code(config_file, monkeypatch):
    monkeypatch.setenv("VOICENTER_CODE", SECRET)
    settings = load_settings()
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert SECRET not in settings.model_dump_json()


def test_settings_class_reads_the_environment_too(config_file, monkeypatch):
    monkeypatch.setenv("WALLBOARD_WALL", "true")
    assert Settings().wall is True


def test_an_unrelated_code_environment_variable_is_not_the_account_code(config_file, monkeypatch):
    monkeypatch.setenv("CODE", "some-build-code")
    assert load_settings().code is None


# --- files that are not what they should be ---------------------------------------------------


def test_a_config_file_that_is_not_utf8_is_a_config_error(config_file):
    config_file.write_bytes(b'theme = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings()


def test_a_code_file_that_is_not_utf8_is_a_config_error(config_file, tmp_path):
    code_file = tmp_path / "code"
    code_file.write_bytes(b"\xff\xfe" + SECRET.encode("utf-16-le"))
    code_file.chmod(0o600)
    with pytest.raises(ConfigError, match="not UTF-8") as caught:
        load_settings(code_file=code_file)
    assert SECRET not in str(caught.value)


def test_a_code_file_that_never_ends_is_read_a_few_kb_only(config_file):
    with pytest.raises(ConfigError, match="larger than 4096 bytes"):
        load_settings(code_file=Path("/dev/zero"))


def test_a_huge_config_file_is_refused(config_file):
    write_private(config_file, "# padding\n" * 200_000)
    with pytest.raises(ConfigError, match="larger than"):
        load_settings()


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("intervall_s = 3\n", "unknown setting `intervall_s`; did you mean `interval_s`?"),
        ("them = 'dark'\n", "did you mean `theme`?"),
        ("xyzzy = 1\n", "unknown setting `xyzzy`"),
    ],
)
def test_an_unknown_config_key_is_an_error_naming_the_nearest(config_file, toml, expected):
    write_private(config_file, toml)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert expected in str(caught.value)


def test_keys_are_checked_against_the_settings_fields_whatever_they_are(config_file):
    """Generic: every field of Settings is a known key, and no list of names is kept."""
    write_private(config_file, "".join(f"# {name}\n" for name in Settings.model_fields))
    load_settings()
    write_private(config_file, 'theme = "dark"\ncompact = true\nwall = false\n')
    assert load_settings().compact is True


# --- the base URL -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (f"https://api.example.com/comet/API?code={SECRET}", "query string"),
        ("https://api.example.com/comet/API?", "query string"),
        (f"https://user:{SECRET}@api.example.com/comet/API", "user name or password"),
    ],
)
def test_a_base_url_with_a_query_or_credentials_is_refused(config_file, url, words):
    with pytest.raises(ConfigError, match=words) as caught:
        load_settings(overrides={"base_url": url})
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://api.example.com/comet/API", True),
        ("http://10.0.0.5:8080/comet/API", True),
        ("https://api.example.com/comet/API", False),
        ("http://127.0.0.1:8765/comet/API", False),
        ("http://[::1]:8765/comet/API", False),
        ("http://localhost:8765/comet/API", False),
    ],
)
def test_plain_http_to_another_host_draws_a_warning(config_file, url, warned):
    warnings: list[str] = []
    load_settings(overrides={"base_url": url}, warnings=warnings)
    assert bool(warnings) == warned
    if warned:
        assert "unencrypted" in warnings[0]
