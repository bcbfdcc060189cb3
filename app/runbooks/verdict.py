"""The runbook's verdict: read its facts from the evidence steps' data, then take the first case that holds.

A fact whose step failed, timed out, was skipped or blocked is unknown, never false or empty; a case that needs an
unknown fact (or an alert field that was not extracted) does not hold, and the verdict says what was missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jmespath.exceptions import JMESPathError

from app.models import Decision, Verdict
from app.runbooks.expressions import holds, roots, search
from app.runbooks.model import PLACEHOLDER, Runbook
from app.values import display

_ITEM = re.compile(r"^\s{0,3}(\d+)[.)]\s+(.*)$")
_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class StepData:
    """What one evidence step left for the facts: its data when it returned some, else why not."""

    data: Any = None
    missing: str = ""


def step_key(step_id: str) -> str:
    """The name a step's data goes by in fact expressions (``stopped-task`` → ``stopped_task``)."""
    return step_id.replace("-", "_")


def decide(
    runbook: Runbook, steps: Mapping[str, StepData], fields: Mapping[str, str], alert: Mapping[str, Any] | None = None
) -> Verdict:
    """The runbook's verdict over the steps' data (by step id) and the alert's extracted ``fields``."""
    facts, unknown = read_facts(runbook, steps, fields, alert or {})
    given = {name: value for name, value in fields.items() if value}
    scope = {**given, **facts}
    labels = {name: spec.label for name, spec in runbook.facts.items() if spec.label}
    skipped: list[int] = []
    for index, case in enumerate(runbook.verdicts):
        needed = roots(case.when)
        if needed & set(unknown) or needed - set(scope) - set(runbook.facts):
            skipped.append(index)
            continue
        try:
            if not holds(search(case.when, scope)):
                continue
        except JMESPathError:
            skipped.append(index)
            continue
        return Verdict(
            decision=Decision(case.decision), cause=fill(case.cause, scope), step=case.step,
            step_text=procedure_steps(runbook).get(case.step, ""), confidence=case.confidence, case=index,
            facts=facts, labels=labels, unknown=unknown, skipped_cases=skipped,
        )
    return Verdict(facts=facts, labels=labels, unknown=unknown, skipped_cases=skipped)


def read_facts(
    runbook: Runbook, steps: Mapping[str, StepData], fields: Mapping[str, str], alert: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Known facts by name, and unknown ones with the reason (the step that gave no data, or the query's error)."""
    data = {step_key(step_id): step.data for step_id, step in steps.items() if not step.missing}
    missing = {step_key(step_id): step.missing for step_id, step in steps.items() if step.missing}
    declared = {step_key(step.id): step.id for step in runbook.evidence}
    context = {**data, "fields": dict(fields), "alert": dict(alert)}
    facts: dict[str, Any] = {}
    unknown: dict[str, str] = {}
    for name, spec in runbook.facts.items():
        reasons: list[str] = []
        for query in spec.queries():
            needed = sorted(roots(query) - {"fields", "alert"})
            gaps = [f"step {declared.get(key, key)} {missing.get(key, 'did not run')}" for key in needed
                    if key not in data]
            if gaps:
                reasons.append("; ".join(gaps))
                continue
            try:
                value = search(query, context)
            except JMESPathError as exc:
                reasons.append(f"could not be read from the data: {' '.join(str(exc).split())}")
                continue
            facts[name] = value
            if value is not None:
                break
        if name not in facts:
            unknown[name] = "; ".join(dict.fromkeys(reasons))
    return facts, unknown


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``{name}`` placeholders filled with readable values; a name without a value reads ``unknown``."""
    return PLACEHOLDER.sub(lambda found: display(values[found.group(1)]) if found.group(1) in values else "unknown",
                           template)


def procedure_steps(runbook: Runbook) -> dict[str, str]:
    """The numbered steps of the runbook's ``## Procedure`` section, by number, each with its text on one line."""
    body = _section(runbook.body, "procedure")
    steps: dict[str, str] = {}
    current = ""
    for line in body.splitlines():
        found = _ITEM.match(line)
        if found:
            current = found.group(1)
            steps[current] = found.group(2).strip()
        elif current and line.strip() and line.startswith((" ", "\t")):
            steps[current] += " " + line.strip()
        elif not line.strip():
            continue
        else:
            current = ""
    return steps


def _section(body: str, name: str) -> str:
    matches = list(_SECTION.finditer(body))
    for index, found in enumerate(matches):
        if found.group(1).strip().lower() == name:
            end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
            return body[found.end() : end]
    return ""
