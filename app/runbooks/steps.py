"""A tool call declared in a runbook or the catalog: an evidence step, a probe, a verification step."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
"""A ``{field}`` template in an evidence argument."""


class EvidenceSpec(BaseModel):
    """A read-only tool call the engine runs before the agent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    tool: str = Field(min_length=1)
    args: dict[str, Any] = Field(default_factory=dict)

    def placeholders(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """Every ``{field}`` used in the arguments, with the argument's path (e.g. ``("params", "cluster")``)."""
        yield from _placeholders(self.args, ())


def _placeholders(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        for name in PLACEHOLDER.findall(value):
            yield path, name
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholders(item, (*path, index))
