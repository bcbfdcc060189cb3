"""ToolGuard: deny by default, argument checks, and what it does inside a real agent loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from strands import Agent, tool

from app.agent.guard import ToolGuard
from app.agent.scripted import ScriptedModel
from tools.redact import redact


def no_wildcards(name: str, args: dict[str, Any]) -> str | None:
    return f"{name}: a wildcard query reads everything" if "*" in str(args.get("query", "")) else None


@pytest.fixture
def guard() -> ToolGuard:
    return ToolGuard(allowed=frozenset({"search_logs", "read_runbook"}), checks={"search_logs": no_wildcards})


def test_allowed_tool_with_good_arguments_passes(guard: ToolGuard) -> None:
    assert guard.refusal("search_logs", {"query": "started_at"}) is None
    assert guard.refusal("read_runbook", {"runbook_id": "*"}) is None  # no check for this tool


@pytest.mark.parametrize("name", ["use_aws", "delete_job", "", "SEARCH_LOGS"])
def test_tools_off_the_allowlist_are_refused(guard: ToolGuard, name: str) -> None:
    assert guard.refusal(name, {"query": "x"}) == f"tool {name!r} is not on the allowlist"


def test_argument_check_refuses_bad_arguments(guard: ToolGuard) -> None:
    assert guard.refusal("search_logs", {"query": "*"}) == "search_logs: a wildcard query reads everything"


def test_empty_allowlist_refuses_everything() -> None:
    assert ToolGuard(allowed=frozenset()).refusal("read_runbook", {}) == "tool 'read_runbook' is not on the allowlist"


def test_guard_in_an_agent_blocks_calls_and_cleans_results(tmp_path: Path) -> None:
    executed: list[str] = []

    @tool
    def search_logs(query: str) -> str:
        """Search logs.

        Args:
            query: What to look for.
        """
        executed.append(query)
        return f"{query}: deploy used key AKIAABCDEFGHIJKLMNOP"

    @tool
    def delete_logs(query: str) -> str:
        """Delete logs.

        Args:
            query: What to delete.
        """
        executed.append(f"DELETED {query}")
        return "deleted"

    script = {
        "turns": [
            {
                "tool_calls": [
                    {"name": "search_logs", "input": {"query": "oom"}},
                    {"name": "search_logs", "input": {"query": "*"}},
                    {"name": "delete_logs", "input": {"query": "all"}},
                ]
            },
            {"text": "done"},
        ]
    }
    path = tmp_path / "script.yaml"
    path.write_text(yaml.safe_dump(script), encoding="utf-8")
    guard = ToolGuard(allowed=frozenset({"search_logs"}), clean=redact, checks={"search_logs": no_wildcards})
    agent = Agent(
        model=ScriptedModel.from_file(path), tools=[search_logs, delete_logs], hooks=[guard], callback_handler=None
    )

    agent("look")

    assert executed == ["oom"]
    assert sorted((call.tool, call.input["query"]) for call in guard.blocked) == [
        ("delete_logs", "all"),
        ("search_logs", "*"),
    ]
    assert [(call.tool, call.status) for call in guard.calls] == [("search_logs", "success")]
    results = [block["toolResult"] for msg in agent.messages for block in msg["content"] if "toolResult" in block]
    texts = sorted(result["content"][0]["text"] for result in results)
    assert "oom: deploy used key [REDACTED]" in texts
    assert guard.calls[0].result_chars == len("oom: deploy used key [REDACTED]")
    assert sum("Blocked by policy" in text for text in texts) == 2
