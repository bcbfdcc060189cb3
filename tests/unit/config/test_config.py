"""Settings from the environment, and secrets from the environment or Secrets Manager (moto)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.config import ConfigError, Settings, load_secret, load_settings, secret_env_var


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


def test_env_secret_is_read_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_SLACK", json.dumps({"bot_token": "xoxb-1", "signing_secret": "s", "n": 1}))

    assert load_secret(Settings(), "aiops/slack") == {"bot_token": "xoxb-1", "signing_secret": "s", "n": "1"}


def test_missing_env_secret_names_the_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        load_secret(Settings(), "aiops/slack")

    assert str(raised.value) == "secret 'aiops/slack' not found: set AIOPS_SECRET_SLACK to its JSON document"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("xoxb-not-json", "environment variable AIOPS_SECRET_SLACK is not valid JSON"),
        ('["a", "b"]', "environment variable AIOPS_SECRET_SLACK must be a JSON object"),
    ],
)
def test_malformed_env_secret(monkeypatch: pytest.MonkeyPatch, raw: str, message: str) -> None:
    monkeypatch.setenv("AIOPS_SECRET_SLACK", raw)

    with pytest.raises(ConfigError) as raised:
        load_secret(Settings(), "aiops/slack")

    assert str(raised.value) == message
    assert "xoxb-not-json" not in str(raised.value)


@pytest.fixture
def secretsmanager(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="us-east-1")


def test_aws_secret_is_read_from_secrets_manager(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/slack", SecretString=json.dumps({"bot_token": "xoxb-aws"}))
    settings = Settings(secrets_backend="aws", aws_region="us-east-1")

    assert load_secret(settings, "aiops/slack") == {"bot_token": "xoxb-aws"}
    assert load_secret(settings, "aiops/slack", secrets_client=secretsmanager) == {"bot_token": "xoxb-aws"}


def test_missing_aws_secret_is_a_config_error(secretsmanager: Any) -> None:
    with pytest.raises(ConfigError, match="cannot read Secrets Manager secret 'aiops/nothing'"):
        load_secret(Settings(secrets_backend="aws"), "aiops/nothing", secrets_client=secretsmanager)


def test_non_json_aws_secret_is_a_config_error(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/raw", SecretString="plain-text-value")

    with pytest.raises(ConfigError) as raised:
        load_secret(Settings(secrets_backend="aws"), "aiops/raw", secrets_client=secretsmanager)

    assert str(raised.value) == "Secrets Manager secret 'aiops/raw' is not valid JSON"


def test_load_secret_names_missing_required_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_SLACK", '{"bot_token": "xoxb-1"}')
    with pytest.raises(ConfigError, match="AIOPS_SECRET_SLACK lacks signing_secret"):
        load_secret(Settings(), "aiops/slack", required=("signing_secret", "bot_token"))
