"""Fixtures for the whole suite."""

import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.fakes.moto_patches import install_moto_patches
from app.fakes.slack_api import FakeSlackAPI


@pytest.fixture(scope="session", autouse=True)
def _faithful_moto() -> None:
    """moto answers as AWS does in every test (Logs Insights, Step Functions outcomes …), whatever runs first."""
    install_moto_patches()


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    """The local Slack Web API fake, with its default bot token and ids."""
    with FakeSlackAPI() as api:
        yield api


REPO_RUNBOOKS = Path(__file__).resolve().parents[1] / "runbooks"


@pytest.fixture
def aiops_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AIOPS_ setting from the machine: state in tmp_path and the repository's sample runbooks."""
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AIOPS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("AIOPS_RUNBOOKS", str(REPO_RUNBOOKS))


def _fake_aws_environment(folder: Path) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(folder / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(folder / "no-aws-credentials"),
    }


def _apply_aws_environment(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    for name, value in _fake_aws_environment(folder).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake AWS credentials and region, isolated from any AWS configuration on the machine (for moto)."""
    _apply_aws_environment(monkeypatch, tmp_path)


@pytest.fixture(scope="module")
def module_aws_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``aws_env`` for a whole test module (for a moto account seeded once per module)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _apply_aws_environment(monkeypatch, tmp_path_factory.mktemp("aws"))
        yield


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse, remember and finally fail on every name lookup outside loopback (libraries may swallow the error)."""
    attempts: list[str] = []
    resolve = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("127.0.0.1", "localhost", "::1"):
            attempts.append(name)
            raise socket.gaierror(f"tests may only reach loopback, not {name}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield attempts
    assert attempts == [], f"tried to reach {sorted(set(attempts))}"
SLACK_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "slack"


@pytest.fixture
def slack_payload() -> Callable[[str], dict[str, Any]]:
    """Load a realistic Slack payload from tests/fixtures/slack (a fresh copy each time)."""

    def load(name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((SLACK_FIXTURES / name).read_text(encoding="utf-8"))
        return loaded

    return load
