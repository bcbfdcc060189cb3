"""The lines of the progress message: the matched runbook, each evidence step, the agent's tool calls, the verdict.

Pure: data in, mrkdwn lines out. The worker decides when a line changes (``app.worker.progress``); the words
and icons are chosen here, in the investigation's language.
"""

from __future__ import annotations

from typing import Literal

from app.language import Language
from app.models import EvidenceResult, Verdict
from app.runbooks.model import EvidenceSpec, Runbook
from app.slack.render import STATUS_ICON, escape
from app.slack.texts import text

SUMMARY_CHARS = 100
ToolEnd = Literal["ok", "error", "blocked"]


def runbook_line(runbook: Runbook | None, language: Language) -> str:
    """The matched runbook, or that none matched."""
    if runbook is None:
        return text("no_runbook", language)
    return text("runbook", language, id=runbook.id, title=escape(runbook.title))


def verdict_line(verdict: Verdict, language: Language) -> str:
    """The runbook's verdict, or that none of its cases held."""
    word = text(f"decision_{verdict.decision.value}", language)
    if verdict.case is None:
        return text("verdict_none", language)
    return text("verdict", language, decision=word, step=escape(verdict.step))


def step_line(step: EvidenceSpec, result: EvidenceResult | None, language: Language, label: str = "") -> str:
    """A step while it runs (``… querying Cloud Logging``) or once done (``✓ jobs API: job 1 SUCCEEDED``).

    ``label`` names the system the step's tool reads (its tool set's label); the tool's name without one.
    """
    label = label or step.tool
    if result is None:
        return text("querying", language, label=label, step=escape(step.id))
    detail = " ".join((result.output if result.status == "ok" else result.error).split())
    if len(detail) > SUMMARY_CHARS:
        detail = detail[: SUMMARY_CHARS - 1] + "…"
    icon = STATUS_ICON.get(result.status, "?")
    return f"{icon} {label} ({escape(step.id)})" + (f": {escape(detail)}" if detail else "")


def agent_tool_line(label: str, language: Language) -> str:
    """A tool call the agent is making, by the label of the system it reads."""
    return text("agent_tool", language, label=label)


def agent_tool_end_line(label: str, end: ToolEnd) -> str:
    """How the agent's tool call ended: ``ok``, ``error``, or ``blocked`` by the guard."""
    return f"{STATUS_ICON[end]} 🤖 {label}"


def route_line(route: str) -> str:
    """The path from a question's entities to its runbook (``job 123 → … → runbook ecs-001``)."""
    return f"🧭 {escape(route)}"


def continuing_line(reference: str, language: Language) -> str:
    """That this investigation goes on from an earlier one, by its reference."""
    return text("continuing", language, ref=reference)


def reasoning_line(language: Language) -> str:
    """That the model is at work."""
    return text("reasoning", language)
