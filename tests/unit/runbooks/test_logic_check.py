"""`runbooks check` on the decision part: every problem with file, line and field."""

from __future__ import annotations

import pytest

from app.runbooks.parse import Problem, RunbookError, parse_runbook
from app.runbooks.source import RunbookFile

TOOLS = frozenset({"jobs_get_job", "aws_logs_insights"})
BODY = "# T\n\n## Procedure\n1. Read.\n2. Decide.\n"
BASE = r"""id: t-1
title: T
extract: {job_id: 'job (\d+)'}
evidence:
  - {id: job, tool: jobs_get_job, args: {job_id: '{job_id}'}}
  - {id: log-rows, tool: aws_logs_insights, args: {log_groups: [g], query: q}}
"""


def problems(extra: str) -> list[Problem]:
    text = f"---\n{BASE}{extra.strip()}\n---\n{BODY}"
    with pytest.raises(RunbookError) as raised:
        parse_runbook(RunbookFile(path="team/t.md", text=text), TOOLS)
    return list(raised.value.problems)


def only(extra: str) -> Problem:
    found = problems(extra)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("extra", "line", "field", "detail"),
    [
        ("facts:\n  s: 'job.status ||'", 9, "facts.s.query", "invalid JMESPath expression"),
        ("facts:\n  s: [job.status, 'job.(']", 9, "facts.s.query", "invalid JMESPath expression 'job.('"),
        ("facts:\n  s: 'task.status'", 9, "facts.s", "reads 'task', which is no evidence step"),
        ("facts:\n  s: 'log_rows.rows'\n  t: 'log-rows.rows'", 10, "facts.t.query", "invalid JMESPath"),
        ("facts:\n  fields: job.status", 9, "facts.fields", "reserved"),
        ("facts:\n  s: {query: job.status, lable: x}", 9, "facts.s.lable", "unknown key; allowed: label, query"),
        ("facts: {s: job.status}\nverdicts:\n  - {when: 'x == `1`', decision: close, cause: c, step: 1}",
         10, "verdicts.0.when", "names 'x', which is no fact or extracted field"),
        ("facts: {s: job.status}\nverdicts:\n  - {when: 's == `1`', decision: close, cause: 'c {y}', step: 1}",
         10, "verdicts.0.cause", "{y} is no fact or extracted field"),
        ("facts: {s: job.status}\nverdicts:\n  - {when: 's == `1`', decision: close, cause: c, step: 7}",
         10, "verdicts.0.step", "step 7 is not in the procedure (steps: 1, 2)"),
        ("facts: {s: job.status}\nverdicts:\n  - {when: 's ==', decision: close, cause: c, step: 1}",
         10, "verdicts.0.when", "invalid JMESPath expression"),
        ("facts: {s: job.status}\nverdicts:\n  - {when: 's == `1`', decision: reboot, cause: c, step: 1}",
         10, "verdicts.0.decision", "'close', 'monitor', 'escalate' or 'act'"),
        ("facts: {s: job.status}\nverdicts:\n  - {when: 's', decision: close, cause: c, step: 1}\n"
         "examples:\n  - {name: e, steps: {nojob: {}}, expect: {decision: close}}",
         12, "examples.0.steps.nojob", "'nojob' is no evidence step"),
    ],
)
def test_decision_problems_name_file_line_and_field(extra: str, line: int, field: str, detail: str) -> None:
    problem = only(extra)

    assert (problem.path, problem.line, problem.field) == ("team/t.md", line, field), problem
    assert detail in problem.message
    assert str(problem).startswith(f"team/t.md:{line}: {field}: ")


def test_a_step_written_with_underscores_and_fields_and_alert_are_readable() -> None:
    extra = """
facts:
  rows: 'length(log_rows.rows)'
  job: fields.job_id
  when: alert.time
verdicts:
  - {when: 'rows >= `1` && job_id != null', decision: escalate, cause: 'job {job_id}: {rows} rows', step: 2}
"""
    text = f"---\n{BASE}{extra.strip()}\n---\n{BODY}"

    runbook = parse_runbook(RunbookFile(path="team/t.md", text=text), TOOLS)

    assert [case.step for case in runbook.verdicts] == ["2"]
