"""The worker pipeline's budgets: a model that never stops is ended by turns, tokens or the wall clock."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline_support import LOOP_SCRIPT, all_text, make_deps, post_alert, reply_of, scripted
from strands import tool

from app.agent.budget import Budget
from app.fakes.slack_api import FakeSlackAPI
from app.runbooks.catalog import Catalog
from app.storage.triage import SQLiteTriageStore
from app.worker.pipeline import investigate
from tools.registry import ToolRegistry
from tools.runbooks import runbook_tools


def test_endless_script_is_stopped_by_the_turn_limit(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore
) -> None:
    deps = make_deps(fake, store, model=scripted(tmp_path, LOOP_SCRIPT), budget=Budget(max_turns=3))
    job = post_alert(fake)

    record = investigate(job, deps)

    assert record.mode == "model"
    assert record.usage.stop_reason == "limit_turns"
    assert record.usage.turns == 3
    assert record.model_note == "stopped at the turn limit"
    assert record.report is not None
    assert record.report.title == "Investigation incomplete"
    assert record.report.decision == "unknown"
    assert ":warning: stopped at the turn limit" in all_text(reply_of(fake, job)["blocks"])
    stored = store.get(record.id)
    assert stored is not None
    assert stored.usage.stop_reason == "limit_turns"


def test_endless_script_is_stopped_by_the_token_budget(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore
) -> None:
    budget = Budget(max_turns=50, max_total_tokens=1000)
    deps = make_deps(fake, store, model=scripted(tmp_path, LOOP_SCRIPT), budget=budget)

    record = investigate(post_alert(fake), deps)

    assert record.usage.stop_reason == "limit_total_tokens"
    assert record.usage.turns < 50
    assert record.usage.total_tokens >= 1000
    assert record.model_note == "stopped at the token budget"
    assert record.report is not None
    assert record.report.title == "Investigation incomplete"


@tool
def slow_probe(target: str) -> str:
    """Wait a little, then report on the target.

    Args:
        target: What to probe.
    """
    time.sleep(0.3)
    return f"probed {target}"


def with_slow_probe(catalog: Catalog) -> ToolRegistry:
    return ToolRegistry([*runbook_tools(catalog), slow_probe])


def test_endless_script_is_stopped_by_the_wall_clock(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore
) -> None:
    script = {"turns": [{"tool_calls": [{"name": "slow_probe", "input": {"target": "db"}}]}], "repeat_last": True}
    budget = Budget(max_turns=1000, max_total_tokens=10_000_000, timeout_seconds=0.5)
    deps = make_deps(fake, store, model=scripted(tmp_path, script), tools=with_slow_probe, budget=budget)

    record = investigate(post_alert(fake), deps)

    assert record.usage.stop_reason == "cancelled"
    assert record.model_note == "stopped at the wall-clock limit"
    assert record.usage.turns < 1000
    assert record.tool_calls
    assert {(call.tool, call.status) for call in record.tool_calls} == {("slow_probe", "success")}
    assert record.report is not None
    assert record.report.title == "Investigation incomplete"
