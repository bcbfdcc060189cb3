"""The jobs API's MCP tools inside investigations: evidence steps, the agent's calls, the allowlist and the record.

The tools run as in the worker: FastMCP server from the sample spec, Strands MCP client in process, httpx2 to
FakeJobsAPI. Only the model is scripted.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import REPORT, all_text, make_deps, post_alert, reply_of, scripted, write_script
from slack_sdk import WebClient
from strands.types.tools import AgentTool

from app.agent.scripted import ScriptedModel
from app.config import Settings
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.fakes.slack_api import FakeSlackAPI
from app.runbooks.catalog import load_catalog
from app.runbooks.source import FolderSource
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import build_worker, default_tools, parse_job
from app.worker.pipeline import investigate
from tools.openapi_mcp import api_client, build_server, load_spec, start_in_process
from tools.registry import ToolSet
from tools.system import JOBS_API

ALERT = "[ERROR] healthcheck error: started_at has no value tasks:normal-4 job_id=16852935"
SECRET = "hunter2-Zq9"
JOB = {
    "id": "16852935",
    "status": "succeeded",
    "note": f"password={SECRET}",
    "tasks": [{"name": "normal-4", "status": "succeeded", "started_at": None, "finished_at": "2026-11-20T03:12:40Z"}],
}
RUNBOOK = """---
id: jobs-900
title: Task without started_at
match:
  - regex: "started_at has no value"
extract:
  job_id: "job_id=(\\\\d+)"
evidence:
  - id: job
    tool: jobs_get_job
    args: {job_id: "{job_id}"}
  - id: gone
    tool: jobs_get_job
    args: {job_id: "1{job_id}"}
---
# Task without started_at

## Procedure
Read the job.
"""
MUTATIONS = [
    ("jobs_cancel_job", {"job_id": "16852935"}),
    ("jobs_delete_job", {"job_id": "16852935"}),
    ("jobs_retry_job", {"job_id": "16852935"}),
]


@pytest.fixture(scope="module")
def jobs_api() -> Iterator[FakeJobsAPI]:
    with FakeJobsAPI([{"method": "GET", "path": "/v1/jobs/16852935", "body": JOB}]) as api:
        yield api


@pytest.fixture(scope="module")
def jobs_tools(jobs_api: FakeJobsAPI) -> Iterator[list[AgentTool]]:
    server = build_server(load_spec(str(SAMPLE_SPEC)), api_client(jobs_api.url, DEFAULT_TOKEN))
    client = start_in_process(server)
    try:
        yield list(client.list_tools_sync())
    finally:
        client.stop(None, None, None)


@pytest.fixture
def runbooks(tmp_path: Path) -> FolderSource:
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "jobs-900.md").write_text(RUNBOOK, encoding="utf-8")
    return FolderSource(folder)


def deps_with_jobs(
    fake: FakeSlackAPI, store: SQLiteTriageStore, runbooks: FolderSource, tools: list[AgentTool], **changes: Any
) -> Any:
    registry = partial(default_tools, result_max_chars=8000, investigation=[ToolSet(tools, label=JOBS_API.label)])
    return make_deps(fake, store, source=runbooks, tools=registry, **changes)


def test_evidence_steps_read_the_jobs_api_through_mcp(
    fake: FakeSlackAPI, store: SQLiteTriageStore, runbooks: FolderSource, jobs_tools: list[AgentTool]
) -> None:
    record = investigate(post_alert(fake, ALERT), deps_with_jobs(fake, store, runbooks, jobs_tools))

    by_step = {item.step_id: item for item in record.evidence}
    assert (by_step["job"].status, by_step["gone"].status) == ("ok", "error")
    assert '"started_at": null' in by_step["job"].output
    assert f"password={SECRET}" not in by_step["job"].output
    assert by_step["gone"].error.startswith("jobs_get_job: not found (HTTP 404")
    stored = store.get(record.id)
    assert stored is not None
    assert SECRET not in stored.model_dump_json()


def test_excluded_operations_are_blocked_and_listed_and_never_reach_the_api(
    tmp_path: Path,
    fake: FakeSlackAPI,
    store: SQLiteTriageStore,
    runbooks: FolderSource,
    jobs_api: FakeJobsAPI,
    jobs_tools: list[AgentTool],
) -> None:
    calls = [{"name": name, "input": args} for name, args in MUTATIONS]
    script = {"turns": [{"tool_calls": [{"name": "jobs_get_job", "input": {"job_id": "16852935"}}, *calls]},
                        {"structured": REPORT}]}
    job = post_alert(fake, ALERT)
    before = len(jobs_api.requests)

    record = investigate(job, deps_with_jobs(fake, store, runbooks, jobs_tools, model=scripted(tmp_path, script)))

    blocked = sorted((call.tool, call.input) for call in record.blocked_calls)
    assert blocked == sorted(MUTATIONS)
    assert all("not on the allowlist" in call.reason for call in record.blocked_calls)
    assert [(call.tool, call.status) for call in record.tool_calls] == [("jobs_get_job", "success")]
    assert {request.method for request in jobs_api.requests[before:]} == {"GET"}
    assert "Blocked tool calls (not executed): `jobs_" in all_text(reply_of(fake, job)["blocks"])
    stored = store.get(record.id)
    assert stored is not None
    assert stored.blocked_calls == record.blocked_calls


class RecordingModel(ScriptedModel):
    """A scripted model that keeps every request it was sent."""

    requests: list[str]

    async def stream(self, messages: Any, *args: Any, **kwargs: Any) -> AsyncIterable[Any]:
        self.requests.append(json.dumps(messages, default=str))
        async for event in super().stream(messages, *args, **kwargs):
            yield event


def test_the_agent_sees_jobs_api_results_redacted(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore, runbooks: FolderSource, jobs_tools: list[AgentTool]
) -> None:
    script = {"turns": [{"tool_calls": [{"name": "jobs_get_job", "input": {"job_id": "16852935"}}]},
                        {"structured": REPORT}]}
    path = write_script(tmp_path, script)
    requests: list[str] = []

    def model() -> RecordingModel:
        built = RecordingModel.from_file(path)
        assert isinstance(built, RecordingModel)
        built.requests = requests
        return built

    record = investigate(post_alert(fake, ALERT), deps_with_jobs(fake, store, runbooks, jobs_tools, model=model))

    assert record.mode == "model"
    assert record.tool_calls[0].result_chars > 100
    assert "normal-4" in requests[-1]
    assert all(SECRET not in request for request in requests)


def test_the_worker_starts_the_jobs_api_once_and_reuses_it(
    tmp_path: Path, fake: FakeSlackAPI, jobs_api: FakeJobsAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "jobs-900.md").write_text(RUNBOOK, encoding="utf-8")
    settings = Settings(
        runbooks=str(folder),
        state_dir=tmp_path / "state",
        jobs_api_spec=str(SAMPLE_SPEC),
        jobs_api_base_url=jobs_api.url,
    )
    worker = build_worker(settings, slack_client=WebClient(token=fake.bot_token, base_url=fake.url))
    catalog = load_catalog(worker.deps.source)

    first, second = worker.deps.tools(catalog), worker.deps.tools(catalog)
    records = [worker.run(parse_job(post_alert(fake, ALERT).model_dump(mode="json"))) for _ in range(2)]

    assert {"jobs_get_job", "jobs_list_queues", "search_runbooks"} <= set(first.names())
    assert "jobs_cancel_job" not in first.names()
    jobs_tool = next(tool for tool in first.agent_tools() if tool.tool_name == "jobs_get_job")
    assert any(tool is jobs_tool for tool in second.agent_tools())
    assert [record.evidence[0].status for record in records] == ["ok", "ok"]
