"""``aiops eval``: load scenarios, run them in fresh worlds of fakes, print the scores."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from strands.models import Model

from app.agent.models import ModelConfigError, model_from_spec
from app.config import Settings
from app.evals import harness
from app.evals.runner import ScenarioRunError
from app.evals.scenario import Scenario, ScenarioError, load_scenarios
from app.fakes.world import WorldError, scenario_world


def run_eval(
    root: Path,
    settings: Settings,
    *,
    model: str | None = None,
    judge: str | None = None,
    only: str | None = None,
    as_json: bool = False,
    out: TextIO | None = None,
) -> int:
    """Run the scenarios under ``root``; 0 when all pass, 1 when any fails, 2 when they cannot be loaded."""
    out = out or sys.stdout
    try:
        scenarios = load_scenarios(root, only)
        judge_model = _judge(judge, settings)
    except (ScenarioError, ModelConfigError) as exc:
        print(f"aiops eval: {exc}", file=sys.stderr)
        return 2
    results = harness.evaluate(scenarios, settings, _world, model=model, judge=judge_model)
    print(harness.as_json(results) if as_json else harness.table(results), file=out)
    return 0 if all(result.passed for result in results) else 1


@contextmanager
def _world(scenario: Scenario, settings: Settings) -> Iterator[Settings]:
    try:
        with scenario_world(scenario.folder, settings, down=scenario.down) as world_settings:
            yield world_settings
    except WorldError as exc:
        raise ScenarioRunError(f"a fixture could not be loaded: {exc}") from exc


def _judge(spec: str | None, settings: Settings) -> Callable[[], Model] | None:
    if not spec:
        return None
    if model_from_spec(spec, settings) is None:  # fail before any scenario runs on a bad spec
        raise ModelConfigError(f"--judge {spec}: the judge needs a model")

    def build() -> Model:
        model = model_from_spec(spec, settings)
        assert model is not None  # noqa: S101 - checked above for the same spec
        return model

    return build
