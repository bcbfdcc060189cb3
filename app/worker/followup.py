"""Follow-up questions: a mention in a thread the bot already answered continues from its earlier findings."""

from __future__ import annotations

import logging

from app.language import Language
from app.models import Job, JobKind, TriageRecord, TriageReport
from app.slack.texts import text
from app.storage.triage import TriageStore
from tools.redact import redact

logger = logging.getLogger(__name__)

EARLIER_BUDGET_CHARS = 4000
MAX_HOPS = 5


def earlier_record(job: Job, store: TriageStore) -> TriageRecord | None:
    """The bot's newest answer with findings in the thread of a question asked inside it, or None.

    Follow-ups answered without a model only restate what they followed, so the chain is walked back to
    the answer they restated.
    """
    if job.kind is not JobKind.QUESTION or not job.in_thread:
        return None
    try:
        record = store.latest_in_thread(job.channel, job.thread_ts)
        for _ in range(MAX_HOPS):
            if record is None or not record.follows or record.mode != "evidence-only":
                break
            record = store.get(record.follows) or record
    except Exception as exc:  # the earlier findings help, but the question can be answered without them
        logger.warning("could not read the earlier record of thread %s: %s", job.thread_ts, exc)
        return None
    return record


def earlier_findings(record: TriageRecord) -> str:
    """What the earlier investigation established, as directions for the model (redacted, within a budget)."""
    report = record.report
    lines = [f"Reference {record.id}; runbook: {record.runbook_id or 'none matched'}."]
    if report is not None:
        lines.append(f"Cause: {report.cause}")
        lines += [f"- {finding.statement} (evidence: {finding.evidence})" for finding in report.findings]
        lines.append(f"Recommended action: {report.recommended_action} (decision: {report.decision})")
    lines += [f"Evidence {item.summary(300)}" for item in record.evidence]
    joined = redact("\n".join(lines))
    return joined if len(joined) <= EARLIER_BUDGET_CHARS else joined[: EARLIER_BUDGET_CHARS - 1] + "…"


def followup_report(job: Job, earlier: TriageRecord, language: Language) -> TriageReport:
    """The reply to a follow-up when no model runs: the earlier findings, restated, and that no model answered."""
    previous = earlier.report
    question = " ".join(job.alert.text.split())[:100]
    return TriageReport(
        title=text("er_follow_title", language, question=question)[:150],
        cause=text("er_follow_cause", language, ref=earlier.id, cause=previous.cause if previous else "—"),
        findings=list(previous.findings) if previous else [],
        recommended_action=previous.recommended_action if previous else text("er_matched_action", language),
        decision=previous.decision if previous else "unknown",
        confidence="low",
    )
