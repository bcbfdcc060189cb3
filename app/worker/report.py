"""The evidence report: the reply when no model runs (offline default, model failure, budget spent)."""

from __future__ import annotations

import re

from app.language import Language
from app.models import Decision, Job, JobKind, TriageReport
from app.runbooks.model import Runbook
from app.slack.texts import text

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def evidence_report(job: Job, runbook: Runbook | None, language: Language = "en") -> TriageReport:
    """What was matched, and the runbook's own guidance; no diagnosis (the evidence is rendered beside it)."""
    title = runbook.title if runbook else (job.alert.title or text("er_title_question", language))[:150]
    subject = text("alert" if job.kind is JobKind.ALERT else "question", language)
    if runbook is None:
        cause = text("er_unmatched_cause", language, subject=subject)
        action = text("er_unmatched_action", language, subject=subject)
    else:
        cause = text("er_matched_cause", language, id=runbook.id, title=runbook.title)
        action = runbook_section(runbook, "Procedure") or text("er_matched_action", language)
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
