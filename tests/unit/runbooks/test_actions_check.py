"""`runbooks check` on actions: the call, its templates, approvers, verification — with file, line and field."""

from __future__ import annotations

import pytest

from app.runbooks.parse import Problem, RunbookError, parse_runbook
from app.runbooks.source import RunbookFile

TOOLS = frozenset({"jobs_get_job"})
BASE = r"""id: t-1
title: T
extract: {job_id: 'job (\d+)'}
evidence:
  - {id: job, tool: jobs_get_job, args: {job_id: '{job_id}'}}
facts: {status: job.status}
verdicts:
  - {when: "status == 'failed'", decision: act, cause: c, step: 1}
actions:
  - id: retry
    title: Retry
"""
GOOD = {
    "tool": "    tool: jobs_retry_job\n",
    "args": "    args: {job_id: '{job_id}'}\n",
    "approvers": "    approvers: {users: [U1]}\n",
    "risk": "    risk: runs again\n",
    "verify": "    verify: {after: 10s, steps: [{id: again, tool: jobs_get_job, args: {job_id: '{job_id}'}}],"
              " expect: \"again.status == 'running'\"}\n",
}


def problems(**changes: str) -> list[Problem]:
    parts = {**GOOD, **changes}
    text = f"---\n{BASE}{''.join(parts.values())}---\n# T\n## Procedure\n1. Retry.\n"
    with pytest.raises(RunbookError) as raised:
        parse_runbook(RunbookFile(path="t.md", text=text), TOOLS)
    return list(raised.value.problems)


@pytest.mark.parametrize(
    ("changes", "field", "detail"),
    [
        ({"tool": "    tool: jobs_get_job\n"}, "actions.0.tool", "is a read tool"),
        ({"args": "    args: {job_id: '{jobid}'}\n"}, "actions.0.args.job_id", "{jobid} is no fact or extracted field"),
        ({"approvers": "    approvers: {users: []}\n"}, "actions.0.approvers", "at least one approving user"),
        ({"verify": GOOD["verify"].replace("again.status", "other.status")}, "actions.0.verify.expect",
         "reads 'other', which is no verification step"),
        ({"verify": GOOD["verify"].replace("10s", "soon")}, "actions.0.verify.after", "is not a duration"),
        ({"tool": "    tool: aws_write\n", "args": "    args: {service: ecs}\n"}, "actions.0.args",
         "aws_write needs args service and operation"),
    ],
)
def test_action_problems_name_the_field(changes: dict[str, str], field: str, detail: str) -> None:
    found = problems(**changes)

    assert [(problem.field, detail in problem.message) for problem in found] == [(field, True)], found
    assert found[0].line is not None and found[0].line >= 10


def test_a_valid_action_parses() -> None:
    text = f"---\n{BASE}{''.join(GOOD.values())}---\n# T\n## Procedure\n1. Retry.\n"

    runbook = parse_runbook(RunbookFile(path="t.md", text=text), TOOLS)

    assert runbook.actions[0].proposes("act", 0) and not runbook.actions[0].proposes("close", 0)
