"""Settings from the environment (secrets: tests/unit/test_secret_reader.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import ConfigError, Settings, load_settings, secret_env_var


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    settings = Settings()

    assert settings.alert_channels == ()
    assert settings.model == "none"
    assert settings.secrets_backend == "env"
    assert (settings.max_turns, settings.max_total_tokens) == (8, 60_000)
    assert settings.state_dir == Path(".aiops-state")


def test_alert_channels_are_split_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_ALERT_CHANNELS", "C1, C2")

    assert Settings().alert_channels == ("C1", "C2")


@pytest.mark.parametrize(("raw", "expected"), [("C1", ("C1",)), (" C1 ,, C2 , ", ("C1", "C2")), ("", ())])
def test_alert_channels_ignore_blanks(monkeypatch: pytest.MonkeyPatch, raw: str, expected: tuple[str, ...]) -> None:
    monkeypatch.setenv("AIOPS_ALERT_CHANNELS", raw)

    assert load_settings().alert_channels == expected


def test_environment_values_are_typed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AIOPS_MAX_TURNS", "3")
    monkeypatch.setenv("AIOPS_TIMEOUT_SECONDS", "12.5")
    monkeypatch.setenv("AIOPS_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("AIOPS_MODEL", "bedrock:x")

    settings = load_settings()

    assert (settings.max_turns, settings.timeout_seconds, settings.state_dir) == (3, 12.5, tmp_path)
    assert settings.model == "bedrock:x"


def test_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_MODEL", "bedrock:x")

    assert load_settings(model="none").model == "none"


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("AIOPS_MAX_TURNS", "0", "max_turns"),
        ("AIOPS_MAX_TURNS", "many", "max_turns"),
        ("AIOPS_MAX_TOTAL_TOKENS", "10", "max_total_tokens"),
        ("AIOPS_SECRETS_BACKEND", "vault", "secrets_backend"),
        ("AIOPS_TIMEOUT_SECONDS", "0", "timeout_seconds"),
    ],
)
def test_invalid_values_are_config_errors(monkeypatch: pytest.MonkeyPatch, name: str, value: str, field: str) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value).startswith("invalid AIOPS_ settings")
    assert field in str(raised.value)


@pytest.mark.parametrize(
    ("name", "var"),
    [
        ("aiops/slack", "AIOPS_SECRET_SLACK"),
        ("aiops/jobs-api", "AIOPS_SECRET_JOBS_API"),
        ("github", "AIOPS_SECRET_GITHUB"),
    ],
)
def test_secret_env_var(name: str, var: str) -> None:
    assert secret_env_var(name) == var
