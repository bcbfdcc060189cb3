"""The jobs API from the command line: ``aiops mcp serve`` over stdio and HTTP, and ``aiops triage`` with its tools."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastmcp import Client
from fastmcp.client.transports import StdioTransport

from app.cli import main
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI

REPO = Path(__file__).resolve().parents[3]
ENGINE_RUNBOOKS = REPO / "tests" / "fixtures" / "runbooks" / "engine"
JOB = {"id": "16852935", "status": "succeeded", "tasks": [{"name": "normal-4", "started_at": None}]}
ALERT = "[ERROR] 2026-11-20T03:12:09Z healthcheck error: started_at has no value tasks:normal-4 job_id=16852935"
READ_TOOLS = 7


@pytest.fixture(autouse=True)
def env(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))


@pytest.fixture
def api() -> Iterator[FakeJobsAPI]:
    with FakeJobsAPI([{"method": "GET", "path": "/v1/jobs/16852935", "body": JOB}]) as fake:
        yield fake


def serve_args(api: FakeJobsAPI, *extra: str) -> list[str]:
    return ["-m", "app.cli", "mcp", "serve", "--spec", str(SAMPLE_SPEC), "--base-url", api.url, *extra]


async def list_and_call(client: Client[Any]) -> tuple[set[str], Any]:
    async with client:
        names = {tool.name for tool in await client.list_tools()}
        result = await client.call_tool("jobs_get_job", {"job_id": "16852935"})
    return names, result.structured_content


@pytest.mark.slow
def test_mcp_serve_over_stdio(api: FakeJobsAPI) -> None:
    transport = StdioTransport(command=sys.executable, args=serve_args(api), env=dict(os.environ), cwd=str(REPO))

    names, job = asyncio.run(list_and_call(Client(transport)))

    assert len(names) == READ_TOOLS
    assert "jobs_cancel_job" not in names
    assert job == JOB
    assert api.requests[-1].headers["authorization"] == f"Bearer {DEFAULT_TOKEN}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listening on {port} after {seconds} s")


@pytest.mark.slow
def test_mcp_serve_over_streamable_http(api: FakeJobsAPI) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *serve_args(api, "--transport", "http", "--port", str(port))],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        names, job = asyncio.run(list_and_call(Client(f"http://127.0.0.1:{port}/mcp")))
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)

    assert len(names) == READ_TOOLS
    assert job == JOB
    assert f"serving on http://127.0.0.1:{port}/mcp" in stderr.decode()


def test_mcp_serve_refuses_a_missing_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["mcp", "serve", "--spec", str(tmp_path / "none.yaml"), "--base-url", "http://127.0.0.1:9"])

    assert code == 2
    assert "cannot read OpenAPI spec" in capsys.readouterr().err


def test_mcp_serve_refuses_a_missing_token(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AIOPS_SECRET_JOBS_API")

    code = main(["mcp", "serve", "--spec", str(SAMPLE_SPEC), "--base-url", "http://127.0.0.1:9"])

    assert code == 2
    assert "set AIOPS_SECRET_JOBS_API" in capsys.readouterr().err


def test_mcp_serve_needs_spec_and_base_url() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["mcp", "serve", "--spec", str(SAMPLE_SPEC)])

    assert exited.value.code == 2


def test_triage_blocks_an_excluded_operation_and_lists_it(
    tmp_path: Path, api: FakeJobsAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))
    monkeypatch.setenv("AIOPS_JOBS_API_BASE_URL", api.url)
    monkeypatch.setenv("AIOPS_RUNBOOKS", str(ENGINE_RUNBOOKS))  # no evidence steps calling the API: only the agent's
    report = {"title": "t", "cause": "c", "findings": [], "recommended_action": "a", "decision": "close",
              "confidence": "low"}
    calls = [{"name": "jobs_get_job", "input": {"job_id": "16852935"}},
             {"name": "jobs_cancel_job", "input": {"job_id": "16852935"}}]
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"turns": [{"tool_calls": calls}, {"structured": report}]}), encoding="utf-8")

    code = main(["triage", ALERT, "--json", "--model", f"scripted:{script}"])

    out = capsys.readouterr().out
    assert code == 0, out
    view = json.loads(out)
    assert [(call["tool"], call["input"]) for call in view["blocked_calls"]] == [
        ("jobs_cancel_job", {"job_id": "16852935"})
    ]
    assert [(call["tool"], call["status"]) for call in view["tool_calls"]] == [("jobs_get_job", "success")]
    assert [(request.method, request.path) for request in api.requests] == [("GET", "/v1/jobs/16852935")]
