"""Parallel steps keep their connections: a second batch of calls to one system opens none.

A client library's default pool keeps ten connections per host; a runbook that makes sixteen calls to one system
at once would drop six after each batch and open (over TLS: handshake) six new ones for the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.fakes.cloud_logging import FakeCloudLogging
from app.fakes.github_api import FakeGitHub
from app.fakes.http import LocalHTTPFake
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.worker.threads import run_steps
from tools.cloud_logging import cloud_logging_tools, google_credentials, logging_client
from tools.github import github_client, github_tools
from tools.openapi_mcp import api_client, build_server, load_spec, start_in_process
from tools.registry import ToolRegistry

PARALLEL = 16
LATENCY = 0.3  # long enough for all the calls of a batch to be out at once
TOKEN = "ghp-test-token"
LOG_ARGS = {"filter": 'textPayload:"started_at"', "since": "2026-11-20T03:00:00Z", "until": "2026-11-20T04:00:00Z"}


def _batches(fake: LocalHTTPFake, registry: ToolRegistry, tool: str, args: dict[str, Any]) -> tuple[int, int]:
    """Connections the fake saw opened by a first batch of parallel calls, and by a second one."""

    async def batch() -> None:
        outcomes = await asyncio.gather(*(registry.call(tool, args) for _ in range(PARALLEL)))
        assert [outcome.status for outcome in outcomes] == ["ok"] * PARALLEL, outcomes[0].text

    asyncio.run(registry.call(tool, args))  # signs in (a token request) and opens the first connection
    before = fake.connections
    run_steps(batch())
    first = fake.connections - before
    run_steps(batch())
    return first, fake.connections - before - first


@pytest.fixture
def logs() -> Iterator[FakeCloudLogging]:
    entries = [{"timestamp": "2026-11-20T03:12:09Z", "severity": "ERROR", "textPayload": "started_at has no value"}]
    with FakeCloudLogging(entries, latency=LATENCY) as fake:
        yield fake


def test_parallel_log_queries_reuse_their_connections(logs: FakeCloudLogging) -> None:
    client = logging_client(google_credentials(logs.service_account_info()), logs.project, endpoint=logs.url)
    registry = ToolRegistry(cloud_logging_tools(client).tools)

    first, second = _batches(logs, registry, "cloud_logging_query", LOG_ARGS)

    assert 0 < first <= PARALLEL - 1  # one was open already
    assert second == 0


def test_parallel_file_reads_reuse_their_connections() -> None:
    with FakeGitHub(token=TOKEN, latency=LATENCY) as github:
        github.push("acme/runner", {"runner/tasks.py": "def start(task):\n    task.started_at = now()\n"})
        registry = ToolRegistry(github_tools(github_client(TOKEN, github.url + "/api/v3"), ["acme/runner"]).tools)

        read = {"repo": "acme/runner", "path": "runner/tasks.py"}
        first, second = _batches(github, registry, "github_read_file", read)

    assert 0 < first <= PARALLEL - 1
    assert second == 0


def _jobs_registry(api: FakeJobsAPI) -> tuple[ToolRegistry, Callable[[], None]]:
    client = start_in_process(build_server(load_spec(str(SAMPLE_SPEC)), api_client(api.url, DEFAULT_TOKEN)))
    return ToolRegistry(client.list_tools_sync()), lambda: client.stop(None, None, None)


def test_parallel_jobs_api_calls_reuse_their_connections() -> None:
    job = {"id": "16852935", "status": "succeeded"}
    with FakeJobsAPI([{"method": "GET", "path": "/v1/jobs/16852935", "body": job}], latency=LATENCY) as api:
        registry, stop = _jobs_registry(api)
        try:
            first, second = _batches(api, registry, "jobs_get_job", {"job_id": "16852935"})
        finally:
            stop()

    assert 0 < first <= PARALLEL - 1
    assert second == 0
