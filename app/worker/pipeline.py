"""One investigation: progress message, runbook, evidence, agent, report, record."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from strands.models import Model

from app.agent.investigator import Budget, run_agent
from app.agent.prompt import investigation_prompt
from app.alerts import message_text
from app.language import Language, detect_language
from app.models import EvidenceResult, Job, TriageRecord, TriageReport
from app.runbooks.catalog import Catalog, extract_fields, load_catalog
from app.runbooks.model import EvidenceSpec, Runbook
from app.runbooks.source import RunbookSource
from app.slack import render
from app.slack.poster import Poster, SlackPostError
from app.slack.texts import text
from app.storage.triage import TriageStore
from app.worker.cost import Prices, estimate_cost
from app.worker.evidence import collect_evidence
from app.worker.followup import earlier_findings, earlier_record, followup_report
from app.worker.progress import AgentProgress, Progress, runbook_line, step_line
from app.worker.report import evidence_report
from app.worker.threads import run_steps
from tools.redact import redact
from tools.registry import ToolRegistry

logger = logging.getLogger(__name__)

_UNSHOWN = frozenset({TriageReport.__name__})  # the structured-output tool is not a step people care about


class InvestigationError(Exception):
    """The investigation failed; the thread was told, with the reference id."""


@dataclass
class WorkerDeps:
    """Everything one investigation uses, built once per cold start."""

    source: RunbookSource
    slack: Poster
    store: TriageStore
    tools: Callable[[Catalog], ToolRegistry]
    model: Callable[[], Model | None]
    model_spec: str = "none"
    budget: Budget = field(default_factory=Budget)
    evidence_timeout: float = 20.0
    progress_interval: float = 1.0
    prices: Prices = field(default_factory=Prices)


def new_reference() -> str:
    """A short reference id people can quote."""
    return f"tri-{uuid.uuid4().hex[:12]}"


def investigate(job: Job, deps: WorkerDeps) -> TriageRecord:
    """Run the investigation and reply in the thread.

    Raises:
        InvestigationError: Something failed; the thread has a failure message and the record is stored.
    """
    record = TriageRecord(id=new_reference(), job=job, model=deps.model_spec)
    language = detect_language(job.alert.full_text())
    started = time.perf_counter()
    progress: Progress | None = None
    try:
        progress_ts = deps.slack.post(job.channel, job.thread_ts, render.progress_text(record.id, [], language))
        send = partial(deps.slack.update, job.channel, progress_ts)
        progress = Progress(send, record.id, language, interval=deps.progress_interval)
        _run(job, deps, record, progress, progress_ts, started)
    except Exception as exc:
        if progress is not None:
            progress.stop()
        _fail(job, deps, record, exc, language)
        raise InvestigationError(f"investigation {record.id} failed: {exc}") from exc
    return record


def _run(
    job: Job, deps: WorkerDeps, record: TriageRecord, progress: Progress, progress_ts: str, started: float
) -> None:
    with _timed(record, "runbooks"):
        catalog = load_catalog(deps.source)
        earlier = earlier_record(job, deps.store)
        runbook = _runbook(job, catalog, earlier)
    record.notes += _catalog_notes(catalog)
    if earlier is not None:
        record.follows = earlier.id
        progress.show("earlier", text("continuing", progress.language, ref=earlier.id))
    if runbook is not None:
        record.runbook_id, record.runbook_title, record.runbook_link = runbook.id, runbook.title, runbook.link
    progress.show("runbook", runbook_line(runbook, progress.language))
    registry = deps.tools(catalog)
    with _timed(record, "evidence"):
        continuing = earlier is not None and runbook is not None and earlier.runbook_id == runbook.id
        record.evidence = [] if continuing else _evidence(job, runbook, registry, deps, progress)
    with _timed(record, "agent"):
        _report(job, deps, record, runbook, registry, progress, earlier)
    record.usage.estimated_cost_usd = estimate_cost(record.usage, deps.prices)
    record.timings_ms["total"] = round((time.perf_counter() - started) * 1000, 1)
    progress.stop()  # a late progress update must not overwrite the report
    deps.slack.update(job.channel, progress_ts, render.report_text(record), render.report_blocks(record))
    record.reply_ts = progress_ts
    deps.store.put(record)


def _runbook(job: Job, catalog: Catalog, earlier: TriageRecord | None) -> Runbook | None:
    """A follow-up keeps the runbook of the earlier answer; anything else is matched afresh."""
    if earlier is not None and earlier.runbook_id:
        kept = catalog.get(earlier.runbook_id)
        if kept is not None:
            return kept
    match = catalog.match(job.alert)
    return match.runbook if match else None


def _catalog_notes(catalog: Catalog) -> list[str]:
    """Say when runbooks could not be loaded, so that a missing match is never silent."""
    for problem in catalog.problems:
        logger.warning("runbook not loaded: %s", problem)
    notes = []
    if catalog.problems:
        notes.append(f"{len(catalog.problems)} runbook file(s) failed to load, first: {catalog.problems[0]}")
    if not catalog.runbooks:
        notes.append("The runbook catalog is empty: no runbook could be matched.")
    if catalog.note:
        notes.append(catalog.note)
    return notes


def _evidence(
    job: Job, runbook: Runbook | None, registry: ToolRegistry, deps: WorkerDeps, progress: Progress
) -> list[EvidenceResult]:
    if runbook is None or not runbook.evidence:
        return []
    fields = extract_fields(runbook, job.alert)

    def on_step(step: EvidenceSpec, result: EvidenceResult | None) -> None:
        progress.show(f"step:{step.id}", step_line(step, result, progress.language, registry.label(step.tool)))

    return run_steps(
        collect_evidence(
            runbook,
            fields,
            job.alert.time,
            registry,
            timeout=deps.evidence_timeout,
            refuse=registry.refusal,
            on_step=on_step,
        ),
        len(runbook.evidence),
    )


def _report(
    job: Job,
    deps: WorkerDeps,
    record: TriageRecord,
    runbook: Runbook | None,
    registry: ToolRegistry,
    progress: Progress,
    earlier: TriageRecord | None,
) -> None:
    language = progress.language
    model = deps.model()
    if model is None:
        record.mode, record.model_note = "evidence-only", text("no_model_configured", language)
        record.report = _without_model(job, runbook, earlier, language, record.evidence)
        return
    progress.show("agent", text("reasoning", language))
    context = earlier_findings(earlier) if earlier else ""
    prompt = investigation_prompt(
        job, runbook, record.evidence, _thread_so_far(job, deps), earlier=context, language=language
    )
    try:
        hooks = [AgentProgress(progress, hidden=_UNSHOWN, label=registry.label)]
        outcome = run_agent(model, registry, prompt, deps.budget, hooks)
    except Exception as exc:  # the model failed: fall back to the evidence report, and say so
        logger.exception("model failed for %s", record.id)
        note = text("model_failed", language, error=f"{type(exc).__name__}: {exc}")
        record.mode, record.model_note = "evidence-only", note
        record.report = _without_model(job, runbook, earlier, language, record.evidence)
        return
    record.mode, record.report, record.usage = "model", outcome.report, outcome.usage
    record.blocked_calls, record.tool_calls, record.model_note = outcome.blocked, outcome.calls, outcome.note


def _without_model(
    job: Job, runbook: Runbook | None, earlier: TriageRecord | None, language: Language, evidence: list[EvidenceResult]
) -> TriageReport:
    if earlier:
        return followup_report(job, earlier, language)
    return evidence_report(job, runbook, evidence, language)


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


def _fail(job: Job, deps: WorkerDeps, record: TriageRecord, exc: Exception, language: Language) -> None:
    logger.exception("investigation %s failed", record.id)
    record.status, record.error = "failed", f"{type(exc).__name__}: {exc}"
    try:
        deps.slack.post(job.channel, job.thread_ts, render.failure_text(record.id, record.error, language))
    except Exception:
        logger.exception("could not tell the thread about %s", record.id)
    try:
        deps.store.put(record)
    except Exception:
        logger.exception("could not store failed record %s", record.id)


class _timed:
    """Adds the block's duration to ``record.timings_ms[name]``."""

    def __init__(self, record: TriageRecord, name: str) -> None:
        self._record, self._name = record, name
        self._started = 0.0

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = (time.perf_counter() - self._started) * 1000
        self._record.timings_ms[self._name] = round(elapsed, 1)
