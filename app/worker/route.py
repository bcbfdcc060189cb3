"""The second pass: a text that matches no runbook by its words names entities; their probes find the runbook.

"job 5521 → task backfill stopped: CannotPullContainerError → runbook ecs-001": the entities the text names (by
the catalog's ``_entities.yaml``) are probed with read-only steps, in parallel, through the same registry, guard,
timeouts, caps and redaction as evidence steps; what the probes found (stop and exit reasons, statuses, error
lines) is matched against the catalog again, rules first, then lexical. One hop, bounded in time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.models import Alert, EvidenceResult
from app.runbooks.catalog import Catalog, extract_fields
from app.runbooks.entities import Entity, find_entities
from app.runbooks.model import Runbook
from app.worker.evidence import Refusal, collect_evidence
from app.worker.threads import run_steps
from tools.budget import is_error_line
from tools.registry import ToolRegistry

SIGNAL_KEYS = frozenset({
    "stoppedReason", "stopCode", "reason", "exit_reason", "exitCode", "exit_code", "status", "lastStatus",
    "error", "cause", "errorMessage", "FunctionError", "StateReason", "StateValue", "DBInstanceStatus",
    "note", "textPayload", "message", "@message",
})
"""Keys whose values say what happened to an entity: these are matched against the runbooks."""
MAX_SIGNAL_CHARS = 4000
MAX_FIELD_TEXT_CHARS = 20_000
"""How much of the probes' data (as ``key: value`` lines) the applied runbook's fields are extracted from."""
_MAX_DEPTH = 12


@dataclass
class Route:
    """How the runbook was found through the entities: the probes' outcomes, the runbook, its fields."""

    entities: list[Entity] = field(default_factory=list)
    probes: list[EvidenceResult] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    runbook: Runbook | None = None
    fields: dict[str, str] = field(default_factory=dict)
    reason: str = ""

    def line(self) -> str:
        """``job 5521 → exit_reason: CannotPullContainerError… → runbook ecs-001``, or what was not found."""
        if not self.entities:
            return ""
        names = ", ".join(entity.name for entity in self.entities)
        found = _short(self.signals[0]) if self.signals else "the probes found nothing to go on"
        ending = f"runbook {self.runbook.id}" if self.runbook else "no runbook matches what they found"
        return f"{names} → {found} → {ending}"


def find_route(
    alert: Alert, catalog: Catalog, registry: ToolRegistry, *, timeout: float, refuse: Refusal | None = None
) -> Route:
    """Probe what the text names and match what the probes found; a Route without entities when it names none."""
    entities = find_entities(catalog.entities, alert.full_text())
    if not entities:
        return Route()
    probes = run_steps(_probe_all(entities, alert.time, registry, timeout, refuse))
    signals = sorted(_signals(probes), key=_weight)
    route = Route(entities=entities, probes=probes, signals=signals)
    probed = alert.model_copy(update={"text": "\n".join([alert.text, *signals])[: len(alert.text) + MAX_SIGNAL_CHARS]})
    match = catalog.match(probed)
    if match is None:
        return route
    given = {name: value for entity in entities for name, value in entity.fields.items()}
    route.runbook, route.reason = match.runbook, match.reason
    facts = "\n".join(line for item in probes for line in _flat(item.data, ""))[:MAX_FIELD_TEXT_CHARS]
    found = alert.model_copy(update={"text": "\n".join([alert.text, *signals, facts])})
    route.fields = {**extract_fields(match.runbook, found), **given}
    return route


async def _probe_all(
    entities: list[Entity], at: datetime, registry: ToolRegistry, timeout: float, refuse: Refusal | None
) -> list[EvidenceResult]:
    async def probe(entity: Entity) -> list[EvidenceResult]:
        steps = Runbook(id="probe", title=entity.name, evidence=entity.kind.probes)
        results = await collect_evidence(steps, entity.fields, at, registry, timeout=timeout, refuse=refuse)
        return [item.model_copy(update={"step_id": f"{entity.name}: {item.step_id}"}) for item in results]

    batches = await asyncio.wait_for(asyncio.gather(*(probe(entity) for entity in entities)), timeout + 5)
    return [item for batch in batches for item in batch]


_TELLING = (" stoppedReason:", " exit_reason:", " reason:", " errorMessage:", " error:", " cause:", " StateReason:")


def _weight(line: str) -> int:
    """Reasons and errors first, then statuses and the rest (the sort is stable)."""
    return 0 if any(key in f" {line}" for key in _TELLING) else 1


def _signals(probes: list[EvidenceResult]) -> Iterator[str]:
    """``where key: value`` for each telling value of the probes' data, then their error lines; each once."""
    seen: set[str] = set()
    for item in probes:
        lines = list(_values(item.data, "")) if item.data is not None else []
        lines += [line.strip() for line in item.output.splitlines() if is_error_line(line)][:5]
        for line in lines:
            if line not in seen:
                seen.add(line)
                yield line


def _values(value: Any, owner: str, depth: int = 0) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        name = str(value.get("name") or value.get("taskArn") or owner)
        for key, item in value.items():
            if key in SIGNAL_KEYS and isinstance(item, str | int) and str(item).strip():
                yield f"{name} {key}: {item}".strip()
            elif isinstance(item, dict | list):
                yield from _values(item, name if key != "tasks" else owner, depth + 1)
    elif isinstance(value, list):
        for item in value[:50]:
            yield from _values(item, owner, depth + 1)


def _flat(value: Any, key: str, depth: int = 0) -> Iterator[str]:
    """Every scalar of the data as a ``key: value`` line (a queue's name as ``queue: gpu``)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _flat(item, str(name), depth + 1)
    elif isinstance(value, list):
        for item in value[:50]:
            yield from _flat(item, key, depth + 1)
    elif value is not None and key:
        yield f"{key}: {value}"


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
