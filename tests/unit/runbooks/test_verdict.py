"""The runbook's verdict: facts from step data, the first case that holds, unknown facts never false."""

from __future__ import annotations

from typing import Any

from app.models import Decision
from app.runbooks.parse import parse_runbook
from app.runbooks.source import RunbookFile
from app.runbooks.verdict import StepData, decide, procedure_steps

FRONT = r"""
id: t-1
title: Task without started_at
extract: {job_id: 'job (\d+)', task: 'tasks:([a-z0-9-]+)'}
evidence:
  - {id: task, tool: jobs_get_task, args: {job_id: '{job_id}', task_name: '{task}'}}
  - {id: repeat-count, tool: aws_logs_insights, args: {log_groups: [g], query: q}}
facts:
  started: {query: task.started_at, label: started_at now}
  repeats: {query: 'sum(repeat_count.rows[].to_number(failures))', label: Times in 12 h}
  source: {query: [task.origin, fields.job_id]}
verdicts:
  - {when: 'started != null', decision: close, cause: 'task {task} started at {started}', step: 2, confidence: high}
  - {when: 'repeats >= `2`', decision: escalate, cause: 'missing {repeats} times for job {job_id}', step: 3}
  - {when: 'repeats < `2`', decision: close, cause: 'once only', step: 3, confidence: low}
"""
BODY = "# T\n\n## Procedure\n1. Read the task.\n2. Set now: close.\n3. Count repeats;\n   twice or more: escalate.\n"
FIELDS = {"job_id": "7", "task": "normal-4"}


def runbook() -> Any:
    text = f"---\n{FRONT.strip()}\n---\n{BODY}"
    return parse_runbook(RunbookFile(path="t.md", text=text), frozenset({"jobs_get_task", "aws_logs_insights"}))


def rows(*counts: int) -> StepData:
    return StepData(data={"rows": [{"failures": str(count)} for count in counts]})


def test_the_first_case_that_holds_decides_with_its_step_and_filled_cause() -> None:
    steps = {"task": StepData(data={"started_at": None}), "repeat-count": rows(1, 2)}

    verdict = decide(runbook(), steps, FIELDS)

    assert (verdict.decision, verdict.case, verdict.step, verdict.confidence) == (Decision.ESCALATE, 1, "3", "medium")
    assert verdict.cause == "missing 3 times for job 7"
    assert verdict.step_text == "Count repeats; twice or more: escalate."
    assert verdict.facts == {"started": None, "repeats": 3, "source": "7"}
    assert verdict.labels["repeats"] == "Times in 12 h"


def test_an_earlier_case_wins_over_a_later_one() -> None:
    steps = {"task": StepData(data={"started_at": "2026-11-20T03:00:00Z"}), "repeat-count": rows(5)}

    verdict = decide(runbook(), steps, FIELDS)

    assert (verdict.decision, verdict.case) == (Decision.CLOSE, 0)
    assert verdict.cause == "task normal-4 started at 2026-11-20T03:00:00Z"


def test_a_failed_step_makes_its_facts_unknown_and_the_cases_needing_them_do_not_hold() -> None:
    steps = {"task": StepData(data={"started_at": None}), "repeat-count": StepData(missing="failed (throttled)")}

    verdict = decide(runbook(), steps, FIELDS)

    assert verdict.decision is Decision.UNKNOWN and verdict.case is None
    assert "repeats" not in verdict.facts  # unknown, never 0
    assert verdict.unknown == {"repeats": "step repeat-count failed (throttled)"}
    assert verdict.skipped_cases == [1, 2]


def test_a_step_that_did_not_run_is_unknown_too() -> None:
    verdict = decide(runbook(), {"repeat-count": rows(1)}, FIELDS)

    assert verdict.unknown["started"] == "step task did not run"
    assert verdict.case == 2  # 'started != null' needs the unknown fact, so the next case decides
    assert verdict.skipped_cases == [0]


def test_an_empty_result_is_data_not_a_gap() -> None:
    verdict = decide(runbook(), {"task": StepData(data={"started_at": None}), "repeat-count": rows()}, FIELDS)

    assert verdict.facts["repeats"] == 0
    assert (verdict.decision, verdict.case) == (Decision.CLOSE, 2)


def test_a_query_that_does_not_fit_the_data_is_unknown_with_the_reason() -> None:
    steps = {"task": StepData(data={"started_at": None}), "repeat-count": StepData(data={"rows": "not a list"})}

    verdict = decide(runbook(), steps, FIELDS)

    assert verdict.unknown["repeats"].startswith("could not be read from the data")
    assert verdict.decision is Decision.UNKNOWN


def test_alternatives_fall_back_when_the_first_gives_null_or_its_step_is_missing() -> None:
    with_origin = decide(runbook(), {"task": StepData(data={"origin": "api"})}, FIELDS)
    without_task = decide(runbook(), {}, FIELDS)

    assert with_origin.facts["source"] == "api"
    assert without_task.facts["source"] == "7"


def test_a_cause_naming_a_field_the_alert_lacks_reads_unknown() -> None:
    steps = {"task": StepData(data={"started_at": None}), "repeat-count": rows(4)}

    verdict = decide(runbook(), steps, {"task": "normal-4"})

    assert verdict.case == 1
    assert verdict.cause == "missing 4 times for job unknown"


def test_procedure_steps_are_read_from_the_numbered_list() -> None:
    assert procedure_steps(runbook()) == {
        "1": "Read the task.", "2": "Set now: close.", "3": "Count repeats; twice or more: escalate."
    }
