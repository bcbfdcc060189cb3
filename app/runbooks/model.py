"""The runbook format: YAML front matter for the engine, a Markdown body for people and the model."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_FIELD = re.compile(r"^(text|title|source|labels\.[A-Za-z0-9_.-]+)$")


class MatchRule(BaseModel):
    """A regular expression over one field of the alert."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regex: str
    field: str = "text"

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regex {value!r}: {exc}") from exc
        return value

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if not _FIELD.match(value):
            raise ValueError(f"field must be text, title, source or labels.<name>, not {value!r}")
        return value


class EvidenceSpec(BaseModel):
    """A read-only tool call the engine runs before the agent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class Runbook(BaseModel):
    """One validated runbook."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    severity: Literal["low", "medium", "high", "critical"] = "medium"
    tags: tuple[str, ...] = ()
    match: tuple[MatchRule, ...] = ()
    extract: dict[str, str] = Field(default_factory=dict)
    evidence: tuple[EvidenceSpec, ...] = ()
    body: str = ""
    path: str = ""
    link: str = ""

    @field_validator("extract")
    @classmethod
    def _extract_compiles(cls, value: dict[str, str]) -> dict[str, str]:
        for name, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"extract.{name}: invalid regex {pattern!r}: {exc}") from exc
        return value
