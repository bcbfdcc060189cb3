"""What the worker does with each kind of job: investigate, note a resolution, store a rating, or serve a surface."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.actions.approval import handle_click
from app.models import Job, JobKind, TriageRecord
from app.redacted import redacted_job
from app.worker.correlate import close_on_resolution, join_open, release_failed
from app.worker.deps import WorkerDeps
from app.worker.grouped import link_reply, member_resolved, refresh_report
from app.worker.pipeline import InvestigationError, investigate
from app.worker.ratings import misplaced_rating, record_rating
from app.worker.resolved import note_resolution
from app.worker.surfaces import handle_request, investigate_shortcut

_SURFACES = frozenset({JobKind.HOME, JobKind.COMMAND, JobKind.DRAFT})

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """The result of one job: a reference people can quote, a status, and the record when one was made."""

    reference: str
    status: str
    record: TriageRecord | None = None

    def receipt(self) -> dict[str, str]:
        """The worker Lambda's JSON result."""
        return {"reference": self.reference, "status": self.status}


def handle_job(job: Job, deps: WorkerDeps) -> Outcome:
    """Route one job.

    Raises:
        InvestigationError: An investigation failed (the thread was told).
        Exception: Storing a rating failed; the invocation is retried and then dead-lettered.
    """
    job = redacted_job(job)  # secrets in an alert or comment go no further: not to the model, Slack or the store
    if job.kind is JobKind.RATING and job.rating is not None:
        refusal = misplaced_rating(job, deps.store)
        if refusal is not None:
            logger.warning("rating refused: %s", refusal)
            return Outcome(job.rating.record_id, f"refused: {refusal}")
        ratings = record_rating(job.rating, deps.slack, deps.store)
        count = len(ratings)
        return Outcome(job.rating.record_id, f"rated ({count} rating{'' if count == 1 else 's'})")
    if job.kind is JobKind.APPROVAL and job.approval is not None:
        if deps.approvals is None:
            return Outcome(job.approval.proposal_id, "refused: actions are not configured")
        return Outcome(job.approval.proposal_id, handle_click(job.approval, deps.approvals))
    if job.kind in _SURFACES:
        return Outcome(job.request.record_id if job.request else "", handle_request(job, deps))
    if job.request is not None and job.request.action == "shortcut":
        record = investigate_shortcut(job, deps)
        return Outcome(record.id, record.status, record)
    if job.kind is JobKind.ALERT and job.alert.status == "resolved":
        return _resolution(job, deps)
    return _investigation(job, deps)


def _investigation(job: Job, deps: WorkerDeps) -> Outcome:
    """Join an open investigation (a repeat or a storm), or investigate and show who joined since."""
    if deps.claims is not None:
        joined = join_open(job, deps.claims, deps.catalog, deps.correlation)
        if joined is not None:
            link_reply(job, joined, deps.slack, deps.correlation)
            refresh_report(joined.claim.channel, joined.claim.thread_ts, deps.store, deps.claims, deps.slack,
                           deps.correlation)
            return Outcome("", f"{joined.kind}: linked to the thread {joined.claim.thread_ts}")
    try:
        record = investigate(job, deps)
    except InvestigationError:
        if deps.claims is not None and job.kind is JobKind.ALERT:
            release_failed(job, deps.claims)
        raise
    if deps.claims is not None and job.kind is JobKind.ALERT:
        refresh_report(job.channel, job.thread_ts, deps.store, deps.claims, deps.slack, deps.correlation)
    return Outcome(record.id, record.status, record)


def _resolution(job: Job, deps: WorkerDeps) -> Outcome:
    """Note a resolution in the thread that investigated the alert, and free its claims."""
    closed = close_on_resolution(job, deps.claims) if deps.claims is not None else None
    earlier = note_resolution(job, deps.slack, deps.store)
    if earlier is not None:
        return Outcome(earlier.id, "resolved, noted in the earlier thread", earlier)
    if closed is not None and closed.thread_ts != closed.origin_ts:
        member_resolved(job, closed, deps.slack)
        return Outcome("", f"resolved, noted in the grouped thread {closed.thread_ts}")
    return Outcome("", "resolved, no earlier investigation")
