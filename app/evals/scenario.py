"""The scenario format: one folder per scenario with ``scenario.yaml`` and the fixtures its fakes serve."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tools.system import with_credentials

SCENARIO_FILE = "scenario.yaml"


class ScenarioError(Exception):
    """A scenario folder cannot be loaded; the message names the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioInput(_Strict):
    """What the bot receives: alert or question text, or a raw Slack event sent through the ingress."""

    kind: Literal["alert", "question"] = "alert"
    text: str = ""
    slack_event: str = Field(default="", description="A Slack Events API body (JSON file) in the scenario folder.")
    time: datetime | None = Field(default=None, description="The alert's time; relative since/until hang off it.")
    thread: list[str] = Field(default_factory=list, description="Earlier thread messages, for questions.")

    @model_validator(mode="after")
    def _one_source(self) -> ScenarioInput:
        if bool(self.text) == bool(self.slack_event):
            raise ValueError("input needs exactly one of text or slack_event")
        return self


class Expectation(_Strict):
    """What a good run looks like. Facts are regular expressions (case-insensitive)."""

    runbook: str | None = Field(description="The runbook id that must be matched; null means none may be.")
    evidence_facts: list[str] = Field(default_factory=list)
    report_facts: list[str] = Field(default_factory=list)
    forbidden_tools: list[str] = Field(default_factory=list)
    max_prompt_tokens: int | None = Field(default=None, ge=1)
    decision: Literal["close", "monitor", "escalate", "act", "unknown"] | None = Field(
        default=None, description="The decision the reply must reach (and the runbook's verdict, without a model)."
    )
    verdict_facts: list[str] = Field(
        default_factory=list, description="Regular expressions the runbook verdict's cause must contain."
    )

    @field_validator("evidence_facts", "report_facts", "verdict_facts")
    @classmethod
    def _compiles(cls, facts: list[str]) -> list[str]:
        for fact in facts:
            try:
                re.compile(fact)
            except re.error as exc:
                raise ValueError(f"fact {fact!r} is not a valid regular expression: {exc}") from exc
        return facts


class Scenario(_Strict):
    """One evaluation scenario, loaded from its folder."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    input: ScenarioInput
    runbooks: str = Field(default="", description="Runbook folder override, relative to the scenario folder.")
    model_script: str = Field(default="", description="Scripted model turns (YAML) in the scenario folder.")
    down: list[str] = Field(
        default_factory=list, description="Backends (systems with a credential) that answer 503 throughout."
    )
    expect: Expectation
    folder: Path = Field(default=Path(), exclude=True)

    @field_validator("down")
    @classmethod
    def _backends(cls, names: list[str]) -> list[str]:
        backends = [system.key for system in with_credentials()]
        unknown = [name for name in names if name not in backends]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a backend (backends: {', '.join(backends)})")
        return names

    def path(self, relative: str) -> Path:
        """A file named by the scenario, resolved against its folder."""
        return (self.folder / relative).resolve()


def load_scenario(folder: Path) -> Scenario:
    """Load and validate one scenario folder.

    Raises:
        ScenarioError: The file is missing, is not YAML, or does not fit the format.
    """
    path = folder / SCENARIO_FILE
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise ScenarioError(f"{path}: expected a mapping at the top level")
    try:
        scenario = Scenario.model_validate({**document, "folder": folder.resolve()})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ScenarioError(f"{path}: {problems}") from exc
    _check_files(scenario, path)
    return scenario


def load_scenarios(root: Path, only: str | None = None) -> list[Scenario]:
    """Every scenario under ``root`` (or ``root`` itself when it is one), sorted by name.

    Raises:
        ScenarioError: A scenario is invalid, two share a name, or ``only`` names none.
    """
    folders = [root] if (root / SCENARIO_FILE).is_file() else sorted(p.parent for p in root.glob(f"*/{SCENARIO_FILE}"))
    if not folders:
        raise ScenarioError(f"{root}: no {SCENARIO_FILE} found")
    scenarios = [load_scenario(folder) for folder in folders]
    names = [s.name for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScenarioError(f"{root}: duplicate scenario names: {', '.join(duplicates)}")
    if only is not None:
        scenarios = [s for s in scenarios if s.name == only]
        if not scenarios:
            raise ScenarioError(f"{root}: no scenario named {only!r}; known: {', '.join(names)}")
    return sorted(scenarios, key=lambda s: s.name)


def _check_files(scenario: Scenario, path: Path) -> None:
    named = {
        "input.slack_event": scenario.input.slack_event,
        "model_script": scenario.model_script,
        "runbooks": scenario.runbooks,
    }
    for field, relative in named.items():
        if relative and not scenario.path(relative).exists():
            raise ScenarioError(f"{path}: {field}: {relative} does not exist in {scenario.folder}")
