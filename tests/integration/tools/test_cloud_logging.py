"""cloud_logging_query through the real google-cloud-logging client (HTTP transport) against the local fake."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from google.api_core import exceptions as google_errors

from app.fakes.cloud_logging import UNIVERSE, FakeCloudLogging
from tools.cloud_logging import (
    CredentialsError,
    cloud_logging_tools,
    failure_text,
    google_credentials,
    logging_client,
)
from tools.registry import ToolOutcome, ToolRegistry

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
PROJECT = "demo-project"


def entry(minute: int, text: str, severity: str = "INFO", **extra: Any) -> dict[str, Any]:
    return {
        "timestamp": (NOW - timedelta(minutes=minute)).isoformat().replace("+00:00", "Z"),
        "severity": severity,
        "textPayload": text,
        "resource": {"type": "k8s_container", "labels": {"namespace_name": "jobs", "container_name": "runner"}},
        "logName": f"projects/{PROJECT}/logs/stdout",
        **extra,
    }


ENTRIES = [
    entry(5, "[healthcheck] error: started_at has no value tasks:normal-4 job_id=16852935", "ERROR"),
    entry(20, "task normal-4 started job_id=16852935"),
    entry(50, "[healthcheck] error: started_at has no value tasks:normal-2 job_id=16852900", "ERROR"),
    entry(90, "[healthcheck] error: started_at has no value tasks:normal-9 job_id=16852800", "ERROR"),
    entry(10, "deploy done", resource={"type": "cloud_run_revision", "labels": {}}),
]


def registry_for(fake: FakeCloudLogging, max_chars: int = 20_000, **client_options: Any) -> ToolRegistry:
    client = logging_client(google_credentials(fake.service_account_info()), PROJECT, endpoint=fake.url,
                            **client_options)
    return ToolRegistry(cloud_logging_tools(client, now=lambda: NOW).tools, result_max_chars=max_chars)


def query(registry: ToolRegistry, **args: Any) -> ToolOutcome:
    return asyncio.run(registry.call("cloud_logging_query", args))


def list_bodies(fake: FakeCloudLogging) -> list[dict[str, Any]]:
    return [request.json() for request in fake.requests if request.path == "/v2/entries:list"]


@pytest.fixture
def fake() -> Iterator[FakeCloudLogging]:
    with FakeCloudLogging(ENTRIES, project=PROJECT) as server:
        yield server


def test_query_returns_matching_entries_newest_first_with_an_explicit_window(fake: FakeCloudLogging) -> None:
    outcome = query(registry_for(fake), filter='textPayload:"started_at has no value"', since="-1h")

    assert outcome.status == "ok"
    lines = outcome.text.splitlines()
    assert lines[0].startswith(f"2 log entries in project {PROJECT}, newest first. Filter: ")
    assert "tasks:normal-4" in lines[1] and "tasks:normal-2" in lines[2]
    assert lines[1].startswith(
        "2026-11-20T03:55:00.000Z ERROR k8s_container{container_name=runner,namespace_name=jobs} stdout: "
    )
    body = list_bodies(fake)[0]
    assert body["filter"] == (
        '(textPayload:"started_at has no value") AND timestamp>="2026-11-20T03:00:00.000000Z" '
        'AND timestamp<="2026-11-20T04:00:00.000000Z"'
    )
    assert body["orderBy"] == "timestamp desc"
    assert body["resourceNames"] == [f"projects/{PROJECT}"]
    auth = fake.requests[0].headers["authorization"]
    assert auth.startswith("Bearer eyJ")  # a JWT signed with the service-account key, checked by the fake


def test_absolute_times_severity_and_resource_narrow_the_query(fake: FakeCloudLogging) -> None:
    outcome = query(
        registry_for(fake), filter="", since="2026-11-20T02:00:00Z", until="2026-11-20T03:59:00+00:00",
        severity="error", resource="k8s_container",
    )

    assert [line.split()[0] for line in outcome.text.splitlines()[1:]] == [
        "2026-11-20T03:55:00.000Z", "2026-11-20T03:10:00.000Z", "2026-11-20T02:30:00.000Z"
    ]
    assert list_bodies(fake)[0]["filter"].endswith('AND severity>=ERROR AND resource.type="k8s_container"')


def test_limit_says_when_more_entries_match(fake: FakeCloudLogging) -> None:
    outcome = query(registry_for(fake), filter="started_at", since="-2h", limit=2)

    lines = outcome.text.splitlines()
    assert "limit reached: more entries match" in lines[0]
    assert len(lines) == 3


def test_many_entries_are_read_page_by_page() -> None:
    entries = [entry(0, f"line {n}") | {"timestamp": f"2026-11-20T03:{n // 60:02d}:{n % 60:02d}Z"} for n in range(1500)]
    with FakeCloudLogging(entries, project=PROJECT) as fake:
        outcome = query(registry_for(fake, max_chars=1_000_000), filter="", since="-1h", limit=1000)

        bodies = list_bodies(fake)
    assert len(outcome.text.splitlines()) == 1001
    assert [body.get("pageToken") is not None for body in bodies] == [False, True]
    assert "line 1499" in outcome.text.splitlines()[1]


def test_empty_result_says_what_it_means(fake: FakeCloudLogging) -> None:
    outcome = query(registry_for(fake), filter='textPayload:"never logged"', since="-15m")

    assert outcome.status == "ok"
    assert outcome.text.startswith(f"No log entries in project {PROJECT} matched")
    assert "widen since/until or loosen the filter" in outcome.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"filter": "x", "since": "yesterday"}, "cannot read time 'yesterday'"),
        ({"filter": "x", "since": "-1h", "until": "-2h"}, "empty time window"),
        ({"filter": "x", "since": "-40d"}, "longer than 31 days"),
        ({"filter": "x", "severity": "LOUD"}, "severity 'LOUD' is not one of"),
        ({"filter": "x", "resource": 'k8s" OR "x'}, "is not a monitored resource type"),
        ({"filter": 'textPayload:"open'}, "failed (400): the filter was rejected; fix its syntax"),
    ],
)
def test_bad_arguments_come_back_as_short_errors(fake: FakeCloudLogging, args: dict[str, Any], message: str) -> None:
    outcome = query(registry_for(fake), **args)

    assert outcome.status == "error"
    assert message in outcome.text
    assert len(outcome.text) < 400


def test_outage_and_timeout_are_short_errors(fake: FakeCloudLogging) -> None:
    registry = registry_for(fake, timeout=0.5)
    query(registry, filter="")  # token fetched while the fake is healthy
    fake.down = True
    assert "failed (503): the Logging API is unavailable; retry later" in query(registry, filter="").text
    fake.down, fake.latency = False, 1.5
    outcome = query(registry, filter="")
    assert (outcome.status, outcome.text) == (
        "error", "cloud_logging_query timed out; retry with a shorter window or a stricter filter"
    )


def test_unknown_project_is_not_found(fake: FakeCloudLogging) -> None:
    client = logging_client(google_credentials(fake.service_account_info()), "other-project", endpoint=fake.url)
    registry = ToolRegistry(cloud_logging_tools(client, now=lambda: NOW).tools)

    outcome = asyncio.run(registry.call("cloud_logging_query", {"filter": ""}))

    assert outcome.status == "error"
    assert "failed (404): not found: project other-project" in outcome.text


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (google_errors.TooManyRequests("quota"), "failed (429): throttled by the Logging API"),
        (google_errors.Forbidden("no"), f"failed (403): denied: no permission to read logs of project {PROJECT}"),
    ],
)
def test_throttling_and_denial_are_explained(error: Exception, expected: str) -> None:
    assert expected in failure_text(error, PROJECT)


def test_unexpected_errors_are_not_disguised() -> None:
    with pytest.raises(KeyError):
        failure_text(KeyError("bug"), PROJECT)


def test_workload_identity_federation_config_exchanges_a_subject_token(fake: FakeCloudLogging, tmp_path: Path) -> None:
    subject = tmp_path / "oidc-token"
    subject.write_text("eyJhbGciOiJSUzI1NiJ9.subject.token", encoding="utf-8")
    config = {
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/aiops/providers/aws",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": f"{fake.url}/v1/token",
        "credential_source": {"file": str(subject)},
        "universe_domain": UNIVERSE,
    }
    client = logging_client(google_credentials(json.loads(json.dumps(config))), PROJECT, endpoint=fake.url)
    registry = ToolRegistry(cloud_logging_tools(client, now=lambda: NOW).tools)

    outcome = asyncio.run(registry.call("cloud_logging_query", {"filter": "started_at", "since": "-1h"}))

    assert outcome.status == "ok", outcome.text
    assert [request.path for request in fake.requests] == ["/v1/token", "/v2/entries:list"]
    assert b"subject_token=eyJhbGciOiJSUzI1NiJ9.subject.token" in fake.requests[0].body


def test_requests_without_a_valid_token_are_refused(fake: FakeCloudLogging) -> None:
    stranger = fake.service_account_info() | {"private_key_id": "f" * 40}  # a key the fake never handed out
    client = logging_client(google_credentials(stranger), PROJECT, endpoint=fake.url)
    registry = ToolRegistry(cloud_logging_tools(client, now=lambda: NOW).tools)

    outcome = asyncio.run(registry.call("cloud_logging_query", {"filter": ""}))

    assert "failed (401): denied: the credentials were not accepted" in outcome.text


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ({"type": "authorized_user", "refresh_token": "x"}, "'authorized_user' is not supported"),
        ({"type": "external_account", "credential_source": {"executable": {"command": "/bin/sh"}}},
         "executable-sourced workload identity federation is refused"),
        ({"type": "service_account", "client_email": "a@b"}, "service_account credentials document is malformed"),
        ({"type": "external_account", "credential_source": {"file": "/x", "url": "http://127.0.0.1/t"}},
         "external_account credentials document is malformed"),
        ({}, "credentials type None is not supported"),
    ],
)
def test_unsupported_or_malformed_credentials_are_refused(info: dict[str, Any], message: str) -> None:
    with pytest.raises(CredentialsError, match=message):
        google_credentials(info)


def test_fake_reads_scenario_files_and_names_bad_lines(tmp_path: Path) -> None:
    good = tmp_path / "logs.jsonl"
    good.write_text(json.dumps({"timestamp": "2026-11-20T03:00:00Z", "textPayload": "x"}) + "\n\n", encoding="utf-8")
    fake = FakeCloudLogging.from_file(good)
    assert fake.entries[0]["logName"] == "projects/demo-project/logs/app"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"timestamp": "2026-11-20T03:00:00Z"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2: not JSON"):
        FakeCloudLogging.from_file(bad)
    with pytest.raises(ValueError, match="log entry 1 has no timestamp"):
        FakeCloudLogging([{"textPayload": "no time"}])
