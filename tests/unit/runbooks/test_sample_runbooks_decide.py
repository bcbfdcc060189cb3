"""Every sample runbook decides: verdict cases, each reached by a passing example, and unknown when data is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.fakes.jobs_api import SAMPLE_SPEC
from app.runbooks.catalog import Catalog, load_catalog
from app.runbooks.expressions import roots
from app.runbooks.model import PLACEHOLDER, Runbook
from app.runbooks.selftest import test_runbook as run_examples
from app.runbooks.source import FolderSource
from app.runbooks.verdict import StepData, decide
from app.worker.handler import tool_names

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
# the sample catalog's steps and probes name the sample jobs API's tools: check it against that spec
CATALOG: Catalog = load_catalog(FolderSource(REPO_RUNBOOKS), tool_names(Settings(jobs_api_spec=str(SAMPLE_SPEC))))
RUNBOOKS = sorted(CATALOG.runbooks, key=lambda runbook: runbook.id)


def test_the_whole_sample_catalog_loads() -> None:
    assert CATALOG.problems == ()
    assert len(RUNBOOKS) >= 13


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda runbook: runbook.id)
def test_runbook_has_verdicts_and_facts(runbook: Runbook) -> None:
    assert runbook.verdicts, f"{runbook.path} has no verdict cases"
    assert runbook.facts, f"{runbook.path} has no facts"
    assert {case.decision for case in runbook.verdicts} <= {"close", "monitor", "escalate", "act"}


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda runbook: runbook.id)
def test_every_case_is_reached_by_a_passing_example(runbook: Runbook) -> None:
    outcome = run_examples(runbook)
    failed = [f"{result.name}: {'; '.join(result.problems)}" for result in outcome.results if not result.passed]
    assert failed == []
    assert outcome.uncovered == [], f"cases without an example: {outcome.uncovered}"


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda runbook: runbook.id)
def test_some_example_shows_missing_data_gives_unknown(runbook: Runbook) -> None:
    unknown = [example for example in runbook.examples if example.expect.decision == "unknown"]
    assert unknown, f"{runbook.id} has no example where missing data leaves the decision unknown"


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda runbook: runbook.id)
def test_every_cause_names_the_deciding_values(runbook: Runbook) -> None:
    bare = [index for index, case in enumerate(runbook.verdicts) if not PLACEHOLDER.search(case.cause)]
    assert bare == [], f"causes without a fact or field: cases {bare}"


@pytest.mark.parametrize("runbook", RUNBOOKS, ids=lambda runbook: runbook.id)
def test_no_case_holds_when_every_step_failed(runbook: Runbook) -> None:
    failed = {step.id: StepData(missing="failed (unreachable)") for step in runbook.evidence}
    for example in runbook.examples:
        verdict = decide(runbook, failed, example.fields, example.alert)
        assert verdict.decision.value == "unknown", (example.name, verdict.cause)
        assert set(verdict.unknown) == set(runbook.facts) - _facts_without_steps(runbook)


def _facts_without_steps(runbook: Runbook) -> set[str]:
    """Facts read only from the alert's fields (no step), which stay known when every step fails."""
    steps = {step.id.replace("-", "_") for step in runbook.evidence}
    return {name for name, spec in runbook.facts.items() if not _reads(spec.query, steps)}


def _reads(query: str | tuple[str, ...], steps: set[str]) -> bool:
    queries = (query,) if isinstance(query, str) else query
    return any(roots(item) & steps for item in queries)
