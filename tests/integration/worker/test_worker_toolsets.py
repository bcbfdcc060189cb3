"""The worker's Cloud Logging, AWS and GitHub tools: built once from the settings, refused early when misconfigured."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from app.config import ConfigError, Settings
from app.fakes.cloud_logging import FakeCloudLogging
from app.fakes.github_api import FakeGitHub
from app.runbooks.catalog import load_catalog
from app.secret_reader import secret_reader
from app.slack.poster import MemoryPoster
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import worker_deps
from app.worker.toolsets import investigation_tools

pytestmark = pytest.mark.usefixtures("loopback_only")
REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)


@pytest.fixture
def systems(monkeypatch: pytest.MonkeyPatch, aws_env: None) -> Iterator[tuple[FakeCloudLogging, FakeGitHub]]:
    entry = {"timestamp": "2026-11-20T03:12:09Z", "severity": "ERROR", "textPayload": "started_at has no value"}
    with FakeCloudLogging([entry]) as logging_api, FakeGitHub(token="ghp-worker") as github, mock_aws():
        github.push("acme/runner", {"runner/tasks.py": "started_at = None\n"})
        monkeypatch.setenv("AIOPS_SECRET_GOOGLE", json.dumps(logging_api.service_account_info()))
        monkeypatch.setenv("AIOPS_SECRET_GITHUB", json.dumps({"token": "ghp-worker"}))
        yield logging_api, github


def configured(logging_api: FakeCloudLogging, github: FakeGitHub, tmp_path: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "runbooks": str(REPO_RUNBOOKS), "state_dir": tmp_path, "google_project": logging_api.project,
        "google_logging_endpoint": logging_api.url, "aws_read_services": "ecs,logs", "github_repos": "acme/runner",
        "github_api_url": github.url,
    }
    return Settings(**(values | changes))  # type: ignore[arg-type]


def test_nothing_configured_means_no_extra_tools() -> None:
    assert investigation_tools(Settings(), secret_reader(Settings())) == []


def test_configured_systems_give_their_tools_once_per_cold_start(
    systems: tuple[FakeCloudLogging, FakeGitHub], tmp_path: Path
) -> None:
    logging_api, github = systems
    settings = configured(logging_api, github, tmp_path)
    deps = worker_deps(settings, slack=MemoryPoster(), store=SQLiteTriageStore(tmp_path / "t.db"),
                       secrets=secret_reader(settings))
    catalog = load_catalog(deps.source)

    first, second = deps.tools(catalog), deps.tools(catalog)
    logs = asyncio.run(first.call("cloud_logging_query", {"filter": "started_at", "since": "2026-11-20T03:00:00Z",
                                                          "until": "2026-11-20T04:00:00Z"}))
    code = asyncio.run(first.call("github_read_file", {"repo": "acme/runner", "path": "runner/tasks.py"}))

    assert {"cloud_logging_query", "aws_read", "aws_logs_insights", "github_search_code", "github_read_file",
            "search_runbooks"} <= set(first.names())
    assert [tool.tool_name for tool in first.agent_tools()] == [tool.tool_name for tool in second.agent_tools()]
    assert all(a is b for a, b in zip(first.agent_tools()[2:], second.agent_tools()[2:], strict=True))
    assert first.refusal("aws_read", {"service": "ecs", "operation": "delete_cluster"}) is not None
    assert first.refusal("github_read_file", {"repo": "evil/x", "path": "a"}) is not None
    assert "started_at has no value" in logs.text
    assert "1│ started_at = None" in code.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aws_read_services": "ecs,states"}, "AIOPS_AWS_READ_SERVICES: unknown AWS service 'states'"),
        ({"github_repos": "acme/runner,just-a-name"}, "AIOPS_GITHUB_REPOS: just-a-name is not OWNER/REPO"),
        ({"google_secret_name": "aiops/missing"}, "secret 'aiops/missing' not found"),
        ({"github_secret_name": "aiops/empty"}, "AIOPS_SECRET_EMPTY lacks token"),
        ({"google_secret_name": "aiops/user"}, "secret 'aiops/user': credentials type 'authorized_user'"),
    ],
)
def test_bad_settings_and_secrets_fail_the_cold_start(
    systems: tuple[FakeCloudLogging, FakeGitHub], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    changes: dict[str, object], message: str,
) -> None:
    monkeypatch.setenv("AIOPS_SECRET_EMPTY", json.dumps({"user": "bot"}))
    monkeypatch.setenv("AIOPS_SECRET_USER", json.dumps({"type": "authorized_user", "refresh_token": "r"}))

    with pytest.raises(ConfigError, match=message):
        settings = configured(*systems, tmp_path, **changes)
        investigation_tools(settings, secret_reader(settings))
