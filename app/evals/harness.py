"""Run scenarios and summarise their scores as a table or as JSON."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from strands.models import Model

from app.config import Settings
from app.evals.judge import judge_report
from app.evals.runner import RunOutcome, ScenarioRunError, World, run_scenario
from app.evals.scenario import Scenario
from app.evals.scoring import Check, score

CHECK_NAMES = (
    "runbook", "evidence_facts", "report_facts", "forbidden_tools", "prompt_tokens", "decision", "verdict_facts",
    "judge",
)


@dataclass
class ScenarioResult:
    """The scores of one scenario."""

    name: str
    checks: list[Check] = field(default_factory=list)
    mode: str = ""
    tokens: int = 0
    seconds: float = 0.0
    error: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    """The matched runbook, the report, the runbook's verdict and the reply as Slack shows it."""

    @property
    def passed(self) -> bool:
        """No check failed and the scenario ran."""
        return not self.error and all(check.status != "fail" for check in self.checks)


def evaluate(
    scenarios: Sequence[Scenario],
    settings: Settings,
    world: World,
    *,
    model: str | None = None,
    judge: Callable[[], Model] | None = None,
) -> list[ScenarioResult]:
    """Run and score every scenario; one that cannot run is a failed result, not an exception."""
    return [_evaluate_one(scenario, settings, world, model, judge) for scenario in scenarios]


def _evaluate_one(
    scenario: Scenario, settings: Settings, world: World, model: str | None, judge: Callable[[], Model] | None
) -> ScenarioResult:
    started = time.perf_counter()
    result = ScenarioResult(scenario.name)
    try:
        outcome = run_scenario(scenario, settings, world, model)
    except ScenarioRunError as exc:
        result.error = str(exc)
    else:
        result.checks = score(scenario.expect, outcome)
        result.mode = outcome.record.mode
        result.tokens = outcome.record.usage.total_tokens
        result.details = run_details(outcome)
        if judge is not None:
            result.checks.append(_judged(judge, scenario, outcome))
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def run_details(outcome: RunOutcome) -> dict[str, Any]:
    """What a reader of ``--json`` wants of a run: runbook, report, verdict, reply text, prompt size."""
    record = outcome.record
    report = record.report.model_dump(mode="json") if record.report else None
    verdict = record.verdict.model_dump(mode="json") if record.verdict else None
    return {"runbook": record.runbook_id or None, "report": report, "verdict": verdict, "reply": outcome.reply,
            "usage": record.usage.model_dump(mode="json")}


def _judged(judge: Callable[[], Model], scenario: Scenario, outcome: RunOutcome) -> Check:
    if outcome.record.mode != "model":
        return Check("judge", "skip", "no model ran")
    return judge_report(judge(), outcome.reply, scenario.expect.report_facts)


def table(results: Sequence[ScenarioResult]) -> str:
    """A fixed-width score table, one row per scenario, then the failures with their reasons and a summary."""
    marks = {"pass": "✓", "fail": "✗", "skip": "·"}
    width = max([len("scenario"), *(len(r.name) for r in results)])
    header = (
        f"{'scenario':<{width}}  " + "  ".join(f"{n[:8]:<8}" for n in CHECK_NAMES) + "  mode           tokens  result"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        by_name = {check.name: check.status for check in result.checks}
        cells = "  ".join(f"{marks.get(by_name.get(n, ''), ' '):<8}" for n in CHECK_NAMES)
        verdict = "PASS" if result.passed else "FAIL"
        lines.append(f"{result.name:<{width}}  {cells}  {result.mode or '-':<13}  {result.tokens:>6}  {verdict}")
    lines += _failures(results)
    passed = sum(result.passed for result in results)
    lines.append(f"\n{passed}/{len(results)} scenarios passed ({marks['pass']} pass, {marks['fail']} fail, · n/a)")
    return "\n".join(lines)


def as_json(results: Sequence[ScenarioResult]) -> str:
    """The results for machines."""
    view = {
        "passed": sum(result.passed for result in results),
        "total": len(results),
        "scenarios": [
            {
                "name": r.name,
                "passed": r.passed,
                "error": r.error,
                "mode": r.mode,
                "tokens": r.tokens,
                "seconds": r.seconds,
                "checks": [{"name": c.name, "status": c.status, "detail": c.detail} for c in r.checks],
                **r.details,
            }
            for r in results
        ],
    }
    return json.dumps(view, indent=2, ensure_ascii=False)


def _failures(results: Sequence[ScenarioResult]) -> list[str]:
    lines: list[str] = []
    for result in results:
        if result.error:
            lines.append(f"  {result.name}: could not run: {result.error}")
        lines += [f"  {result.name}: {c.name} failed: {c.detail}" for c in result.checks if c.status == "fail"]
    return ["", "Failures:", *lines] if lines else []
