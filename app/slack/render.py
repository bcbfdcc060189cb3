"""Block Kit for progress, reports and failures. Pure: data in, blocks out.

Reports stay within Slack's limits (50 blocks, 3,000 characters a section), escape mrkdwn, fold long evidence
and speak the language of the alert or question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.language import Language, detect_language
from app.models import EvidenceResult, Rating, TriageRecord, TriageReport
from app.slack.action_blocks import proposal_blocks
from app.slack.draft_blocks import draft_blocks
from app.slack.rating_blocks import RATINGS, rating_actions, rating_tally
from app.slack.texts import text
from app.values import display
from tools.redact import redact

__all__ = ["MAX_BLOCKS", "MAX_SECTION_CHARS", "RATINGS", "STATUS_ICON", "escape", "failure_text", "footer",
           "progress_text", "rating_actions", "record_language", "report_blocks", "report_text"]

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
EVIDENCE_SNIPPET_CHARS = 280
MAX_EVIDENCE_SECTIONS = 4
_RESERVED = 3  # rating tally, footer, rating buttons
STATUS_ICON = {"ok": "✓", "skipped": "–", "error": "✗", "blocked": "⛔", "timeout": "⌛"}
"""How an evidence step or a tool call ended, as the report and the progress lines show it."""
_DECISION_ICON = {"close": "✅", "monitor": "👀", "escalate": "🚨", "act": "🛠️", "unknown": "❔"}


def escape(value: str) -> str:
    """Escape Slack mrkdwn control characters."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def record_language(record: TriageRecord) -> Language:
    """The language of the alert or question the record answers."""
    return detect_language(record.job.alert.full_text())


def progress_text(reference: str, lines: Sequence[str], language: Language = "en") -> str:
    """The text of the progress message."""
    return "\n".join([text("investigating", language, ref=reference), *lines])


def report_blocks(record: TriageRecord, ratings: Sequence[Rating] = ()) -> list[dict[str, Any]]:
    """The final report, within Slack's limits, ending with the rating tally, the footer and the four rating buttons."""
    language = record_language(record)
    report = record.report or TriageReport(
        title="No report", cause="", recommended_action="", decision="unknown", confidence="low"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(report.title, 150) or "Report"}},
        *_note_blocks(record, language),
        *_route_blocks(record),
        _section(f"*{text('cause', language)}*\n{escape(report.cause)}"),
    ]
    if report.findings:
        bullets = "\n".join(
            f"• {escape(f.statement)} — _{escape(_cut(' '.join(f.evidence.split()), 400))}_" for f in report.findings
        )
        blocks.append(_section(f"*{text('investigation', language)}*\n{bullets}"))
    blocks.append(_section(f"*{text('action', language)}* {_decision_line(record, report, language)}\n"
                           f"{escape(report.recommended_action)}"))
    blocks += _verdict_blocks(record, report, language)
    if record.proposal is not None:
        blocks += proposal_blocks(record.proposal)
    blocks += _evidence_blocks(record, language)
    if record.blocked_calls:
        listed = ", ".join(f"`{escape(call.tool)}`" for call in record.blocked_calls)
        blocks.append(_context(f":no_entry: {text('blocked', language)}: {listed}"))
    drafting = draft_blocks(record, language)
    blocks = blocks[: MAX_BLOCKS - _RESERVED - len(drafting)] + drafting
    blocks.append(rating_tally(record.id, ratings, language))
    blocks.append(_context(footer(record)))
    blocks.append(rating_actions(record.id, language))
    return blocks


def report_text(record: TriageRecord) -> str:
    """Notification text for the report: title, decision and cause, escaped like the blocks (no ``<!channel>``)."""
    report = record.report
    if report is None:
        return "Investigation finished"
    return escape(_cut(f"{report.title} [{report.decision}]: {report.cause}", 300))


def footer(record: TriageRecord) -> str:
    """Reference, runbook link, duration, tokens, estimated cost and model."""
    language = record_language(record)
    parts = [f"ref `{record.id}`"]
    if record.follows:
        parts.append(text("follows", language, ref=record.follows))
    if not record.runbook_id:
        parts.append(text("no_runbook_footer", language))
    elif record.runbook_link.startswith(("https://", "http://")):
        parts.append(f"runbook <{record.runbook_link}|{escape(record.runbook_id)}>")
    else:
        parts.append(f"runbook `{record.runbook_id}`")
    total_ms = record.timings_ms.get("total", sum(record.timings_ms.values()))
    parts.append(f"{total_ms / 1000:.1f}s")
    parts.append(text("tokens", language, count=record.usage.total_tokens))
    parts.append(_cost(record.usage.estimated_cost_usd))
    parts.append(f"model `{record.model}`")
    if record.spend:
        parts.append(escape(record.spend))
    return " · ".join(parts)


def failure_text(reference: str, error: str, language: Language = "en") -> str:
    """What the thread is told when an investigation fails."""
    return text("failure", language, ref=reference, error=escape(redact(error))[:500])


def _decision_line(record: TriageRecord, report: TriageReport, language: Language) -> str:
    """``✅ `close` · confidence high · step 4``: the decision with how sure it is and the step behind it."""
    parts = [f"{_DECISION_ICON.get(report.decision, '')} `{report.decision}`", text("confidence", language,
                                                                                  level=report.confidence)]
    verdict = record.verdict
    if verdict is not None and verdict.case is not None and verdict.decision == report.decision:
        parts.append(text("step", language, step=escape(verdict.step)))
    return " · ".join(parts)


def _verdict_blocks(record: TriageRecord, report: TriageReport, language: Language) -> list[dict[str, Any]]:
    """With a model: the runbook's verdict beside the model's, said plainly when they differ; and its facts."""
    verdict = record.verdict
    if verdict is None or record.mode != "model":
        return []
    blocks = []
    if verdict.case is not None and verdict.decision != report.decision:
        line = text("vr_disagree", language, verdict=f"`{verdict.decision.value}`", step=escape(verdict.step),
                    cause=escape(verdict.cause), model=f"`{report.decision}`", reason=escape(_cut(report.cause, 600)))
        blocks.append(_section(f":warning: {line}"))
    elif verdict.case is not None:
        agree = text("vr_agree", language, decision=verdict.decision.value, step=escape(verdict.step))
        blocks.append(_context(f":scales: {agree}"))
    facts = [f"{escape(verdict.labels.get(name, name))}: {escape(display(value))}"
             for name, value in verdict.facts.items()]
    if facts:
        blocks.append(_context(_cut(" · ".join(facts), MAX_SECTION_CHARS)))
    return blocks


def _note_blocks(record: TriageRecord, language: Language) -> list[dict[str, Any]]:
    notes = []
    if record.mode == "evidence-only":
        key = "no_model_verdict" if record.verdict is not None else "no_model"
        notes.append(_context(f":information_source: {text(key, language)} {escape(record.model_note)}".strip()))
    elif record.model_note:
        notes.append(_context(f":warning: {escape(record.model_note)}"))
    notes += [_context(f":warning: {escape(note)}") for note in record.notes]
    return notes


def _route_blocks(record: TriageRecord) -> list[dict[str, Any]]:
    """``🧭 job 5521 → exit_reason: CannotPullContainerError → runbook ecs-001 → close (step 2)``."""
    if not record.route:
        return []
    line = record.route
    verdict = record.verdict
    if verdict is not None and verdict.case is not None:
        line += f" → {verdict.decision.value} (step {verdict.step})"
    return [_context(f":compass: {escape(line)}")]


def _evidence_blocks(record: TriageRecord, language: Language) -> list[dict[str, Any]]:
    steps = [*record.probes, *record.evidence]
    if not steps:
        return []
    head = f"*{text('evidence', language)}*"
    sections: list[str] = [head]
    for position, item in enumerate(steps):
        line = _evidence_line(item, language)
        if len(sections[-1]) + len(line) + 1 <= MAX_SECTION_CHARS - 100:
            sections[-1] += "\n" + line
            continue
        if len(sections) == MAX_EVIDENCE_SECTIONS:
            left = len(steps) - position
            sections[-1] += "\n" + text("more_steps", language, count=left, ref=record.id)
            break
        sections.append(line)
    return [_section(section) for section in sections]


def _evidence_line(item: EvidenceResult, language: Language) -> str:
    """One step: status, id, tool and the start of its output; the rest is folded with its size."""
    detail = " ".join((item.error or item.output).split())
    line = f"{STATUS_ICON.get(item.status, '?')} *{escape(item.step_id)}* `{escape(item.tool)}`"
    if not detail:
        return line
    if len(detail) <= EVIDENCE_SNIPPET_CHARS:
        return f"{line} {escape(detail)}"
    folded = text("folded", language, count=len(detail) - EVIDENCE_SNIPPET_CHARS)
    return f"{line} {escape(detail[:EVIDENCE_SNIPPET_CHARS])}… _({folded})_"


def _cost(usd: float) -> str:
    if usd <= 0:
        return "$0"
    return f"≈ ${usd:.4f}" if usd < 0.01 else f"≈ ${usd:.2f}"


def _section(value: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(value, MAX_SECTION_CHARS)}}


def _context(value: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(value, MAX_SECTION_CHARS)}]}


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
