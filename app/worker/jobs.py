"""What the worker does with each kind of job: investigate, note a resolution, store a rating, or serve a surface."""

from __future__ import annotations

from dataclasses import dataclass

from app.actions.approval import handle_click
from app.models import Job, JobKind, TriageRecord
from app.worker.pipeline import WorkerDeps, investigate
from app.worker.ratings import record_rating
from app.worker.resolved import note_resolution
from app.worker.surfaces import handle_request, investigate_shortcut

_SURFACES = frozenset({JobKind.HOME, JobKind.COMMAND, JobKind.DRAFT})


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
    if job.kind is JobKind.RATING and job.rating is not None:
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
        earlier = note_resolution(job, deps.slack, deps.store)
        if earlier is None:
            return Outcome("", "resolved, no earlier investigation")
        return Outcome(earlier.id, "resolved, noted in the earlier thread", earlier)
    record = investigate(job, deps)
    return Outcome(record.id, record.status, record)
