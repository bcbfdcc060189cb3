"""The evidence report: the reply when no model runs (offline default, model failure, budget spent)."""

from __future__ import annotations

import re

from app.models import Decision, Job, JobKind, TriageReport
from app.runbooks.model import Runbook

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def evidence_report(job: Job, runbook: Runbook | None) -> TriageReport:
    """What was matched, and the runbook's own guidance; no diagnosis (the evidence is rendered beside it)."""
    title = runbook.title if runbook else (job.alert.title or "Question")[:150]
    subject = "alert" if job.kind is JobKind.ALERT else "question"
    if runbook is None:
        cause = f"No runbook matches this {subject}, and no model ran, so there is no diagnosis."
        action = f"Investigate by hand; consider writing a runbook for this {subject}."
    else:
        cause = f"Matches runbook {runbook.id} ({runbook.title}). The runbook's guidance is below; no model ran."
        action = runbook_section(runbook, "Procedure") or "Follow the runbook."
    return TriageReport(
        title=title,
        cause=cause,
        findings=[],  # the evidence steps are shown as they are, under Evidence
        recommended_action=action,
        decision=Decision.UNKNOWN,
        confidence="low",
    )


def runbook_section(runbook: Runbook, name: str, limit: int = 1500) -> str:
    """The text of one ``## name`` section of the runbook body, shortened to ``limit`` characters."""
    matches = list(_SECTION.finditer(runbook.body))
    for index, found in enumerate(matches):
        if found.group(1).strip().lower() == name.lower():
            end = matches[index + 1].start() if index + 1 < len(matches) else len(runbook.body)
            text = runbook.body[found.end() : end].strip()
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""
