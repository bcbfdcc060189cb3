"""``aiops triage``: one investigation from the terminal, with the ingress's own parsing of the input."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from app.alerts import alert_key, normalise
from app.config import Settings
from app.ingress.events import Identity, question_job
from app.ingress.interactions import InteractionError, rating_job_from_action, rating_job_from_view
from app.models import Alert, Job, JobKind, TriageRecord
from app.redacted import redacted_job
from app.secret_reader import secret_reader
from app.slack.poster import MemoryPoster
from app.slack.rating_blocks import DETAIL_ACTION, SCORES, SubmissionError
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import worker_deps
from app.worker.jobs import Outcome, handle_job
from tools.redact import redact_data

_INTERACTIONS = ("block_actions", "view_submission")


class InputError(Exception):
    """The triage input cannot be read or parsed."""


class NoJobInput(InputError):
    """The input is valid, but the ingress answers it without a job (the rating detail button)."""


def read_input(argument: str) -> str:
    """The text of ``TEXT`` or of ``@FILE``.

    Raises:
        InputError: The file cannot be read.
    """
    if not argument.startswith("@"):
        return argument
    try:
        return Path(argument[1:]).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {argument[1:]}: {exc.strerror}") from exc


def job_from_input(raw: str) -> Job:
    """A job from the input, parsed as the ingress parses it, with secrets in it redacted.

    The input is plain alert text, a Slack message, an Events API body, or an interactive payload (a rating
    click or a rating modal submission).

    Raises:
        InputError: The input is JSON that does not parse, or a payload the ingress would refuse.
    """
    return redacted_job(_parsed_job(raw))


def _parsed_job(raw: str) -> Job:
    document = _json_object(raw)
    if document is None:
        return _job(JobKind.ALERT, normalise({"text": raw.strip()}), {})
    if document.get("type") in _INTERACTIONS:
        return _rating_job(document)
    body = document if "event" in document else {"event": document}
    event: dict[str, Any] = body["event"]
    if event.get("type") == "app_mention":
        job = question_job(body, Identity())
        if job is None:
            raise InputError("the app_mention event has a subtype and would be ignored")
        return job
    return _job(JobKind.ALERT, normalise(event), event, str(body.get("event_id") or "cli"))


def run_triage(job: Job, settings: Settings, store_path: Path) -> tuple[Outcome, MemoryPoster]:
    """Do what the worker would do with the job, without Slack; the poster holds what would have been posted."""
    poster = MemoryPoster()
    deps = worker_deps(settings, slack=poster, store=SQLiteTriageStore(store_path), secrets=secret_reader(settings))
    return handle_job(job, deps), poster


def input_summary(job: Job) -> str:
    """The normalised input as people read it: the alert's fields, the question, or the rating."""
    if job.kind is JobKind.RATING and job.rating is not None:
        rating = job.rating
        scores = [f"{name} {getattr(rating, name)}" for name in SCORES if getattr(rating, name) is not None]
        line = f"Rating of {rating.record_id} by {rating.user}: {rating.level.value}"
        line += f" ({', '.join(scores)})" if scores else ""
        return line + (f"\n  comment: {rating.comment}" if rating.comment else "")
    if job.kind is JobKind.QUESTION:
        where = "in a thread" if job.in_thread else "top level"
        return f"Question ({where}): {job.alert.text}"
    return _alert_summary(job.alert)


def _alert_summary(alert: Alert) -> str:
    labels = ", ".join(f"{key}={value}" for key, value in alert.labels.items()) or "-"
    return "\n".join(
        [
            "Normalised alert",
            f"  title:    {alert.title}",
            f"  source:   {alert.source or '-'}",
            f"  status:   {alert.status} · severity: {alert.severity or '-'} · time: {alert.time.isoformat()}",
            f"  link:     {alert.link or '-'}",
            f"  labels:   {labels}",
        ]
    )


def outcome_json(job: Job, outcome: Outcome) -> str:
    """The machine-readable view of what the worker did with a job: the investigation, or the input and result."""
    record = outcome.record
    view = _record_view(record) if record is not None and record.job == job else {"input": input_view(job)}
    view["outcome"] = {"reference": outcome.reference, "status": outcome.status}
    return json.dumps(redact_data(view), indent=2, ensure_ascii=False)


def input_view(job: Job) -> dict[str, Any]:
    """The job as JSON; an alert's also carries its same-alert ``key`` (firing and resolved notifications share it)."""
    view = job.model_dump(mode="json")
    if job.kind is JobKind.ALERT:
        view["key"] = alert_key(job.alert)
    return view


def _record_view(record: TriageRecord) -> dict[str, Any]:
    return {
        "reference": record.id,
        "input": input_view(record.job),
        "runbook": {"id": record.runbook_id, "title": record.runbook_title} if record.runbook_id else None,
        "follows": record.follows or None,
        "route": record.route,
        "probes": [item.model_dump(mode="json") for item in record.probes],
        "evidence": [item.model_dump(mode="json") for item in record.evidence],
        "mode": record.mode,
        "model": record.model,
        "note": record.model_note,
        "notes": record.notes,
        "report": record.report.model_dump(mode="json") if record.report else None,
        "verdict": record.verdict.model_dump(mode="json") if record.verdict else None,
        "proposal": record.proposal.model_dump(mode="json") if record.proposal else None,
        "usage": record.usage.model_dump(mode="json"),
        "blocked_calls": [call.model_dump(mode="json") for call in record.blocked_calls],
        "tool_calls": [call.model_dump(mode="json") for call in record.tool_calls],
        "timings_ms": record.timings_ms,
    }


def _rating_job(payload: dict[str, Any]) -> Job:
    actions = payload.get("actions") or [{}]
    if payload["type"] == "block_actions" and actions[0].get("action_id") == DETAIL_ACTION:
        raise NoJobInput(
            f"the ingress opens the rating modal (views.open) for {actions[0].get('value')}; no job starts"
        )
    try:
        if payload["type"] == "view_submission":
            return rating_job_from_view(payload, time.time())
        return rating_job_from_action(payload, time.time())
    except (InteractionError, SubmissionError) as exc:
        raise InputError(f"the {payload['type']} payload would be refused: {exc}") from exc


def _json_object(raw: str) -> dict[str, Any] | None:
    text = raw.strip()
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"input looks like JSON but does not parse: {exc}") from exc
    return value if isinstance(value, dict) else None


def _job(kind: JobKind, alert: Any, event: dict[str, Any], event_id: str = "cli") -> Job:
    ts = str(event.get("ts") or "0")
    channel = str(event.get("channel") or "cli")
    return Job(kind=kind, event_id=event_id, channel=channel, ts=ts, thread_ts=ts, alert=alert)
