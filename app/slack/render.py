"""Block Kit for progress, reports and failures. Pure: data in, blocks out."""

from __future__ import annotations

from typing import Any

from app.models import EvidenceResult, TriageRecord, TriageReport
from tools.redact import redact

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000

RATINGS: tuple[tuple[str, str], ...] = (
    ("better", "Better than I would have done"),
    ("same", "As good as I would have done"),
    ("partly", "Partly useful"),
    ("wrong", "Wrong or useless"),
)
_STATUS_ICON = {"ok": "✓", "skipped": "–", "error": "✗", "blocked": "⛔", "timeout": "⌛"}
_DECISION_ICON = {"close": "✅", "monitor": "👀", "escalate": "🚨", "act": "🛠️", "unknown": "❔"}


def escape(text: str) -> str:
    """Escape Slack mrkdwn control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def progress_text(reference: str, lines: list[str]) -> str:
    """The text of the progress message."""
    return "\n".join([f":mag: Investigating… (ref `{reference}`)", *lines])


def report_blocks(record: TriageRecord) -> list[dict[str, Any]]:
    """The final report, within Slack's limits, ending with the rating buttons."""
    report = record.report or TriageReport(
        title="No report", cause="", recommended_action="", decision="unknown", confidence="low"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(report.title, 150) or "Report"}},
    ]
    if record.mode == "evidence-only":
        note = "Produced without a model: evidence and the runbook's own guidance, no diagnosis."
        blocks.append(_context(f":information_source: {note} {escape(record.model_note)}".strip()))
    elif record.model_note:
        blocks.append(_context(f":warning: {escape(record.model_note)}"))
    blocks += [_context(f":warning: {escape(note)}") for note in record.notes]
    blocks.append(_section(f"*Cause*\n{escape(report.cause)}"))
    if report.findings:
        bullets = "\n".join(f"• {escape(f.statement)} — _{escape(f.evidence)}_" for f in report.findings)
        blocks.append(_section(f"*Investigation*\n{bullets}"))
    icon = _DECISION_ICON.get(report.decision, "")
    blocks.append(_section(f"*Recommended action* {icon} `{report.decision}`\n{escape(report.recommended_action)}"))
    blocks += _evidence_blocks(record.evidence)
    if record.blocked_calls:
        listed = ", ".join(f"`{escape(call.tool)}`" for call in record.blocked_calls)
        blocks.append(_context(f":no_entry: Blocked tool calls (not executed): {listed}"))
    blocks = blocks[: MAX_BLOCKS - 2]
    blocks.append(_context(footer(record)))
    blocks.append(rating_actions(record.id))
    return blocks


def report_text(record: TriageRecord) -> str:
    """Notification text for the report."""
    report = record.report
    return f"{report.title}: {report.cause}" if report else "Investigation finished"


def footer(record: TriageRecord) -> str:
    """Runbook, duration, tokens and the reference id."""
    parts = [f"ref `{record.id}`"]
    if record.runbook_id:
        parts.append(f"runbook `{record.runbook_id}`")
    else:
        parts.append("no runbook matched")
    total_ms = record.timings_ms.get("total", sum(record.timings_ms.values()))
    parts.append(f"{total_ms / 1000:.1f}s")
    parts.append(f"{record.usage.total_tokens:,} tokens")
    parts.append(f"model `{record.model}`")
    return " · ".join(parts)


def rating_actions(record_id: str) -> dict[str, Any]:
    """Four rating buttons carrying the record's reference id."""
    return {
        "type": "actions",
        "block_id": f"rate:{record_id}",
        "elements": [
            {
                "type": "button",
                "action_id": f"rate_{key}",
                "text": {"type": "plain_text", "text": label},
                "value": record_id,
            }
            for key, label in RATINGS
        ],
    }


def failure_text(reference: str, error: str) -> str:
    """What the thread is told when an investigation fails."""
    return (
        f":x: The investigation failed (ref `{reference}`): {escape(redact(error))[:500]}\n"
        "The job is in the dead-letter queue; quote the reference when you ask for help."
    )


def _evidence_blocks(evidence: list[EvidenceResult]) -> list[dict[str, Any]]:
    if not evidence:
        return []
    lines = []
    for item in evidence:
        detail = item.error or item.output
        snippet = " ".join(detail.split())
        snippet = snippet if len(snippet) <= 280 else snippet[:279] + "…"
        lines.append(f"{_STATUS_ICON.get(item.status, '?')} *{escape(item.step_id)}* `{item.tool}` {escape(snippet)}")
    return [_section("*Evidence*\n" + "\n".join(lines))]


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, MAX_SECTION_CHARS)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, MAX_SECTION_CHARS)}]}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
