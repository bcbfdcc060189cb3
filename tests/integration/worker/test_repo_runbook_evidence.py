"""A sample runbook's evidence steps collected before the model, through the real jobs API tools.

``aiops triage`` on jobs-004's own sample alert, with the jobs API tools configured against the local fake:
the engine extracts job id, task and request id, calls jobs_get_job and jobs_get_task itself (no model runs),
and the evidence report shows both answers. Steps whose tools this build lacks are reported, not fatal.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from app.cli import main
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI

ALERT = (
    "[ERROR] 2026-11-20T03:12:09Z 1f0e6f9c-52a4-4d0b-9a51-6a0c2f5e8d11 [healthcheck] error: "
    "started_at has no value tasks:normal-4 job_id=16852935"
)
TASK = {"name": "normal-4", "status": "succeeded", "started_at": "2026-11-20T03:12:40Z"}
OTHER = {"name": "normal-5", "status": "succeeded", "started_at": "2026-11-20T03:10:02Z"}
JOB = {"id": "16852935", "status": "succeeded", "tasks": [TASK, OTHER]}


@pytest.fixture(autouse=True)
def env(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))


def test_jobs_004_collects_job_and_task_before_the_model(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    routes = [
        {"method": "GET", "path": "/v1/jobs/16852935", "body": JOB},
        {"method": "GET", "path": "/v1/jobs/16852935/tasks/normal-4", "body": TASK},
    ]
    with FakeJobsAPI(routes) as api:
        monkeypatch.setenv("AIOPS_JOBS_API_BASE_URL", api.url)
        code = main(["triage", ALERT, "--json"])
        requested = sorted((request.method, request.path) for request in api.requests)

    out = capsys.readouterr().out
    assert code == 0, out
    view = json.loads(out)
    assert view["runbook"]["id"] == "jobs-004"
    assert view["mode"] == "evidence-only"
    steps = {step["step_id"]: step for step in view["evidence"]}
    assert list(steps) == ["job", "task", "checker-run", "repeats", "task-logs"]
    assert (steps["job"]["status"], steps["job"]["args"]) == ("ok", {"job_id": "16852935"})
    assert "normal-5" in steps["job"]["output"]
    assert (steps["task"]["status"], steps["task"]["args"]) == ("ok", {"job_id": "16852935", "task_name": "normal-4"})
    assert "2026-11-20T03:12:40Z" in steps["task"]["output"]
    window = {key: datetime.fromisoformat(steps["repeats"]["args"][key]) for key in ("since", "until")}
    assert window["until"] - window["since"] == timedelta(hours=24)  # -12h / +12h around the alert's time
    assert requested == [("GET", "/v1/jobs/16852935"), ("GET", "/v1/jobs/16852935/tasks/normal-4")]
    # the runbook decides from the jobs API's data: started_at is set now, a late write (case 1, step 2)
    verdict = view["verdict"]
    assert (verdict["decision"], verdict["step"], verdict["case"]) == ("close", "2", 0)
    assert verdict["facts"]["task_started"] == "2026-11-20T03:12:40Z"
    assert verdict["facts"]["tasks_without_start"] == []
    assert "repeat_count" in verdict["unknown"]  # the Logs Insights step had no AWS to ask
    assert view["report"]["cause"] == (
        "Task normal-4 of job 16852935 has started_at 2026-11-20T03:12:40Z now: the write was late."
    )
    assert view["report"]["decision"] == "close"
    assert view["report"]["recommended_action"].startswith("Close — runbook step 2: If `started_at` is now set")
