"""The one secret reader: environment variables locally, Secrets Manager (moto) through Powertools Parameters."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.config import ConfigError, Settings
from app.runbooks.sources import source_from_spec
from app.secret_reader import SecretReader, secret_reader
from app.worker.toolsets import investigation_tools


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)


def test_env_secret_is_read_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_SLACK", json.dumps({"bot_token": "xoxb-1", "signing_secret": "s", "n": 1}))

    reader = secret_reader(Settings())

    assert reader.values("aiops/slack") == {"bot_token": "xoxb-1", "signing_secret": "s", "n": "1"}
    assert reader.document("aiops/slack") == {"bot_token": "xoxb-1", "signing_secret": "s", "n": 1}
    assert reader.value("aiops/slack", "bot_token") == "xoxb-1"


def test_missing_env_secret_names_the_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        secret_reader(Settings()).values("aiops/slack")

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
        secret_reader(Settings()).values("aiops/slack")

    assert str(raised.value) == message
    assert "xoxb-not-json" not in str(raised.value)


def test_missing_required_keys_are_named_and_no_value_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_SLACK", '{"bot_token": "xoxb-kept-private"}')

    with pytest.raises(ConfigError) as raised:
        secret_reader(Settings()).values("aiops/slack", required=("signing_secret", "bot_token"))

    assert str(raised.value) == "environment variable AIOPS_SECRET_SLACK lacks signing_secret"
    assert "xoxb-kept-private" not in str(raised.value)


@pytest.fixture
def secretsmanager(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="us-east-1")


def aws_reader(client: Any, max_age: int = 300) -> SecretReader:
    return secret_reader(Settings(secrets_backend="aws", secrets_max_age_seconds=max_age), client=client)


def counted(client: Any) -> list[str]:
    """The SecretId of every GetSecretValue call ``client`` makes from now on."""
    calls: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(str(params.get("SecretId")))

    client.meta.events.register("provide-client-params.secrets-manager.GetSecretValue", record)
    return calls


def test_aws_secret_is_read_from_secrets_manager(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/slack", SecretString=json.dumps({"bot_token": "xoxb-aws"}))
    settings = Settings(secrets_backend="aws", aws_region="us-east-1")

    assert secret_reader(settings).values("aiops/slack") == {"bot_token": "xoxb-aws"}
    assert aws_reader(secretsmanager).values("aiops/slack") == {"bot_token": "xoxb-aws"}


def test_missing_aws_secret_is_a_config_error_naming_it(secretsmanager: Any) -> None:
    with pytest.raises(ConfigError, match="cannot read Secrets Manager secret 'aiops/nothing'"):
        aws_reader(secretsmanager).values("aiops/nothing")


def test_non_json_aws_secret_is_a_config_error(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/raw", SecretString="plain-text-value")

    with pytest.raises(ConfigError) as raised:
        aws_reader(secretsmanager).values("aiops/raw")

    assert str(raised.value) == "Secrets Manager secret 'aiops/raw' is not valid JSON"


def test_binary_aws_secret_is_a_config_error(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/binary", SecretBinary=b"\x00\x01binary-value")

    with pytest.raises(ConfigError) as raised:
        aws_reader(secretsmanager).values("aiops/binary")

    assert str(raised.value) == "Secrets Manager secret 'aiops/binary' is binary, not a JSON string"


def test_aws_secret_missing_a_key_names_the_secret_and_key_not_the_value(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/github", SecretString=json.dumps({"user": "bot-private-name"}))

    with pytest.raises(ConfigError) as raised:
        aws_reader(secretsmanager).value("aiops/github", "token")

    assert str(raised.value) == "Secrets Manager secret 'aiops/github' lacks token"
    assert "bot-private-name" not in str(raised.value)


def test_a_rotated_secret_is_cached_before_max_age_and_read_again_after(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/github", SecretString=json.dumps({"token": "ghp-before"}))
    reader = aws_reader(secretsmanager, max_age=1)
    calls = counted(secretsmanager)

    first = reader.value("aiops/github", "token")
    secretsmanager.put_secret_value(SecretId="aiops/github", SecretString=json.dumps({"token": "ghp-after"}))
    cached = reader.value("aiops/github", "token")
    time.sleep(1.1)
    rotated = reader.value("aiops/github", "token")

    assert (first, cached, rotated) == ("ghp-before", "ghp-before", "ghp-after")
    assert calls == ["aiops/github", "aiops/github"]


def test_max_age_zero_reads_every_time(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/jobs-api", SecretString=json.dumps({"token": "one"}))
    reader = aws_reader(secretsmanager, max_age=0)
    calls = counted(secretsmanager)

    first = reader.value("aiops/jobs-api", "token")
    secretsmanager.put_secret_value(SecretId="aiops/jobs-api", SecretString=json.dumps({"token": "two"}))

    assert (first, reader.value("aiops/jobs-api", "token")) == ("one", "two")
    assert len(calls) == 2


def test_the_github_token_is_fetched_once_for_the_catalog_and_the_code_tools(secretsmanager: Any) -> None:
    secretsmanager.create_secret(Name="aiops/github", SecretString=json.dumps({"token": "ghp-shared"}))
    settings = Settings(secrets_backend="aws", github_repos=("acme/runner",), github_api_url="http://127.0.0.1:9")
    reader = secret_reader(settings, client=secretsmanager)
    calls = counted(secretsmanager)

    source_from_spec("github:acme/ops@main:runbooks", settings, reader)
    tools = investigation_tools(settings, reader)

    names = sorted(tool.tool_name for tool_set in tools for tool in tool_set.tools)
    assert names == ["github_read_file", "github_search_code"]
    assert calls == ["aiops/github"]
