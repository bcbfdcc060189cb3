"""Every scenario in evals/scenarios passes: without a model, and with its own script where it has one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.evals import harness
from app.evals.cli import _world
from app.evals.scenario import Scenario, load_scenarios

ROOT = Path(__file__).resolve().parents[2] / "evals" / "scenarios"
SCENARIOS = load_scenarios(ROOT)
SCRIPTED = [scenario for scenario in SCENARIOS if scenario.model_script]


def _failure(result: harness.ScenarioResult) -> str:
    if result.error:
        return f"{result.name} could not run: {result.error}"
    failed = [f"{check.name}: {check.detail}" for check in result.checks if check.status == "fail"]
    return f"{result.name} failed: " + "; ".join(failed)


def _run(scenario: Scenario, model: str | None) -> harness.ScenarioResult:
    [result] = harness.evaluate([scenario], Settings(), _world, model=model)
    return result


def test_the_catalog_is_broad_enough() -> None:
    assert len(SCENARIOS) >= 22
    assert len(SCRIPTED) * 2 >= len(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario_passes_without_a_model(scenario: Scenario, aws_env: None) -> None:
    result = _run(scenario, "none")
    assert result.passed, _failure(result)
    assert result.mode == "evidence-only"


@pytest.mark.parametrize("scenario", SCRIPTED, ids=lambda s: s.name)
def test_scenario_passes_with_its_script(scenario: Scenario, aws_env: None) -> None:
    result = _run(scenario, None)
    assert result.passed, _failure(result)
    assert result.mode == "model"
    checks = {check.name: check.status for check in result.checks}
    assert checks["report_facts"] == "pass", result.checks
