"""Fixtures for the whole suite."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.fakes.slack_api import FakeSlackAPI


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """The local Slack Web API fake, with its default bot token and ids."""
    with FakeSlackAPI() as api:
        yield api


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake AWS credentials and region, isolated from any AWS configuration on the machine (for moto)."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


SLACK_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "slack"


@pytest.fixture
def slack_payload() -> Callable[[str], dict[str, Any]]:
    """Load a realistic Slack payload from tests/fixtures/slack (a fresh copy each time)."""

    def load(name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((SLACK_FIXTURES / name).read_text(encoding="utf-8"))
        return loaded

    return load
