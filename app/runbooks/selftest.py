"""Runbook self-tests: each example's step data through the verdict, compared with what it expects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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
        if expect.propose is not None:
            proposed = next((a.id for a in runbook.actions if a.proposes(verdict.decision.value, verdict.case)), "none")
            if verdict.case is None:
                proposed = "none"
            if proposed != expect.propose:
                problems.append(f"proposes {proposed}, expected {expect.propose}")
        outcome.results.append(ExampleResult(runbook.id, example.name, verdict, tuple(problems)))
    outcome.uncovered = [index for index in range(len(runbook.verdicts)) if index not in reached]
    return outcome


def test_catalog(runbooks: Iterable[Runbook]) -> list[RunbookTests]:
    """The self-tests of every runbook, in catalog order."""
    return [test_runbook(runbook) for runbook in runbooks]


def selftest_view(tests: list[RunbookTests]) -> dict[str, Any]:
    """The results as JSON: per runbook, each example's outcome and the cases no example reaches."""
    return {
        "passed": all(item.passed for item in tests),
        "runbooks": [
            {
                "id": item.runbook.id,
                "path": item.runbook.path,
                "examples": [
                    {"name": r.name, "passed": r.passed, "decision": r.verdict.decision.value, "step": r.verdict.step,
                     "cause": r.verdict.cause, "problems": list(r.problems)}
                    for r in item.results
                ],
                "uncovered_cases": item.uncovered,
            }
            for item in tests
        ],
    }


def selftest_lines(tests: list[RunbookTests]) -> list[str]:
    """The results as lines: failures in full, each runbook's count, and its cases without an example."""
    lines: list[str] = []
    for item in tests:
        if not item.runbook.verdicts:
            lines.append(f"{item.runbook.id}: no verdicts")
            continue
        passed = sum(result.passed for result in item.results)
        lines.append(f"{item.runbook.id}: {passed}/{len(item.results)} examples passed")
        for result in item.results:
            if not result.passed:
                lines.append(f"  FAIL {result.name}: {'; '.join(result.problems)}")
        for index in item.uncovered:
            case = item.runbook.verdicts[index]
            lines.append(f"  no example reaches case {index} ({case.decision}, step {case.step}): {case.when}")
    return lines
