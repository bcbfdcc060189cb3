"""Calling the jobs API's tools as the worker does: Strands MCP client in process → FastMCP → httpx2 → FakeJobsAPI.

Every expected failure comes back as a short error result saying what to do next.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from tools.openapi_mcp import api_client, build_server, load_spec, start_in_process
from tools.registry import ToolOutcome, ToolRegistry

TASK = {
    "name": "normal-4",
    "status": "succeeded",
    "started_at": None,
    "finished_at": "2026-11-20T03:12:40Z",
    "exit_reason": "Completed",
    "logs": {"cloud_logging_filter": 'labels.job_id="16852935"'},
}
JOB = {"id": "16852935", "status": "succeeded", "queue": "normal", "tasks": [TASK]}
ROUTES: list[dict[str, Any]] = [
    {"method": "GET", "path": "/v1/jobs/16852935", "body": JOB},
    {"method": "GET", "path": "/v1/jobs/16852935/tasks/normal-4", "body": TASK},
    {"method": "GET", "path": "/v1/jobs?status=failed&queue=gpu", "body": {"jobs": [{"id": "77"}]}},
    {"method": "GET", "path": "/v1/queues", "status": 429, "headers": {"Retry-After": "7"}},
    {"method": "GET", "path": "/v1/queues/normal", "status": 403, "body": {"message": "queue is private"}},
    {"method": "GET", "path": "/v1/workflows/wf-1", "status": 500, "body": {"message": "db timeout"}},
]


@contextmanager
def tools_for(base_url: str, *, token: str = DEFAULT_TOKEN, timeout: float = 10.0) -> Iterator[ToolRegistry]:
    """The jobs API's tools in a registry, served in process; the MCP client is stopped afterwards."""
    server = build_server(load_spec(str(SAMPLE_SPEC)), api_client(base_url, token, timeout=timeout))
    client = start_in_process(server)
    try:
        yield ToolRegistry(client.list_tools_sync(), result_max_chars=8000)
    finally:
        client.stop(None, None, None)


@pytest.fixture(scope="module")
def api() -> Iterator[FakeJobsAPI]:
    with FakeJobsAPI(ROUTES) as fake:
        yield fake


@pytest.fixture(scope="module")
def registry(api: FakeJobsAPI) -> Iterator[ToolRegistry]:
    with tools_for(api.url) as tools:
        yield tools


def call(registry: ToolRegistry, name: str, **args: Any) -> ToolOutcome:
    return asyncio.run(registry.call(name, args))


def test_get_job_returns_the_job_with_its_tasks_and_sends_the_token(registry: ToolRegistry, api: FakeJobsAPI) -> None:
    outcome = call(registry, "jobs_get_job", job_id="16852935")

    assert outcome.status == "ok"
    assert json.loads(outcome.text) == JOB
    assert '\n   "started_at": null,\n' in outcome.text  # one field a line, so the cap keeps whole fields
    request = api.requests[-1]
    assert (request.method, request.path) == ("GET", "/v1/jobs/16852935")
    assert request.headers["authorization"] == f"Bearer {DEFAULT_TOKEN}"


def test_path_and_query_parameters_reach_the_api(registry: ToolRegistry, api: FakeJobsAPI) -> None:
    task = call(registry, "jobs_get_task", job_id="16852935", task_name="normal-4")
    jobs = call(registry, "jobs_list_jobs", status="failed", queue="gpu", limit=5)

    assert json.loads(task.text) == TASK
    assert json.loads(jobs.text) == {"jobs": [{"id": "77"}]}
    assert api.requests[-1].query == {"status": ["failed"], "queue": ["gpu"], "limit": ["5"]}


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("jobs_get_job", {"job_id": "404404"}, "jobs_get_job: not found (HTTP 404: not found: GET /v1/jobs/404404). "),
        ("jobs_list_queues", {}, "throttled by the jobs API (HTTP 429: Too Many Requests). Wait for 7 s"),
        ("jobs_get_queue", {"queue_name": "normal"}, "access denied (HTTP 403: queue is private)"),
        ("jobs_get_workflow", {"workflow_id": "wf-1"}, "the jobs API failed (HTTP 500: db timeout)"),
        ("jobs_get_job", {}, "jobs_get_job failed: Missing required path parameters: {'job_id'}"),
    ],
)
def test_expected_failures_are_short_actionable_results(
    registry: ToolRegistry, name: str, args: dict[str, Any], expected: str
) -> None:
    outcome = call(registry, name, **args)

    assert outcome.status == "error"
    assert expected in outcome.text
    assert len(outcome.text) < 300
    assert "Traceback" not in outcome.text


def test_a_refused_token_says_not_to_retry(api: FakeJobsAPI) -> None:
    with tools_for(api.url, token="revoked") as registry:
        outcome = call(registry, "jobs_get_job", job_id="16852935")

    assert outcome.status == "error"
    assert outcome.text.startswith("jobs_get_job: access denied (HTTP 401: missing or invalid bearer token)")
    assert "Do not retry" in outcome.text


def test_a_backend_outage_says_so(api: FakeJobsAPI, registry: ToolRegistry) -> None:
    api.down = True
    try:
        outcome = call(registry, "jobs_get_job", job_id="16852935")
    finally:
        api.down = False

    assert outcome.status == "error"
    assert "the jobs API failed (HTTP 503: service unavailable); the backend may be down" in outcome.text


def test_a_slow_backend_times_out_with_a_short_result() -> None:
    with FakeJobsAPI(ROUTES, latency=1.0) as slow, tools_for(slow.url, timeout=0.2) as registry:
        outcome = call(registry, "jobs_get_job", job_id="16852935")

    assert outcome.status == "error"
    assert outcome.text.startswith("jobs_get_job: the jobs API did not answer in time (timed out). Retry once")
    assert outcome.duration_ms < 900


def test_an_unreachable_api_says_it_cannot_be_reached() -> None:
    with FakeJobsAPI(ROUTES) as gone:
        url = gone.url
    with tools_for(url) as registry:
        outcome = call(registry, "jobs_get_job", job_id="16852935")

    assert outcome.status == "error"
    assert outcome.text.startswith("jobs_get_job: cannot reach the jobs API (ConnectError); it may be down.")


def test_results_are_redacted_and_capped_by_the_registry(api: FakeJobsAPI, registry: ToolRegistry) -> None:
    lines = [f"2026-11-20T03:{n // 60 % 60:02d}:{n % 60:02d}Z INFO step {n} ok" for n in range(3000)]
    lines[2500] = "2026-11-20T03:41:40Z ERROR task normal-4 exited: OOMKilled"
    api.add("GET", "/v1/jobs/5", {"id": "5", "env": "password=hunter2-Zq9", "log": lines})

    outcome = call(registry, "jobs_get_job", job_id="5")

    assert outcome.status == "ok"
    assert len(outcome.text) <= registry.result_max_chars + 50
    assert "ERROR task normal-4 exited: OOMKilled" in outcome.text
    assert "[cut: showed" in outcome.text
    assert "hunter2-Zq9" not in outcome.text
    assert "password=[REDACTED]" in outcome.text


def test_parallel_calls_run_concurrently_over_the_one_client() -> None:
    routes = [{"method": "GET", "path": f"/v1/jobs/{n}", "body": {"id": str(n)}} for n in range(6)]
    with FakeJobsAPI(routes, latency=0.3) as slow, tools_for(slow.url) as registry:

        async def six() -> list[ToolOutcome]:
            return list(await asyncio.gather(*(registry.call("jobs_get_job", {"job_id": str(n)}) for n in range(6))))

        started = time.perf_counter()
        outcomes = asyncio.run(six())
        elapsed = time.perf_counter() - started

    assert [json.loads(outcome.text)["id"] for outcome in outcomes] == [str(n) for n in range(6)]
    assert elapsed < 1.2  # one after another would take 1.8 s
