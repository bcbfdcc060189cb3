"""Entity kinds, declared beside the runbooks: what a question or an alert names, and how to look at it.

The catalog's ``_entities.yaml`` lists kinds (a job, an ECS task, a Lambda function…), each with regexes that
find its values in a text, the runbook field a value fills, more fields derived from the value, and read-only
probe steps (the same form as a runbook's evidence steps) that look at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.runbooks.model import EvidenceSpec, Regex
from app.runbooks.pattern import compile_pattern

MAX_ENTITIES = 4
"""At most this many entities of a text are probed (the first found, in kind order)."""

FieldName = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")]


class EntityKind(BaseModel):
    """One kind of thing a text may name, and the probes that look at it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(pattern=r"^[a-z0-9_-]+$")
    label: str = ""
    patterns: tuple[Regex, ...] = Field(min_length=1)
    field: FieldName
    derive: dict[FieldName, Regex] = Field(default_factory=dict)
    probes: tuple[EvidenceSpec, ...] = Field(min_length=1)


class EntityCatalog(BaseModel):
    """The entity kinds of a catalog, in the order they are looked for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: tuple[EntityKind, ...] = ()


@dataclass(frozen=True)
class Entity:
    """One entity a text names: its kind, its value and the fields it gives the runbook."""

    kind: EntityKind
    value: str
    fields: dict[str, str]

    @property
    def name(self) -> str:
        """``job 5521``, ``lambda_function jobs-report-builder``."""
        return f"{self.kind.label or self.kind.kind} {self.value}"


def find_entities(catalog: EntityCatalog, text: str, limit: int = MAX_ENTITIES) -> list[Entity]:
    """The entities ``text`` names, each value once, at most ``limit``."""
    found: list[Entity] = []
    seen: set[tuple[str, str]] = set()
    for kind in catalog.kinds:
        for value in _values(kind, text):
            if (kind.kind, value) in seen:
                continue
            seen.add((kind.kind, value))
            found.append(Entity(kind, value, _fields(kind, value)))
            if len(found) == limit:
                return found
    return found


def _values(kind: EntityKind, text: str) -> Iterator[str]:
    for source in kind.patterns:
        for value in compile_pattern(source).all(text):
            if value:
                yield value


def _fields(kind: EntityKind, value: str) -> dict[str, str]:
    fields = {kind.field: value}
    for name, source in kind.derive.items():
        derived = compile_pattern(source).first(value)
        if derived:
            fields[name] = derived
    return fields
