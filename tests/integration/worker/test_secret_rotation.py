"""A GitHub token rotated in Secrets Manager (moto) reaches the code tools and the catalog without a restart."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.config import Settings
from app.fakes.github_api import FakeGitHub
from app.runbooks.sources import source_from_spec
from app.secret_reader import secret_reader
from app.worker.toolsets import investigation_tools
from tools.registry import ToolRegistry

RUNBOOK = "---\nid: jobs-001\ntitle: A job failed\nseverity: low\nmatch:\n  - regex: failed\n---\n# A job failed\n"
READ = {"repo": "acme/runner", "path": "runner/tasks.py"}


@pytest.fixture
def world(aws_env: None) -> Iterator[tuple[FakeGitHub, Any]]:
    with FakeGitHub(token="ghp-before") as github, mock_aws():  # noqa: S106
        github.push("acme/runner", {"runner/tasks.py": "started_at = None\n", "runbooks/jobs-001.md": RUNBOOK})
        client = boto3.client("secretsmanager", region_name="us-east-1")
        client.create_secret(Name="aiops/github", SecretString=json.dumps({"token": "ghp-before"}))
        yield github, client


def settings(github: FakeGitHub, tmp_path: Path) -> Settings:
    return Settings(secrets_backend="aws", secrets_max_age_seconds=0, github_api_url=github.url,
                    github_repos=("acme/runner",), state_dir=tmp_path)


def read_file(registry: ToolRegistry) -> str:
    return asyncio.run(registry.call("github_read_file", READ)).status


def test_the_code_tools_and_the_catalog_use_the_rotated_token(
    world: tuple[FakeGitHub, Any], tmp_path: Path
) -> None:
    github, client = world
    reader = secret_reader(settings(github, tmp_path), client=client)
    registry = ToolRegistry.from_sets(investigation_tools(settings(github, tmp_path), reader), result_max_chars=8000)
    source = source_from_spec("github:acme/runner@main:runbooks", settings(github, tmp_path), reader)
    before = read_file(registry)

    github.token = "ghp-after"  # noqa: S105  (GitHub now wants the new token; the secret still has the old one)
    refused = read_file(registry)
    client.put_secret_value(SecretId="aiops/github", SecretString=json.dumps({"token": "ghp-after"}))

    assert (before, refused, read_file(registry)) == ("ok", "error", "ok")
    assert [file.path for file in source.fetch().files] == ["jobs-001.md"]


def test_a_failed_refresh_keeps_the_last_good_token(
    world: tuple[FakeGitHub, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    github, client = world
    reader = secret_reader(settings(github, tmp_path), client=client)
    registry = ToolRegistry.from_sets(investigation_tools(settings(github, tmp_path), reader), result_max_chars=8000)

    client.delete_secret(SecretId="aiops/github", ForceDeleteWithoutRecovery=True)
    with caplog.at_level(logging.WARNING, logger="app.secret_reader"):
        status = read_file(registry)

    assert status == "ok"
    assert "keeping the last value of secret aiops/github" in caplog.text
    assert "ghp-before" not in caplog.text
