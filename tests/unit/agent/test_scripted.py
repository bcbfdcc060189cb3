"""ScriptedModel: loading scripts, and replaying them through the real Strands agent loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from strands import Agent, tool

from app.agent.scripted import ScriptedModel, ScriptError
from app.models import TriageReport

REPORT = {
    "title": "Disk full on runner-7",
    "cause": "Build cache grew past the volume.",
    "findings": [{"statement": "volume 97% used", "evidence": "df: /var 97%"}],
    "recommended_action": "Prune the cache.",
    "decision": "act",
    "confidence": "medium",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def script_file(tmp_path: Path, script: dict[str, Any]) -> Path:
    return write(tmp_path, yaml.safe_dump(script))


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("turns: [\n  - text: 'unclosed", "while parsing"),
        ("repeat_last: true\n", "turns"),
        ("- just\n- a list\n", "bad model script"),
        ("turns:\n  - tool_calls: [{input: {q: 1}}]\n", "name"),
        ("turns:\n  - text: [1, 2]\n", "text"),
    ],
)
def test_from_file_rejects_malformed_scripts(tmp_path: Path, text: str, detail: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(ScriptError) as raised:
        ScriptedModel.from_file(path)

    assert str(raised.value).startswith(f"bad model script {path}")
    assert detail in str(raised.value)


def test_from_file_rejects_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="bad model script .*nothing.yaml"):
        ScriptedModel.from_file(tmp_path / "nothing.yaml")


def test_from_file_rejects_an_empty_turn_list(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="at least one turn"):
        ScriptedModel.from_file(write(tmp_path, "turns: []\n"))


def test_from_file_names_the_model_after_the_file(tmp_path: Path) -> None:
    model = ScriptedModel.from_file(script_file(tmp_path, {"turns": [{"text": "hi"}]}))

    assert model.get_config() == {"model_id": "scripted:script.yaml"}


def test_script_drives_tool_calls_and_the_final_text(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    @tool
    def lookup(key: str, limit: int = 1) -> str:
        """Look a key up.

        Args:
            key: The key.
            limit: How many.
        """
        seen.append({"key": key, "limit": limit})
        return f"{key}=found"

    script = {
        "turns": [
            {
                "tool_calls": [
                    {"name": "lookup", "input": {"key": "a", "limit": 2}},
                    {"name": "lookup", "input": {"key": "b"}},
                ]
            },
            {"text": "all found"},
        ]
    }
    agent = Agent(model=ScriptedModel.from_file(script_file(tmp_path, script)), tools=[lookup], callback_handler=None)

    result = agent("find a and b")

    assert sorted(seen, key=lambda call: call["key"]) == [{"key": "a", "limit": 2}, {"key": "b", "limit": 1}]
    assert str(result).strip() == "all found"
    assert result.stop_reason == "end_turn"
    tool_results = [
        block["toolResult"] for message in agent.messages for block in message["content"] if "toolResult" in block
    ]
    assert sorted(item["content"][0]["text"] for item in tool_results) == ["a=found", "b=found"]
    usage = agent.event_loop_metrics.accumulated_usage
    assert usage["inputTokens"] > 0
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]


def test_structured_turn_becomes_the_structured_output(tmp_path: Path) -> None:
    script = {"turns": [{"structured": REPORT}]}
    agent = Agent(model=ScriptedModel.from_file(script_file(tmp_path, script)), callback_handler=None)

    result = agent("investigate", structured_output_model=TriageReport)

    assert isinstance(result.structured_output, TriageReport)
    assert result.structured_output.model_dump(mode="json", exclude_unset=True) == REPORT


def test_script_past_its_end_says_it_has_no_more_turns(tmp_path: Path) -> None:
    model = ScriptedModel.from_file(script_file(tmp_path, {"turns": [{"text": "first"}]}))
    agent = Agent(model=model, callback_handler=None)

    assert str(agent("one")).strip() == "first"
    assert str(agent("two")).strip() == "The script has no more turns."


def test_repeat_last_replays_the_last_turn(tmp_path: Path) -> None:
    script = {"turns": [{"text": "first"}, {"text": "again"}], "repeat_last": True}
    agent = Agent(model=ScriptedModel.from_file(script_file(tmp_path, script)), callback_handler=None)

    answers = [str(agent(f"question {n}")).strip() for n in range(4)]

    assert answers == ["first", "again", "again", "again"]
