"""The harness runs the real pipeline in a fresh world and says which check failed, and why."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.config import Settings
from app.evals.cli import run_eval

ScenarioFactory = Callable[..., Path]

REPORT: dict[str, Any] = {
    "title": "Disk usage on bastion-2",
    "cause": "Log files under /var/log on bastion-2 filled the disk to 91%.",
    "findings": [{"statement": "disk-001 applies", "evidence": "runbook disk-001"}],
    "recommended_action": "Rotate the logs (runbook disk-001, Procedure).",
    "decision": "act",
    "confidence": "medium",
}


def run(root: Path, *args: Any, **options: Any) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = run_eval(root, Settings(), as_json=True, out=out, **options)
    return code, json.loads(out.getvalue())


def checks_of(result: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {check["name"]: check for check in result["scenarios"][0]["checks"]}


def test_a_good_scenario_passes_without_a_model(make_scenario: ScenarioFactory) -> None:
    folder = make_scenario()
    code, result = run(folder)
    assert code == 0, result
    checks = checks_of(result)
    assert checks["runbook"]["status"] == "pass"
    assert checks["evidence_facts"] == {"name": "evidence_facts", "status": "pass", "detail": "1/1 found"}
    assert checks["report_facts"]["status"] == "skip"  # no model ran
    assert result["scenarios"][0]["mode"] == "evidence-only"


def test_wrong_runbook_fails_and_says_which(make_scenario: ScenarioFactory) -> None:
    folder = make_scenario(expect={"runbook": "jobs-004"})
    code, result = run(folder)
    assert code == 1
    assert checks_of(result)["runbook"] == {
        "name": "runbook",
        "status": "fail",
        "detail": "expected jobs-004, matched disk-001",
    }


def test_missing_evidence_fact_is_named(make_scenario: ScenarioFactory) -> None:
    folder = make_scenario(expect={"runbook": "disk-001", "evidence_facts": ["disk-001", "OutOfMemory"]})
    code, result = run(folder)
    assert code == 1
    check = checks_of(result)["evidence_facts"]
    assert check["status"] == "fail"
    assert check["detail"] == "1/2 not found: 'OutOfMemory'"


def test_skipped_step_is_evidence_too(make_scenario: ScenarioFactory) -> None:
    folder = make_scenario(expect={"runbook": "disk-001", "evidence_facts": [r"needs-a-field search_runbooks skipped"]})
    code, result = run(folder)
    assert code == 0, result


def test_scripted_model_report_facts_tokens_and_forbidden_tools(make_scenario: ScenarioFactory) -> None:
    script = [
        {"tool_calls": [{"name": "read_runbook", "input": {"runbook_id": "disk-001"}}]},
        {"structured": REPORT},
    ]
    expect = {
        "runbook": "disk-001",
        "report_facts": [r"/var/log", r"rotate the logs"],
        "forbidden_tools": ["read_runbook"],
        "max_prompt_tokens": 50,
    }
    code, result = run(make_scenario(script=script, expect=expect))
    assert code == 1
    checks = checks_of(result)
    assert checks["report_facts"]["status"] == "pass"
    assert checks["forbidden_tools"] == {"name": "forbidden_tools", "status": "fail", "detail": "called read_runbook"}
    assert checks["prompt_tokens"]["status"] == "fail"
    assert checks["prompt_tokens"]["detail"].endswith("> 50")
    assert result["scenarios"][0]["mode"] == "model"


def test_report_fact_missing_from_the_reply_fails(make_scenario: ScenarioFactory) -> None:
    expect = {"runbook": "disk-001", "report_facts": [r"inode exhaustion"]}
    code, result = run(make_scenario(script=[{"structured": REPORT}], expect=expect))
    assert code == 1
    assert checks_of(result)["report_facts"]["detail"] == "1/1 not found: 'inode exhaustion'"


def test_model_flag_overrides_the_script(make_scenario: ScenarioFactory) -> None:
    expect = {"runbook": "disk-001", "report_facts": [r"inode exhaustion"]}
    code, result = run(make_scenario(script=[{"structured": REPORT}], expect=expect), model="none")
    assert code == 0, result
    assert result["scenarios"][0]["mode"] == "evidence-only"


def test_blocked_attempts_are_shown_not_failed(make_scenario: ScenarioFactory) -> None:
    script = [{"tool_calls": [{"name": "delete_everything", "input": {}}]}, {"structured": REPORT}]
    expect = {"runbook": "disk-001", "forbidden_tools": ["delete_everything"]}
    code, result = run(make_scenario(script=script, expect=expect))
    assert code == 0, result
    assert checks_of(result)["forbidden_tools"]["detail"] == "none of 1 called; blocked attempts: delete_everything"


def test_judge_grades_the_reply(make_scenario: ScenarioFactory, tmp_path: Path) -> None:
    facts = [r"/var/log", r"rotate"]
    folder = make_scenario(script=[{"structured": REPORT}], expect={"runbook": "disk-001", "report_facts": facts})
    verdict = {
        "facts": [{"fact": facts[0], "present": True, "quote": "/var/log"}, {"fact": facts[1], "present": False}]
    }
    judge = tmp_path / "judge.yaml"
    judge.write_text(json.dumps({"turns": [{"structured": verdict, "structured_tool": "JudgeVerdict"}]}))
    code, result = run(folder, judge=f"scripted:{judge}")
    assert code == 1
    check = checks_of(result)["judge"]
    assert check == {"name": "judge", "status": "fail", "detail": "1/2 absent per the judge: 'rotate'"}
    assert checks_of(result)["report_facts"]["status"] == "pass"  # the regex score, shown beside the judge


def test_a_scenario_that_cannot_run_fails_with_its_reason(make_scenario: ScenarioFactory) -> None:
    folder = make_scenario()
    (folder / "aws.yaml").write_text("- {service: sqs, op: create_queue, params: {}}\n")
    code, result = run(folder)
    assert code == 1
    error = result["scenarios"][0]["error"]
    assert "seed call 1 (sqs.create_queue)" in error
    assert "QueueName" in error


def test_aws_fixture_is_seeded_into_a_fresh_moto(make_scenario: ScenarioFactory) -> None:
    folder = make_scenario()
    (folder / "aws.yaml").write_text("- {service: sqs, op: create_queue, params: {QueueName: jobs-dlq}}\n")
    code, result = run(folder.parent)
    code_again, _ = run(folder.parent)  # a second run starts from an empty moto: no "already exists"
    assert (code, code_again) == (0, 0), result


def test_table_lists_every_scenario_and_the_failure_reason(make_scenario: ScenarioFactory) -> None:
    make_scenario("good")
    make_scenario("bad", expect={"runbook": None})
    out = io.StringIO()
    code = run_eval(make_scenario("other").parent, Settings(), out=out)
    text = out.getvalue()
    assert code == 1
    assert "bad: runbook failed: expected no runbook, matched disk-001" in text
    assert "2/3 scenarios passed" in text
    assert [line.split()[0] for line in text.splitlines()[2:5]] == ["bad", "good", "other"]


def test_only_and_load_errors_exit_2(make_scenario: ScenarioFactory, tmp_path: Path, capsys: Any) -> None:
    root = make_scenario().parent
    assert run_eval(root, Settings(), only="nope", out=io.StringIO()) == 2
    assert "no scenario named 'nope'" in capsys.readouterr().err
    assert run_eval(tmp_path / "empty", Settings(), out=io.StringIO()) == 2
    assert run_eval(root, Settings(), judge="none", out=io.StringIO()) == 2
    assert "the judge needs a model" in capsys.readouterr().err


JOB_RUNBOOK = """---
id: jobs-001
title: Job failed
severity: medium
tags: [jobs]
match:
  - regex: "job \\\\d+ failed"
extract:
  job_id: "job (\\\\d+)"
evidence:
  - id: job
    tool: jobs_get_job
    args: {job_id: "{job_id}"}
---
# jobs-001: Job failed
"""


def job_scenario(make_scenario: ScenarioFactory, **parts: Any) -> Path:
    expect = {"runbook": "jobs-001", "evidence_facts": [r"CannotPullContainerError"]}
    folder = make_scenario("job-failed", input={"kind": "alert", "text": "job 123 failed"}, expect=expect, **parts)
    (folder / "runbooks" / "jobs-001.md").write_text(JOB_RUNBOOK)
    body = {"job_id": "123", "status": "FAILED", "tasks": [{"name": "main", "exit_reason": "CannotPullContainerError"}]}
    (folder / "api.yaml").write_text(
        json.dumps([{"method": "GET", "path": "/v1/jobs/123", "status": 200, "body": body}])
    )
    return folder


def test_jobs_api_fixture_reaches_the_evidence(make_scenario: ScenarioFactory) -> None:
    code, result = run(job_scenario(make_scenario))
    assert code == 0, result


def test_a_backend_that_is_down_is_reported_not_fatal(make_scenario: ScenarioFactory) -> None:
    code, result = run(job_scenario(make_scenario, down=["jobs_api"]))
    assert code == 1
    check = checks_of(result)["evidence_facts"]
    assert check["detail"] == "1/1 not found: 'CannotPullContainerError'"
    assert result["scenarios"][0]["error"] == ""
