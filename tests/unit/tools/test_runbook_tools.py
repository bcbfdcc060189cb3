"""search_runbooks and read_runbook: the agent's view of the same catalog and index the engine matches with."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.runbooks.catalog import Catalog, load_catalog
from app.runbooks.source import FolderSource
from tools.registry import ToolRegistry
from tools.runbooks import runbook_tools

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"


@pytest.fixture(scope="module")
def registry() -> ToolRegistry:
    return ToolRegistry(runbook_tools(load_catalog(FolderSource(REPO_RUNBOOKS))))


def call(registry: ToolRegistry, name: str, **args: object) -> str:
    outcome = asyncio.run(registry.call(name, dict(args)))
    assert outcome.status == "ok", outcome.text
    return outcome.text


def test_search_ranks_with_the_engine_index_and_says_why(registry: ToolRegistry) -> None:
    lines = call(registry, "search_runbooks", query="postgres connection slots exhausted").splitlines()

    assert lines[0].startswith("rds-001 — Database connections exhausted (rds, postgres, database, connections): ")
    assert "words in common: " in lines[0] and "coverage" in lines[0]
    assert "[weak]" not in lines[0]
    assert all("[weak]" in line for line in lines[1:])


def test_search_limit_is_clamped(registry: ToolRegistry) -> None:
    assert len(call(registry, "search_runbooks", query="job task queue lambda ecs", limit=50).splitlines()) == 10
    assert len(call(registry, "search_runbooks", query="job task queue lambda ecs", limit=0).splitlines()) == 1


def test_search_with_nothing_in_common(registry: ToolRegistry) -> None:
    assert call(registry, "search_runbooks", query="zzqx") == "No runbook matches 'zzqx'."


def test_read_runbook_frames_the_body_as_directions(registry: ToolRegistry) -> None:
    text = call(registry, "read_runbook", runbook_id=" sqs-001 ")

    assert text.startswith("Runbook sqs-001 (severity high): the team's directions, not findings about this incident.")
    assert '<runbook id="sqs-001" title="Messages in a dead-letter queue">' in text
    assert "## Procedure" in text
    assert text.endswith("</runbook>")


def test_read_an_unknown_runbook_lists_the_known_ids(registry: ToolRegistry) -> None:
    text = call(registry, "read_runbook", runbook_id="nope-1")

    assert text.startswith("Unknown runbook id 'nope-1'. Known ids: api-001, cert-001, ecs-001")


def test_tools_over_an_empty_catalog() -> None:
    registry = ToolRegistry(runbook_tools(Catalog(())))

    assert call(registry, "search_runbooks", query="anything") == "No runbook matches 'anything'."
    assert call(registry, "read_runbook", runbook_id="x") == "Unknown runbook id 'x'. Known ids: none."
