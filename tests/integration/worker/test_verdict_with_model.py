"""The runbook's verdict beside a model's conclusion, and the settings that choose when the model runs.

``aiops triage`` on jobs-004's sample alert with the real jobs API tools against the local fake: the runbook's
facts come from the jobs API's data (started_at is set now → close, step 2). A scripted model plays the agent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.cli import main
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI

ALERT = (
    "[ERROR] 2026-11-20T03:12:09Z 1f0e6f9c-52a4-4d0b-9a51-6a0c2f5e8d11 [healthcheck] error: "
    "started_at has no value tasks:normal-4 job_id=16852935"
)
TASK = {"name": "normal-4", "status": "succeeded", "started_at": "2026-11-20T03:12:40Z"}
JOB = {"id": "16852935", "status": "succeeded", "tasks": [TASK]}
ROUTES = [
    {"method": "GET", "path": "/v1/jobs/16852935", "body": JOB},
    {"method": "GET", "path": "/v1/jobs/16852935/tasks/normal-4", "body": TASK},
]
ESCALATE = {
    "title": "started_at gap on job 16852935",
    "cause": "the health checker has failed three times tonight",
    "findings": [],
    "recommended_action": "Share with the platform team.",
    "decision": "escalate",
    "confidence": "medium",
}
CLOSE = {**ESCALATE, "cause": "started_at is set now: a late write", "decision": "close", "confidence": "high"}


@pytest.fixture(autouse=True)
def env(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))


def script(tmp_path: Path, turns: list[dict[str, Any]]) -> str:
    path = tmp_path / "script.yaml"
    path.write_text(yaml.safe_dump({"turns": turns}), encoding="utf-8")
    return f"scripted:{path}"


def triage(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, list[Any]]:
    with FakeJobsAPI(ROUTES) as api:
        monkeypatch.setenv("AIOPS_JOBS_API_BASE_URL", api.url)
        code = main(["triage", ALERT, *args])
        requests = list(api.requests)
    out = capsys.readouterr().out
    assert code == 0, out
    return out, requests


def test_a_model_that_disagrees_is_shown_beside_the_runbook_verdict_and_both_are_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model = script(tmp_path, [{"structured": ESCALATE}])

    out, _ = triage(monkeypatch, capsys, "--json", "--model", model)
    view = json.loads(out)
    reply, _ = triage(monkeypatch, capsys, "--model", model)

    assert view["mode"] == "model"
    assert (view["verdict"]["decision"], view["verdict"]["step"]) == ("close", "2")
    assert view["report"]["decision"] == "escalate"
    assert "The runbook's verdict is `close` (step 2: Task normal-4 of job 16852935 has started_at" in reply
    assert "the model says `escalate` because the health checker has failed three times tonight" in reply


def test_a_model_that_agrees_is_said_to_agree(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    reply, _ = triage(monkeypatch, capsys, "--model", script(tmp_path, [{"structured": CLOSE}]))

    assert "The model agrees with the runbook's verdict (close, step 2)." in reply
    assert "the model says" not in reply


def test_no_verdict_setting_skips_the_model_when_the_runbook_decided(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("AIOPS_MODEL_RUNS", "no-verdict")

    out, _ = triage(monkeypatch, capsys, "--json", "--model", script(tmp_path, [{"structured": ESCALATE}]))
    view = json.loads(out)

    assert view["mode"] == "evidence-only"
    assert view["usage"]["total_tokens"] == 0
    assert view["note"] == "The runbook's verdict was reached, so no model ran (setting: no-verdict)."
    assert (view["report"]["decision"], view["verdict"]["decision"]) == ("close", "close")


def test_never_setting_keeps_a_configured_model_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("AIOPS_MODEL_RUNS", "never")

    out, _ = triage(monkeypatch, capsys, "--json", "--model", script(tmp_path, [{"structured": ESCALATE}]))
    view = json.loads(out)

    assert (view["mode"], view["usage"]["total_tokens"]) == ("evidence-only", 0)
    assert view["report"]["decision"] == "close"


def test_explain_setting_gives_the_model_one_turn_without_tools_and_costs_less(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    turns = [{"tool_calls": [{"name": "jobs_get_job", "input": {"job_id": "16852935"}}]}, {"structured": CLOSE}]
    full, full_requests = triage(monkeypatch, capsys, "--json", "--model", script(tmp_path, turns))
    monkeypatch.setenv("AIOPS_MODEL_RUNS", "explain")
    explained, explain_requests = triage(monkeypatch, capsys, "--json", "--model", script(tmp_path, [
        {"structured": CLOSE}
    ]))
    full_view, explain_view = json.loads(full), json.loads(explained)

    assert explain_view["mode"] == "model"
    assert explain_view["usage"]["turns"] == 1 and explain_view["tool_calls"] == []
    assert len(explain_requests) == 2  # only the evidence steps reached the jobs API
    assert len(full_requests) == 3  # the evidence steps, then the agent's own call
    assert explain_view["usage"]["input_tokens"] * 2 < full_view["usage"]["input_tokens"]


def test_explain_setting_still_investigates_when_no_verdict_was_reached(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("AIOPS_MODEL_RUNS", "explain")
    gap = {**TASK, "started_at": None}
    routes = [{"method": "GET", "path": "/v1/jobs/16852935", "body": {**JOB, "tasks": [gap]}},
              {"method": "GET", "path": "/v1/jobs/16852935/tasks/normal-4", "body": gap}]
    turns = [{"tool_calls": [{"name": "jobs_get_job", "input": {"job_id": "16852935"}}]}, {"structured": ESCALATE}]
    with FakeJobsAPI(routes) as api:
        monkeypatch.setenv("AIOPS_JOBS_API_BASE_URL", api.url)
        assert main(["triage", ALERT, "--json", "--model", script(tmp_path, turns)]) == 0
    view = json.loads(capsys.readouterr().out)

    assert view["verdict"]["decision"] == "unknown"  # repeats could not be counted: no AWS here
    assert [call["tool"] for call in view["tool_calls"]] == ["jobs_get_job"]
    assert view["report"]["decision"] == "escalate"
