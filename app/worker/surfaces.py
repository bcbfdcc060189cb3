"""The worker's side of the Slack surfaces: publish the App Home, answer ``/aiops``, draft a runbook."""

from __future__ import annotations

import logging
from datetime import datetime

from app.alerts import normalise
from app.models import Job, JobKind, TriageRecord, utcnow
from app.reports.home import HomeSummary, home_summary, since
from app.runbooks.catalog import load_catalog
from app.runbooks.source import SourceError
from app.slack.command_blocks import Status, match_text, status_text, unknown_text
from app.slack.home_blocks import home_view
from app.slack.poster import Poster, SlackPostError
from app.storage.triage import TriageStore
from app.worker.deps import WorkerDeps
from app.worker.drafting import draft_into_thread
from app.worker.pipeline import InvestigationError, investigate

logger = logging.getLogger(__name__)


def handle_request(job: Job, deps: WorkerDeps) -> str:
    """Do what a surface job asks; returns a short status.

    Raises:
        SlackPostError: Slack refused the view, the file or the answer (the job is retried, then dead-lettered).
    """
    request = job.request
    if request is None:
        raise ValueError(f"a {job.kind.value} job needs a request")
    if job.kind is JobKind.HOME:
        summary = publish_home(job.user, deps.slack, deps.store)
        return f"home published ({len(summary.latest)} investigations listed)"
    if job.kind is JobKind.DRAFT:
        return draft_into_thread(job, deps.slack, deps.store, deps.model)
    deps.slack.respond(request.response_url, command_answer(request.action, request.text, deps))
    return f"answered /aiops {request.action}"


def investigate_shortcut(job: Job, deps: WorkerDeps) -> TriageRecord:
    """Investigate the message a person used the shortcut on; if that fails, tell them privately as well.

    The thread may not have heard (the bot is not in the channel, so it cannot post there).

    Raises:
        InvestigationError: The investigation failed.
    """
    try:
        return investigate(job, deps)
    except InvestigationError as exc:
        url = job.request.response_url if job.request else ""
        if url:
            try:
                deps.slack.respond(url, shortcut_failure_text(exc))
            except SlackPostError as again:
                logger.warning("could not tell the person about the failed shortcut: %s", again)
        raise


def shortcut_failure_text(exc: Exception) -> str:
    """What the person who used the shortcut is told when the investigation failed."""
    return (f":x: {exc}. If the bot is not in this channel, invite it (`/invite @aiops`) and use the shortcut "
            "again.")


def publish_home(user: str, slack: Poster, store: TriageStore, now: datetime | None = None) -> HomeSummary:
    """Build one person's App Home from the stored records and publish it."""
    now = now or utcnow()
    note = ""
    try:
        channels = slack.member_channels(user)
    except SlackPostError as exc:  # without their channels nothing is listed by name, and the view says so
        logger.warning("channels of %s could not be read: %s", user, exc)
        channels, note = set(), "your channels could not be read, so no investigation is listed"
    start = since(now)
    summary = home_summary(store.recent(start), store.rated_records(start), channels, now, note)
    slack.publish_home(user, home_view(summary))
    return summary


def command_answer(action: str, text: str, deps: WorkerDeps) -> str:
    """The ephemeral answer to ``/aiops match TEXT`` or ``/aiops status``."""
    if action not in ("match", "status"):
        return unknown_text(action)
    try:
        catalog = load_catalog(deps.source)
    except SourceError as exc:
        return f":warning: The runbook catalog cannot be read: {exc}"
    if action == "match":
        alert = normalise({"type": "message", "text": text})
        return match_text(text, catalog.match(alert), catalog.rank(alert, limit=4))
    now = utcnow()
    today = [r for r in deps.store.recent(now.replace(hour=0, minute=0, second=0, microsecond=0), limit=10_000)]
    return status_text(Status(
        model=deps.model_spec,
        catalog_version=catalog.version,
        runbooks=len(catalog.runbooks),
        problems=len(catalog.problems),
        investigations_today=len(today),
        failed_today=sum(1 for record in today if record.status == "failed"),
        spend_today=sum(record.usage.estimated_cost_usd for record in today),
        note=catalog.note,
    ))
