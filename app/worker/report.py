"""The evidence report: the reply when no model runs (offline default, model failure, budget spent)."""

from __future__ import annotations

import re
from collections import Counter

from app.language import Language
from app.models import Decision, EvidenceResult, Job, JobKind, TriageReport
from app.runbooks.model import Runbook
from app.slack.texts import text

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_STATUS_WORDS = {"ok": "returned data", "error": "failed", "timeout": "timed out", "blocked": "blocked",
                 "skipped": "skipped"}


def evidence_report(
    job: Job, runbook: Runbook | None, evidence: list[EvidenceResult] | None = None, language: Language = "en"
) -> TriageReport:
    """The matched runbook (title and link), what its steps found, and its own guidance; no diagnosis.

    The steps' outputs are rendered beside the report, under Evidence; the cause counts their outcomes and
    names what stopped a step, so a reader knows what is missing before reading the guidance.
    """
    subject = text("alert" if job.kind is JobKind.ALERT else "question", language)
    if runbook is None:
        return TriageReport(
            title=(job.alert.title or text("er_title_question", language))[:150],
            cause=text("er_unmatched_cause", language, subject=subject),
            findings=[],
            recommended_action=text("er_unmatched_action", language, subject=subject),
            decision=Decision.UNKNOWN,
            confidence="low",
        )
    where = f" {runbook.link}" if runbook.link else ""
    parts = [text("er_matched_cause", language, id=runbook.id, title=runbook.title) + where]
    parts += [outcome_summary(evidence or []), text("er_no_model_read", language)]
    return TriageReport(
        title=runbook.title,
        cause=" ".join(part for part in parts if part),
        findings=[],  # each step's outcome is shown as it is, under Evidence
        recommended_action=runbook_section(runbook, "Procedure") or text("er_matched_action", language),
        decision=Decision.UNKNOWN,
        confidence="low",
    )


def outcome_summary(evidence: list[EvidenceResult]) -> str:
    """One sentence: how many steps returned data, failed or were skipped, and why the others did not run."""
    if not evidence:
        return "The runbook declares no evidence steps."
    counts: Counter[str] = Counter(item.status for item in evidence)
    listed = ", ".join(f"{counts[status]} {_STATUS_WORDS[status]}" for status in _STATUS_WORDS if counts[status])
    problems = [f"{item.step_id}: {_first_line(item.error)}" for item in evidence if item.status != "ok"]
    detail = f" ({'; '.join(problems)})" if problems else ""
    return f"Evidence: {len(evidence)} steps, {listed}{detail}."


def runbook_section(runbook: Runbook, name: str, limit: int = 1500) -> str:
    """The text of one ``## name`` section of the runbook body, shortened to ``limit`` characters."""
    matches = list(_SECTION.finditer(runbook.body))
    for index, found in enumerate(matches):
        if found.group(1).strip().lower() == name.lower():
            end = matches[index + 1].start() if index + 1 < len(matches) else len(runbook.body)
            text = runbook.body[found.end() : end].strip()
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no detail"
    line = line.removeprefix("skipped: ")
    return line if len(line) <= limit else line[: limit - 1] + "…"
