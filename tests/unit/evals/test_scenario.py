"""Scenario files that do not fit the format are refused with the file and the field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.evals.scenario import ScenarioError, load_scenario, load_scenarios

GOOD = """
name: jobs-004
input: {kind: alert, text: "started_at has no value", time: "2026-11-21T03:12:09Z"}
expect: {runbook: jobs-004, evidence_facts: ["SUCCEEDED"], max_prompt_tokens: 9000}
"""


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(text)
    return folder


def test_good_scenario_loads_with_its_folder(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path / "a", GOOD))
    assert scenario.name == "jobs-004"
    assert scenario.expect.max_prompt_tokens == 9000
    assert scenario.input.time is not None and scenario.input.time.hour == 3
    assert scenario.path("logs.jsonl") == (tmp_path / "a" / "logs.jsonl").resolve()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- just a list", "expected a mapping"),
        (GOOD + "surprise: 1\n", "surprise: Extra inputs are not permitted"),
        (GOOD.replace('text: "started_at has no value"', 'slack_event: ""'), "exactly one of text or slack_event"),
        (GOOD.replace('["SUCCEEDED"]', '["(unclosed"]'), "is not a valid regular expression"),
        (GOOD.replace("name: jobs-004", "name: Jobs 004"), "name: String should match pattern"),
        (GOOD.replace("runbook: jobs-004, ", ""), "expect.runbook: Field required"),
        (GOOD + "model_script: missing.yaml\n", "model_script: missing.yaml does not exist"),
    ],
)
def test_bad_scenarios_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    folder = write(tmp_path / "bad", text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    assert message in str(caught.value)
    assert str(folder / "scenario.yaml") in str(caught.value)


def test_duplicate_names_and_unknown_only(tmp_path: Path) -> None:
    write(tmp_path / "one", GOOD)
    write(tmp_path / "two", GOOD)
    with pytest.raises(ScenarioError, match="duplicate scenario names: jobs-004"):
        load_scenarios(tmp_path)
    (tmp_path / "two" / "scenario.yaml").write_text(GOOD.replace("name: jobs-004", "name: other"))
    assert [s.name for s in load_scenarios(tmp_path)] == ["jobs-004", "other"]
    assert [s.name for s in load_scenarios(tmp_path, only="other")] == ["other"]
    with pytest.raises(ScenarioError, match="no scenario named 'nope'"):
        load_scenarios(tmp_path, only="nope")
    with pytest.raises(ScenarioError, match="no scenario.yaml found"):
        load_scenarios(tmp_path / "empty")
