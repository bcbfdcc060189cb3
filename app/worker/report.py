"""The evidence report: the reply when no model runs (offline default, model failure, budget spent)."""

from __future__ import annotations

import re
from collections import Counter

from app.language import Language
from app.models import Decision, EvidenceResult, Finding, Job, JobKind, TriageReport, Verdict
from app.runbooks.expressions import roots
from app.runbooks.model import Runbook
from app.slack.texts import text
from app.values import display

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


def verdict_report(job: Job, runbook: Runbook, verdict: Verdict, language: Language = "en") -> TriageReport:
    """The reply without a model when the runbook decides: its verdict's cause, decision and step, and the facts.

    Facts that could not be read are listed among the findings; the cause names only those that an earlier case
    needed, since with them the decision could have been another.
    """
    label = verdict.labels.get
    findings = [Finding(statement=f"{label(name, name)}: {display(value)}", evidence=f"fact {name}")
                for name, value in verdict.facts.items()]
    findings += [Finding(statement=f"{label(name, name)}: unknown", evidence=why)
                 for name, why in verdict.unknown.items()]
    if verdict.case is None:
        missing = [f"{label(name, name)} ({why})" for name, why in verdict.unknown.items()]
        gaps = text("vr_missing", language, items="; ".join(missing)) if missing else ""
        cause = " ".join(part for part in (text("vr_none", language, id=runbook.id, title=runbook.title), gaps) if part)
        procedure = runbook_section(runbook, "Procedure", limit=900)
        action = text("vr_unknown_action", language, procedure=procedure)
    else:
        needed = _needed_by_skipped(runbook, verdict)
        missing = [f"{label(name, name)} ({why})" for name, why in verdict.unknown.items() if name in needed]
        cause = verdict.cause + (" " + text("vr_missing", language, items="; ".join(missing)) if missing else "")
        word = text(f"decision_{verdict.decision.value}", language)
        action = text("vr_action", language, decision=word, step=verdict.step, text=verdict.step_text or "—")
        action += _what_would_change(runbook, verdict, language)
    return TriageReport(
        title=runbook.title, cause=cause, findings=findings, recommended_action=action,
        decision=verdict.decision, confidence=verdict.confidence if verdict.case is not None else "low",
    )


def _needed_by_skipped(runbook: Runbook, verdict: Verdict) -> set[str]:
    """The facts that the cases before the deciding one needed but could not read."""
    names: set[str] = set()
    for index in verdict.skipped_cases:
        if index < (verdict.case or 0):
            names |= roots(runbook.verdicts[index].when)
    return names & set(verdict.unknown)


def _what_would_change(runbook: Runbook, verdict: Verdict, language: Language) -> str:
    """The earlier cases that did not hold for lack of data: with that data, the decision could differ."""
    earlier = [runbook.verdicts[index] for index in verdict.skipped_cases if index < (verdict.case or 0)]
    other = next((case for case in earlier if case.decision != verdict.decision.value), None)
    if other is None:
        return ""
    return " " + text("vr_changes", language, decision=other.decision, when=other.when)
