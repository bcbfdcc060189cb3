"""The answer of an investigation: the model's report when it may run, else the verdict or evidence report."""

from __future__ import annotations

import logging

from app.agent.budget import explain_budget
from app.agent.prompt import investigation_prompt
from app.alerts import message_text
from app.language import Language
from app.models import Job, TriageRecord, TriageReport, Usage
from app.runbooks.model import Runbook
from app.slack.poster import SlackPostError
from app.slack.progress_lines import reasoning_line
from app.slack.texts import text
from app.worker.deps import WorkerDeps
from app.worker.followup import earlier_findings, followup_report
from app.worker.model_build import built_model
from app.worker.progress import Progress
from app.worker.report import evidence_report, verdict_report
from app.worker.spend import hold_budget
from tools.redact import redact
from tools.registry import ToolRegistry

logger = logging.getLogger(__name__)

_UNSHOWN = frozenset({TriageReport.__name__})  # the structured-output tool is not a step people care about


def answer(
    job: Job,
    deps: WorkerDeps,
    record: TriageRecord,
    runbook: Runbook | None,
    registry: ToolRegistry,
    progress: Progress,
    earlier: TriageRecord | None,
) -> None:
    """Set the record's report, mode and usage.

    From the model when it may run and is within budget; else the runbook's verdict, the evidence, or the
    earlier answer for a follow-up. A model that fails falls back the same way, and says so.
    """
    language = progress.language
    reached = record.verdict is not None and record.verdict.reached
    skip = _model_skipped(deps, reached, language)
    model, failure = (None, "") if skip else built_model(deps.model)
    hold = hold_budget(job, deps.claims, deps.spend_limits, deps.budget.max_total_tokens, deps.prices, model)
    if model is None or not hold.granted:
        note = text("model_failed", language, error=failure) if failure else text("no_model_configured", language)
        record.mode = "evidence-only"
        record.model_note = skip or hold.note or note
        record.report = _without_model(job, runbook, earlier, language, record)
        return
    explain = reached and deps.model_runs == "explain"
    progress.show("agent", reasoning_line(language))
    context = earlier_findings(earlier) if earlier else ""
    prompt = investigation_prompt(
        job, runbook, [*record.probes, *record.evidence], _thread_so_far(job, deps), earlier=context, language=language,
        verdict=record.verdict, explain=explain,
    )
    tools, budget = (ToolRegistry([]), explain_budget(deps.budget)) if explain else (registry, deps.budget)
    from app.agent.investigator import run_agent  # Strands is imported only when a model runs
    from app.worker.agent_progress import AgentProgress

    try:
        hooks = [AgentProgress(progress, hidden=_UNSHOWN, label=tools.label)]
        outcome = run_agent(model, tools, prompt, budget, hooks)
    except Exception as exc:  # the model failed: fall back to the evidence report, and say so
        logger.exception("model failed for %s", record.id)
        note = text("model_failed", language, error=redact(f"{type(exc).__name__}: {exc}"))
        record.mode, record.model_note = "evidence-only", note
        record.report = _without_model(job, runbook, earlier, language, record)
        record.spend = hold.settle(Usage())
        return
    record.mode, record.report, record.usage = "model", outcome.report, outcome.usage
    record.spend = hold.settle(outcome.usage)
    record.blocked_calls, record.tool_calls, record.model_note = outcome.blocked, outcome.calls, outcome.note


def _model_skipped(deps: WorkerDeps, reached: bool, language: Language) -> str:
    """Why the model does not run under the ``model_runs`` setting, or "" when it may."""
    if deps.model_runs == "never":
        return text("vr_model_never", language)
    if reached and deps.model_runs == "no-verdict":
        return text("vr_model_skipped", language, policy=deps.model_runs)
    return ""


def _without_model(
    job: Job, runbook: Runbook | None, earlier: TriageRecord | None, language: Language, record: TriageRecord
) -> TriageReport:
    if earlier and not record.evidence:
        return followup_report(job, earlier, language)
    if runbook is not None and record.verdict is not None:
        return verdict_report(job, runbook, record.verdict, language)
    return evidence_report(job, runbook, record.evidence, language)


def _thread_so_far(job: Job, deps: WorkerDeps) -> list[str]:
    """For a question inside a thread: the earlier messages, as text (redacted), without the question itself."""
    if not job.in_thread:
        return []
    try:
        messages = deps.slack.thread(job.channel, job.thread_ts)
    except SlackPostError as exc:  # context is useful, not essential: answer without it
        logger.warning("could not read thread %s: %s", job.thread_ts, exc)
        return []
    texts = [message_text(m) for m in messages if m.get("ts") != job.ts]
    return [redact(text) for text in texts if text.strip()]
