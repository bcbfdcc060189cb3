"""Catalog integrity: every runbook in runbooks/ validates, is complete, and its own sample alert ranks it first."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.config import Settings
from app.fakes.jobs_api import SAMPLE_SPEC
from app.models import Alert
from app.runbooks.catalog import Catalog, extract_fields, load_catalog
from app.runbooks.model import PLACEHOLDER, Runbook
from app.runbooks.source import FolderSource
from app.worker.evidence import render_args
from app.worker.handler import tool_names
from app.worker.report import runbook_section

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
REPO_FILES = sorted(
    path.relative_to(REPO_RUNBOOKS).as_posix() for path in REPO_RUNBOOKS.rglob("*.md") if path.name != "README.md"
)
SECTIONS = ("Background", "Flowchart", "Procedure", "Sample alert", "Sample error log")
ALERT_TIME = datetime(2026, 11, 20, 3, 12, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FolderSource(REPO_RUNBOOKS), tool_names(Settings(jobs_api_spec=str(SAMPLE_SPEC))))


def runbook_at(catalog: Catalog, path: str) -> Runbook:
    return next(runbook for runbook in catalog.runbooks if runbook.path == path)


def test_every_file_validates_against_the_worker_tool_names(catalog: Catalog) -> None:
    assert [str(problem) for problem in catalog.problems] == []
    assert sorted(runbook.path for runbook in catalog.runbooks) == REPO_FILES
    assert len(catalog.runbooks) >= 12


@pytest.mark.parametrize("path", REPO_FILES)
def test_file_name_starts_with_the_id(catalog: Catalog, path: str) -> None:
    runbook = runbook_at(catalog, path)

    assert path.rsplit("/", 1)[-1].startswith(f"{runbook.id}-")


@pytest.mark.parametrize("path", REPO_FILES)
def test_body_has_every_section_and_a_mermaid_flowchart(catalog: Catalog, path: str) -> None:
    runbook = runbook_at(catalog, path)

    assert [name for name in SECTIONS if not runbook_section(runbook, name)] == []
    assert re.search(r"```mermaid\s*\n\s*flowchart (TD|LR)", runbook_section(runbook, "Flowchart"))


@pytest.mark.parametrize("path", REPO_FILES)
def test_own_sample_alert_is_matched_by_a_rule_and_ranks_first(catalog: Catalog, path: str) -> None:
    runbook = runbook_at(catalog, path)
    sample = Alert(text=runbook_section(runbook, "Sample alert"))

    ranked = catalog.rank(sample)

    assert ranked[0].runbook.id == runbook.id
    assert ranked[0].kind == "rule"
    assert catalog.match(sample) == ranked[0]
    assert catalog.search(sample.text, limit=1)[0].runbook.id == runbook.id  # the lexical ranking agrees


@pytest.mark.parametrize("path", REPO_FILES)
def test_own_sample_alert_provides_every_field_its_steps_use(catalog: Catalog, path: str) -> None:
    runbook = runbook_at(catalog, path)
    sample = Alert(text=runbook_section(runbook, "Sample alert"))
    fields = extract_fields(runbook, sample)

    needed = {name for step in runbook.evidence for _, name in step.placeholders()}
    assert needed - set(fields) == set()
    for step in runbook.evidence:
        rendered = render_args(step.args, fields, ALERT_TIME)
        assert PLACEHOLDER.search(str(rendered)) is None, (step.id, rendered)


@pytest.mark.parametrize("path", REPO_FILES)
def test_collects_evidence_with_investigation_tools(catalog: Catalog, path: str) -> None:
    runbook = runbook_at(catalog, path)

    assert len(runbook.evidence) >= 2
    assert {step.tool for step in runbook.evidence} - {"search_runbooks", "read_runbook"}
