"""The runbook format: YAML front matter for the engine, a Markdown body for people and the model."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.runbooks.actions import ActionSpec
from app.runbooks.logic import Example, Fact, FactName, VerdictCase
from app.runbooks.steps import PLACEHOLDER, EvidenceSpec

__all__ = ["FRONT_MATTER_KEYS", "PLACEHOLDER", "RELATIVE_TIME", "TIME_ARGS", "ActionSpec", "EvidenceSpec",
           "MatchRule", "Runbook"]
from app.runbooks.pattern import PatternError, compile_pattern

_FIELD = re.compile(r"^(text|title|source|labels\.[A-Za-z0-9_.-]+)$")
RELATIVE_TIME = re.compile(r"^([+-])(\d+)([smhd])$")
"""A time relative to the alert: ``-15m``, ``+12h``, ``-2d``, ``-30s``."""
TIME_ARGS = frozenset({"since", "until", "StartTime", "EndTime", "startTime", "endTime"})
"""Argument names (at any depth) whose relative values become times around the alert."""


def _compiles(value: str) -> str:
    try:
        compile_pattern(value)
    except PatternError as exc:
        raise ValueError(f"invalid regex {value!r}: {exc}") from exc
    return value


def _known_field(value: str) -> str:
    if not _FIELD.match(value):
        raise ValueError(f"must be text, title, source or labels.<name>, not {value!r}")
    return value


Regex = Annotated[str, AfterValidator(_compiles)]
AlertField = Annotated[str, AfterValidator(_known_field)]


class MatchRule(BaseModel):
    """A regular expression over one field of the alert."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regex: Regex
    field: AlertField = "text"


class Runbook(BaseModel):
    """One validated runbook."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    severity: Literal["low", "medium", "high", "critical"] = "medium"
    tags: tuple[str, ...] = ()
    match: tuple[MatchRule, ...] = ()
    extract: dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")], Regex] = Field(default_factory=dict)
    evidence: tuple[EvidenceSpec, ...] = ()
    facts: dict[FactName, Fact] = Field(default_factory=dict)
    verdicts: tuple[VerdictCase, ...] = ()
    examples: tuple[Example, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    body: str = ""
    path: str = ""
    link: str = ""


FRONT_MATTER_KEYS = frozenset(Runbook.model_fields) - {"body", "path", "link"}
