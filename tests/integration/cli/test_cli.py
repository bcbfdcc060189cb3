"""The ``aiops`` command line: triage and runbooks commands, through ``app.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.cli import main

ENGINE_RUNBOOKS = Path(__file__).resolve().parents[2] / "fixtures" / "runbooks" / "engine"
ALERT = "[ERROR] 2026-11-20T03:12:09Z healthcheck error: started_at has no value tasks:normal-4 job_id=16852935"


pytestmark = pytest.mark.usefixtures("aiops_env")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_triage_json_has_runbook_evidence_report_usage_and_blocked_calls(capsys: pytest.CaptureFixture[str]) -> None:
    view = run_json(capsys, "triage", ALERT, "--json", "--runbooks", str(ENGINE_RUNBOOKS))

    assert view["runbook"] == {"id": "jobs-004", "title": "Job succeeded but a task has no started_at"}
    assert view["input"]["kind"] == "alert"
    assert view["input"]["alert"]["text"] == ALERT
    assert [(step["step_id"], step["status"]) for step in view["evidence"]] == [("related", "ok")]
    assert view["evidence"][0]["args"]["query"] == "started_at task normal-4 healthcheck"
    assert view["mode"] == "evidence-only"
    assert view["report"]["cause"].startswith("Matches runbook jobs-004")
    assert view["usage"]["total_tokens"] == 0
    assert view["blocked_calls"] == []
    assert view["reference"].startswith("tri-")


def test_triage_with_a_scripted_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "script.yaml"
    script.write_text(
        yaml.safe_dump(
            {
                "turns": [
                    {"tool_calls": [{"name": "use_aws", "input": {"operation": "DeleteTable"}}]},
                    {
                        "structured": {
                            "title": "Late write",
                            "cause": "late",
                            "findings": [],
                            "recommended_action": "close",
                            "decision": "close",
                            "confidence": "high",
                        }
                    },
                ]
            }
        ),
        encoding="utf-8",
    )

    view = run_json(capsys, "triage", ALERT, "--json", "--model", f"scripted:{script}")

    assert (view["mode"], view["model"]) == ("model", f"scripted:{script}")
    assert view["report"]["title"] == "Late write"
    assert [(call["tool"], call["input"]) for call in view["blocked_calls"]] == [
        ("use_aws", {"operation": "DeleteTable"})
    ]
    assert view["usage"]["total_tokens"] > 0


def test_triage_reads_a_slack_event_file_as_the_ingress_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = {
        "type": "event_callback",
        "team_id": "T0TEAM",
        "event_id": "Ev0123",
        "event": {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B0MON",
            "username": "gke-health-checker",
            "channel": "C0ALERTS",
            "ts": "1763608329.000100",
            "text": "",
            "attachments": [
                {
                    "color": "danger",
                    "title": "[ERROR] healthcheck failed",
                    "text": "started_at has no value tasks:normal-4 job_id=16852935",
                    "fields": [{"title": "env", "value": "prod", "short": True}],
                }
            ],
        },
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")

    view = run_json(capsys, "triage", f"@{path}", "--json")

    alert = view["input"]["alert"]
    assert alert["title"] == "[ERROR] healthcheck failed"
    assert (
        alert["text"] == "[ERROR] healthcheck failed\nstarted_at has no value tasks:normal-4 job_id=16852935\nenv: prod"
    )
    assert (alert["source"], alert["labels"], alert["status"]) == ("gke-health-checker", {"env": "prod"}, "firing")
    assert alert["time"].startswith("2025-11-20T03:12:09")
    assert (view["input"]["channel"], view["input"]["event_id"]) == ("C0ALERTS", "Ev0123")
    assert view["runbook"]["id"] == "jobs-004"


def test_triage_reads_a_bare_slack_message_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = {"type": "message", "channel": "C7", "ts": "1763608329.000200", "text": "Task stopped: exit code 137"}
    path = tmp_path / "message.json"
    path.write_text(json.dumps(message), encoding="utf-8")

    view = run_json(capsys, "triage", f"@{path}", "--json")

    assert (view["input"]["channel"], view["input"]["thread_ts"]) == ("C7", "1763608329.000200")
    assert view["input"]["alert"]["text"] == "Task stopped: exit code 137"
    assert view["runbook"]["id"] == "ecs-002"


def test_triage_reads_an_app_mention_as_a_question(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = {
        "type": "event_callback",
        "event_id": "Ev9",
        "event": {
            "type": "app_mention",
            "user": "U1",
            "channel": "C7",
            "ts": "1763608400.000100",
            "thread_ts": "1763608329.000200",
            "text": "<@U0BOT> why did started_at has no value fire?",
        },
    }
    path = tmp_path / "mention.json"
    path.write_text(json.dumps(body), encoding="utf-8")

    view = run_json(capsys, "triage", f"@{path}", "--json")

    assert view["input"]["kind"] == "question"
    assert view["input"]["in_thread"] is True
    assert view["input"]["alert"]["text"] == "why did started_at has no value fire?"
    assert view["runbook"]["id"] == "jobs-004"


def test_triage_prints_the_thread_reply_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", ALERT]) == 0

    out = capsys.readouterr().out
    summary, reply = out.split("\n\n", 1)
    assert summary.startswith("Normalised alert\n  title:    [ERROR] 2026-11-20T03:12:09Z healthcheck error")
    assert reply.startswith("== Job succeeded but a task has no started_at ==")
    assert "runbook `jobs-004`" in out
    assert "[ Better than I would have done ]" in out


def test_triage_with_an_unreadable_file_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", f"@{tmp_path / 'missing.json'}"]) == 1

    assert "aiops triage: cannot read" in capsys.readouterr().err


def test_invalid_settings_exit_with_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AIOPS_MAX_TURNS", "0")

    assert main(["runbooks", "list"]) == 2

    assert capsys.readouterr().err.startswith("aiops: invalid AIOPS_ settings")


def test_triage_json_shows_the_same_alert_key_for_firing_and_resolved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = Path(__file__).resolve().parents[2] / "fixtures" / "notifiers" / "zabbix.json"
    problem, resolved, other = (case["message"] for case in json.loads(fixtures.read_text(encoding="utf-8")))
    keys = []
    for number, message in enumerate((problem, resolved, other)):
        path = tmp_path / f"message-{number}.json"
        path.write_text(json.dumps({**message, "channel": "C0ALERTS"}), encoding="utf-8")
        view = run_json(capsys, "triage", f"@{path}", "--json")
        keys.append((view["input"]["alert"]["status"], view["input"]["key"]))

    assert [status for status, _ in keys] == ["firing", "resolved", "firing"]
    assert keys[0][1] == keys[1][1] != keys[2][1]
    assert len(keys[0][1]) == 24
