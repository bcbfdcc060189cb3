"""A model may propose only a runbook's declared action, by id, with the decision the action allows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.cli import main
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI

TIMEOUT = "CannotPullContainerError: pull image manifest: dial tcp 10.1.2.3:443: i/o timeout"
ALERT = f"[ECS] Task stopped: job 7001 — {TIMEOUT}"
ROUTES = [
    {"method": "GET", "path": "/v1/jobs/7001",
     "body": {"id": "7001", "status": "failed",
              "tasks": [{"name": "main", "status": "failed", "exit_reason": TIMEOUT}]}},
    {"method": "POST", "path": "/v1/jobs/7001/retry", "status": 202, "body": {"id": "7001", "status": "queued"}},
]
REPORT = {"title": "Pull timeout", "cause": "a registry hiccup", "findings": [], "recommended_action": "retry",
          "confidence": "medium"}


@pytest.fixture(autouse=True)
def env(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))


def triage(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
           report: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"turns": [{"structured": report}]}), encoding="utf-8")
    with FakeJobsAPI(ROUTES) as api:
        monkeypatch.setenv("AIOPS_JOBS_API_BASE_URL", api.url)
        code = main(["triage", ALERT, "--json", "--model", f"scripted:{script}"])
        requests = [(request.method, request.path) for request in api.requests]
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out), requests


def test_a_declared_action_the_model_proposes_is_shown_for_approval_and_not_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    view, requests = triage(monkeypatch, capsys, tmp_path, {**REPORT, "decision": "act",
                                                             "proposed_action": "retry-job"})

    assert view["proposal"]["action_id"] == "retry-job"
    assert (view["proposal"]["proposed_by"], view["proposal"]["status"]) == ("model", "proposed")
    assert view["proposal"]["args"] == {"job_id": "7001"}
    assert ("POST", "/v1/jobs/7001/retry") not in requests  # proposing is not doing


def test_an_undeclared_action_is_refused_and_recorded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    view, requests = triage(monkeypatch, capsys, tmp_path, {**REPORT, "decision": "act",
                                                             "proposed_action": "delete-cluster"})

    assert view["proposal"] is None
    assert [call["tool"] for call in view["blocked_calls"]] == ["propose_action"]
    assert "does not declare" in view["blocked_calls"][0]["reason"]
    assert any(note.startswith("No action proposed: the model proposed 'delete-cluster'") for note in view["notes"])
    assert all(method == "GET" for method, _ in requests)


def test_a_declared_action_with_a_decision_it_does_not_allow_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    view, _ = triage(monkeypatch, capsys, tmp_path, {**REPORT, "decision": "close", "proposed_action": "retry-job"})

    assert view["proposal"] is None
    assert "does not allow" in view["blocked_calls"][0]["reason"]
