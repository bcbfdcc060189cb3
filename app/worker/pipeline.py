"""One investigation: progress message, runbook, evidence, agent, report, record."""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING

from app.actions.propose import propose_for
from app.language import Language, detect_language
from app.models import EvidenceResult, Job, TriageRecord, utcnow
from app.runbooks.catalog import Catalog, extract_fields
from app.runbooks.model import EvidenceSpec, Runbook
from app.runbooks.tiebreak import select_runbook
from app.slack import render
from app.slack.live import LiveStatus
from app.slack.progress_lines import continuing_line, route_line, runbook_line, step_line, verdict_line
from app.worker.answer import answer
from app.worker.cost import estimate_cost
from app.worker.deps import WorkerDeps
from app.worker.evidence import collect_evidence
from app.worker.followup import earlier_record
from app.worker.progress import Progress
from app.worker.route import find_route
from app.worker.threads import run_steps
from app.worker.verdicts import runbook_verdict, stored
from tools.redact import redact
from tools.registry import ToolRegistry

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

class InvestigationError(Exception):
    """The investigation failed; the thread was told, with the reference id."""


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
    live: LiveStatus | None = None
    try:
        progress_ts = deps.slack.post(job.channel, job.thread_ts, render.progress_text(record.id, [], language))
        live = LiveStatus(deps.slack, job.channel, job.thread_ts, progress_ts)  # never raises
        progress = Progress(live.send, record.id, language, interval=deps.progress_interval)
        _run(job, deps, record, progress, progress_ts, started)
    except Exception as exc:
        if progress is not None:
            progress.stop()
        _fail(job, deps, record, exc, language)
        raise InvestigationError(f"investigation {record.id} failed: {exc}") from exc
    finally:
        if live is not None:
            live.clear()
    return record


def _run(
    job: Job, deps: WorkerDeps, record: TriageRecord, progress: Progress, progress_ts: str, started: float
) -> None:
    with _timed(record, "runbooks"):
        catalog = deps.catalog()
        earlier = earlier_record(job, deps.store)
        runbook = _runbook(job, catalog, earlier, deps, record)
    record.notes += _catalog_notes(catalog)
    if earlier is not None:
        record.follows = earlier.id
        progress.show("earlier", continuing_line(earlier.id, progress.language))
    if runbook is not None:
        record.runbook_id, record.runbook_title, record.runbook_link = runbook.id, runbook.title, runbook.link
    registry = deps.tools(catalog)
    fields = extract_fields(runbook, job.alert) if runbook is not None else {}
    if earlier is None and _by_words_alone(job, catalog, runbook):
        with _timed(record, "probes"):
            routed, routed_fields = _routed(job, catalog, registry, deps, record, progress)
        if routed is not None:
            runbook, fields = routed, routed_fields
        elif runbook is not None:
            record.route = ""  # the words' runbook stands; the probes stay as evidence
    progress.show("runbook", runbook_line(runbook, progress.language))
    with _timed(record, "evidence"):
        continuing = earlier is not None and runbook is not None and earlier.runbook_id == runbook.id
        record.evidence = [] if continuing else _evidence(job, runbook, fields, registry, deps, progress)
    with _timed(record, "verdict"):  # a follow-up that collected nothing new keeps to the earlier findings
        record.verdict = None if continuing else runbook_verdict(runbook, record.evidence, fields, job.alert)
    if record.verdict is not None:
        progress.show("verdict", verdict_line(record.verdict, progress.language))
    with _timed(record, "agent"):
        answer(job, deps, record, runbook, registry, progress, earlier)
    record.proposal = propose_for(record, runbook, fields, message_ts=progress_ts, now=utcnow())
    if record.proposal is not None and deps.actions is not None:
        deps.actions.put(record.proposal)
    elif record.proposal is not None:
        record.proposal = None  # nowhere to keep it: never show buttons that cannot be honoured
    record.evidence = stored(record.evidence)
    record.usage.estimated_cost_usd = estimate_cost(record.usage, deps.prices)
    record.timings_ms["total"] = round((time.perf_counter() - started) * 1000, 1)
    progress.stop()  # a late progress update must not overwrite the report
    deps.slack.update(job.channel, progress_ts, render.report_text(record), render.report_blocks(record))
    record.reply_ts = progress_ts
    deps.store.put(record)


def _by_words_alone(job: Job, catalog: Catalog, runbook: Runbook | None) -> bool:
    """No runbook, or one found by shared words only (no rule): what the text names may say better."""
    if runbook is None:
        return True
    match = catalog.match(job.alert)
    return match is not None and match.kind == "lexical"


def _routed(
    job: Job, catalog: Catalog, registry: ToolRegistry, deps: WorkerDeps, record: TriageRecord, progress: Progress
) -> tuple[Runbook | None, dict[str, str]]:
    """No runbook matched the words: probe the entities the text names, and match what the probes found."""
    route = find_route(job.alert, catalog, registry, timeout=deps.evidence_timeout, refuse=registry.refusal)
    record.probes, record.route = stored(route.probes), route.line()
    if record.route:
        progress.show("route", route_line(record.route))
    if route.runbook is not None:
        runbook = route.runbook
        record.runbook_id, record.runbook_title, record.runbook_link = runbook.id, runbook.title, runbook.link
    elif not route.entities:
        record.probes, record.route = [], ""
    return route.runbook, route.fields


def _runbook(
    job: Job, catalog: Catalog, earlier: TriageRecord | None, deps: WorkerDeps, record: TriageRecord
) -> Runbook | None:
    """A follow-up keeps the runbook of the earlier answer; anything else is matched afresh."""
    if earlier is not None and earlier.runbook_id:
        kept = catalog.get(earlier.runbook_id)
        if kept is not None:
            return kept
    selection = select_runbook(catalog, job.alert, deps.model if deps.tiebreak else None)
    if selection.note:
        record.notes.append(selection.note)
    return selection.runbook


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
    job: Job,
    runbook: Runbook | None,
    fields: dict[str, str],
    registry: ToolRegistry,
    deps: WorkerDeps,
    progress: Progress,
) -> list[EvidenceResult]:
    if runbook is None or not runbook.evidence:
        return []

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
    )


def _fail(job: Job, deps: WorkerDeps, record: TriageRecord, exc: Exception, language: Language) -> None:
    logger.exception("investigation %s failed", record.id)
    record.status, record.error = "failed", redact(f"{type(exc).__name__}: {exc}")
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
