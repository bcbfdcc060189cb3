"""Fixtures for the whole suite."""

from collections.abc import Iterator
from pathlib import Path

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
