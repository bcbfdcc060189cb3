"""Runbook self-tests: each example's step data through the verdict, compared with what it expects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.models import Verdict
from app.runbooks.model import Runbook
from app.runbooks.verdict import StepData, decide


@dataclass(frozen=True)
class ExampleResult:
    """One example's outcome: passed, or what differed."""

    runbook: str
    name: str
    verdict: Verdict
    problems: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """Whether the verdict is the expected one."""
        return not self.problems


@dataclass
class RunbookTests:
    """A runbook's examples and the verdict cases no example reaches."""

    runbook: Runbook
    results: list[ExampleResult] = field(default_factory=list)
    uncovered: list[int] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every example passed."""
        return all(result.passed for result in self.results)


def test_runbook(runbook: Runbook) -> RunbookTests:
    """Run every example of ``runbook``."""
    outcome = RunbookTests(runbook)
    reached: set[int] = set()
    for example in runbook.examples:
        steps = {step_id: StepData(data=data) for step_id, data in example.steps.items()}
        verdict = decide(runbook, steps, example.fields, {})
        if verdict.case is not None:
            reached.add(verdict.case)
        problems = []
        expect = example.expect
        if verdict.decision.value != expect.decision:
            problems.append(f"decision is {verdict.decision.value}, expected {expect.decision}")
        if expect.step is not None and verdict.step != expect.step:
            problems.append(f"step is {verdict.step or 'none'}, expected {expect.step}")
        if expect.cause is not None and expect.cause.lower() not in verdict.cause.lower():
            problems.append(f"cause {verdict.cause!r} does not contain {expect.cause!r}")
        outcome.results.append(ExampleResult(runbook.id, example.name, verdict, tuple(problems)))
    outcome.uncovered = [index for index in range(len(runbook.verdicts)) if index not in reached]
    return outcome


def test_catalog(runbooks: Iterable[Runbook]) -> list[RunbookTests]:
    """The self-tests of every runbook, in catalog order."""
    return [test_runbook(runbook) for runbook in runbooks]
