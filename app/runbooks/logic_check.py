"""Cross-checks of a runbook's decision part: facts name existing steps, cases name existing facts, steps exist."""

from __future__ import annotations

from collections.abc import Iterator

from app.runbooks.expressions import roots
from app.runbooks.logic import RESERVED_NAMES
from app.runbooks.model import PLACEHOLDER, Runbook
from app.runbooks.verdict import procedure_steps, step_key

Loc = tuple[str | int, ...]
LogicProblem = tuple[str, Loc]
"""A message and the front-matter path it is about."""


def logic_problems(runbook: Runbook) -> list[LogicProblem]:
    """Everything wrong with the facts, verdicts and examples that the schema alone cannot see."""
    return [*_fact_problems(runbook), *_case_problems(runbook), *_example_problems(runbook)]


def _fact_problems(runbook: Runbook) -> Iterator[LogicProblem]:
    steps = {step_key(step.id) for step in runbook.evidence}
    known = ", ".join(sorted(step.id for step in runbook.evidence)) or "none"
    for name, spec in runbook.facts.items():
        if name in RESERVED_NAMES:
            yield f"{name!r} is reserved; name the fact otherwise", ("facts", name)
        read = set().union(*(roots(query) for query in spec.queries()))
        for root in sorted(read - steps - {"fields", "alert"}):
            yield (
                f"reads {root!r}, which is no evidence step (steps: {known}; also fields.NAME and alert.FIELD;"
                " write a step id with '-' as '_')",
                ("facts", name),
            )


def _case_problems(runbook: Runbook) -> Iterator[LogicProblem]:
    names = set(runbook.facts) | set(runbook.extract)
    known = ", ".join(sorted(names)) or "none"
    steps = procedure_steps(runbook)
    for index, case in enumerate(runbook.verdicts):
        for root in sorted(roots(case.when) - names):
            yield f"names {root!r}, which is no fact or extracted field (known: {known})", ("verdicts", index, "when")
        for name in sorted(set(PLACEHOLDER.findall(case.cause)) - names):
            yield f"{{{name}}} is no fact or extracted field (known: {known})", ("verdicts", index, "cause")
        if case.step not in steps:
            listed = ", ".join(steps) or "none: the body has no numbered '## Procedure' steps"
            yield f"step {case.step} is not in the procedure (steps: {listed})", ("verdicts", index, "step")


def _example_problems(runbook: Runbook) -> Iterator[LogicProblem]:
    steps = {step.id for step in runbook.evidence}
    procedure = procedure_steps(runbook)
    if runbook.examples and not runbook.verdicts:
        yield "examples need verdicts to test", ("examples",)
    for index, example in enumerate(runbook.examples):
        for step_id in sorted(set(example.steps) - steps):
            yield f"{step_id!r} is no evidence step of this runbook", ("examples", index, "steps", step_id)
        for name in sorted(set(example.fields) - set(runbook.extract)):
            yield f"{name!r} is no extract field of this runbook", ("examples", index, "fields", name)
        step = example.expect.step
        if step is not None and step not in procedure:
            yield f"step {step} is not in the procedure", ("examples", index, "expect", "step")
        declared = {action.id for action in runbook.actions} | {"none"}
        if example.expect.propose is not None and example.expect.propose not in declared:
            yield f"{example.expect.propose!r} is no action of this runbook (or 'none')", ("examples", index,
                                                                                          "expect", "propose")
