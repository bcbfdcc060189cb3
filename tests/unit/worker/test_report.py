"""The evidence report: runbook title and link, each step's outcome counted and explained, the runbook's guidance."""

from __future__ import annotations

from app.models import Alert, Decision, EvidenceResult, Job, JobKind
from app.runbooks.model import Runbook
from app.worker.report import evidence_report, outcome_summary, runbook_section

BODY = """# 004

## Background
Why it happens.

## Procedure
1. Read started_at.
2. Close if set.

## Sample alert
started_at has no value
"""
RUNBOOK = Runbook(id="jobs-004", title="Task has no started_at", body=BODY, link="https://github.example/o/r/blob/abc/jobs-004.md")


def job(kind: JobKind = JobKind.ALERT, title: str = "[ERROR] healthcheck") -> Job:
    return Job(kind=kind, event_id="Ev1", channel="C1", ts="1.0", thread_ts="1.0", alert=Alert(title=title, text="x"))


def step(step_id: str, status: str, error: str = "", output: str = "") -> EvidenceResult:
    return EvidenceResult(step_id=step_id, tool="jobs_get_job", status=status, error=error, output=output)  # type: ignore[arg-type]


def test_report_names_runbook_link_outcomes_and_guidance() -> None:
    evidence = [
        step("job", "ok", output="{...}"),
        step("task", "skipped", error="skipped: the alert has no task"),
        step("logs", "error", error="HTTP 503 from the logging API\nTraceback ..."),
        step("repeats", "timeout", error="no answer within 20s"),
    ]

    report = evidence_report(job(), RUNBOOK, evidence)

    assert report.title == "Task has no started_at"
    assert report.cause == (
        "Matches runbook jobs-004 (Task has no started_at). https://github.example/o/r/blob/abc/jobs-004.md "
        "Evidence: 4 steps, 1 returned data, 1 failed, 1 timed out, 1 skipped (task: the alert has no task; "
        "logs: HTTP 503 from the logging API; repeats: no answer within 20s). "
        "No model ran: read the evidence below against the runbook's procedure."
    )
    assert report.recommended_action == "1. Read started_at.\n2. Close if set."
    assert (report.decision, report.confidence, report.findings) == (Decision.UNKNOWN, "low", [])


def test_report_without_a_link_or_steps() -> None:
    runbook = RUNBOOK.model_copy(update={"link": "", "body": "# No sections"})

    report = evidence_report(job(), runbook)

    assert report.cause.startswith("Matches runbook jobs-004 (Task has no started_at). The runbook declares no")
    assert report.recommended_action == "Follow the runbook."


def test_report_without_a_runbook() -> None:
    alert = evidence_report(job(), None)
    question = evidence_report(job(JobKind.QUESTION, title=""), None)

    assert alert.title == "[ERROR] healthcheck"
    assert alert.cause == "No runbook matches this alert, and no model ran, so there is no diagnosis."
    assert alert.recommended_action == "Investigate by hand; consider writing a runbook for this alert."
    assert question.title == "Question"
    assert "No runbook matches this question" in question.cause


def test_outcome_summary_all_ok() -> None:
    assert outcome_summary([step("a", "ok"), step("b", "ok")]) == "Evidence: 2 steps, 2 returned data."


def test_outcome_summary_shortens_long_errors_and_blocked_steps() -> None:
    summary = outcome_summary([step("w", "blocked", error="x" * 300)])

    assert summary.startswith("Evidence: 1 steps, 1 blocked (w: xxx")
    assert len(summary) < 200


def test_runbook_section_is_cut_to_the_limit() -> None:
    long = Runbook(id="x", title="X", body="## Procedure\n" + "step\n" * 1000)

    text = runbook_section(long, "procedure", limit=50)

    assert len(text) == 50 and text.endswith("…")
    assert runbook_section(long, "Missing") == ""
