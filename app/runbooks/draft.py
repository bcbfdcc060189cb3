"""A runbook skeleton in the catalog's format, drafted from an investigation that matched no runbook (pure).

The skeleton holds what the investigation knows: a match rule from the alert, the probes and evidence steps
that ran (with the arguments they ran with), what they and the report found, the sample alert, and empty
verdicts for the team to fill in. It parses with the catalog's own parser, and its match rule selects the
alert it was drafted from.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from app.models import TriageRecord
from app.runbooks.model import Runbook
from app.runbooks.parse import RunbookError, parse_runbook
from app.runbooks.source import RunbookFile

_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"\d+")
_SEVERITIES = frozenset({"low", "medium", "high", "critical"})
RULE_CHARS = 80


def draft_id(record: TriageRecord) -> str:
    """``draft-<words of the title>``: a valid, readable runbook id."""
    words = _WORD.findall(_title(record).lower())[:6]
    return "-".join(["draft", *words]) if words else f"draft-{record.id}"


def skeleton(record: TriageRecord) -> str:
    """The Markdown runbook drafted from the record (front matter and body)."""
    meta: dict[str, Any] = {
        "id": draft_id(record),
        "title": _title(record),
        "severity": record.job.alert.severity if record.job.alert.severity in _SEVERITIES else "medium",
        "tags": ["draft", *([_tag(record.job.alert.source)] if _tag(record.job.alert.source) else [])],
        "match": [{"regex": match_rule(record)}],
        "evidence": steps_that_ran(record),
    }
    if "verdicts" in Runbook.model_fields:
        meta["verdicts"] = []
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n{_body(record)}"


def steps_that_ran(record: TriageRecord) -> list[dict[str, Any]]:
    """The probes and evidence steps that ran (not the skipped ones), as evidence steps with unique ids."""
    steps: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in [*record.probes, *record.evidence]:
        if item.status == "skipped":
            continue
        step_id, n = item.step_id, 2
        while step_id in seen:
            step_id, n = f"{item.step_id}-{n}", n + 1
        seen.add(step_id)
        steps.append({"id": step_id, "tool": item.tool, "args": item.args})
    return steps


def match_rule(record: TriageRecord) -> str:
    """A regex for the alert's first line: its text escaped, with every number free to change."""
    alert = record.job.alert
    line = next((part.strip() for part in alert.full_text().splitlines() if part.strip()), "")[:RULE_CHARS]
    pieces = _NUMBER.split(line)
    return r"\d+".join(re.escape(piece) for piece in pieces)


def check(text: str, path: str) -> Runbook:
    """Parse a drafted runbook with the catalog's parser.

    Raises:
        RunbookError: The draft is not a valid runbook.
    """
    return parse_runbook(RunbookFile(path=path, text=text))


def problems_of(text: str, path: str) -> list[str]:
    """Why a drafted runbook does not parse ([] when it does)."""
    try:
        check(text, path)
    except RunbookError as exc:
        return [str(problem) for problem in exc.problems]
    return []


def _title(record: TriageRecord) -> str:
    alert = record.job.alert
    first = next((line.strip() for line in alert.full_text().splitlines() if line.strip()), "")
    return (alert.title or first or "Untitled alert")[:150]


def _tag(source: str) -> str:
    return "-".join(_WORD.findall(source.lower()))[:40]


def _body(record: TriageRecord) -> str:
    alert = record.job.alert
    lines = [f"# {_title(record)}", "", "## Background",
             "_Draft: what raises this alert, which resources are involved, what it usually means._", "",
             f"## What the investigation found (ref `{record.id}`)"]
    ran = [*record.probes, *record.evidence]
    lines += [f"- {item.summary(240)}" for item in ran] or ["- No probe or evidence step ran."]
    if record.route:
        lines.append(f"- Route: {record.route}")
    if ran:
        lines.append("- _Draft: the evidence steps above ran with this alert's ids; replace them with `{field}` "
                     "templates and add the `extract` rules that fill them._")
    if record.report is not None:
        lines += [f"- {finding.statement} ({finding.evidence[:200]})" for finding in record.report.findings]
        lines.append(f"- Reply: {record.report.cause}")
    lines += ["", "## Procedure", "1. _Draft: what to check first, and how to judge it._",
              "2. _Draft: when to close, monitor, escalate or act (the verdicts in the front matter)._", "",
              "## Sample error log", "```text", alert.text.strip() or alert.title or "(empty)", "```", ""]
    return "\n".join(lines)
