"""``aiops triage``: one investigation from the terminal, with the ingress's own parsing of the input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.alerts import normalise
from app.config import Settings
from app.ingress.events import Identity, question_job
from app.models import Job, JobKind, TriageRecord
from app.slack.poster import MemoryPoster
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import worker_deps
from app.worker.pipeline import investigate


class InputError(Exception):
    """The triage input cannot be read or parsed."""


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
    """A job from plain alert text, a Slack message, or an Events API body, parsed as the ingress parses it."""
    document = _json_object(raw)
    if document is None:
        return _job(JobKind.ALERT, normalise({"text": raw.strip()}), {})
    body = document if "event" in document else {"event": document}
    event: dict[str, Any] = body["event"]
    if event.get("type") == "app_mention":
        job = question_job(body, Identity())
        if job is None:
            raise InputError("the app_mention event has a subtype and would be ignored")
        return job
    return _job(JobKind.ALERT, normalise(event), event, str(body.get("event_id") or "cli"))


def run_triage(job: Job, settings: Settings, store_path: Path) -> tuple[TriageRecord, MemoryPoster]:
    """Investigate one job without Slack; the poster holds what would have been posted."""
    poster = MemoryPoster()
    deps = worker_deps(settings, slack=poster, store=SQLiteTriageStore(store_path))
    return investigate(job, deps), poster


def record_json(record: TriageRecord) -> str:
    """The machine-readable view of an investigation."""
    view = {
        "reference": record.id,
        "input": record.job.model_dump(mode="json"),
        "runbook": {"id": record.runbook_id, "title": record.runbook_title} if record.runbook_id else None,
        "evidence": [item.model_dump(mode="json") for item in record.evidence],
        "mode": record.mode,
        "model": record.model,
        "note": record.model_note,
        "notes": record.notes,
        "report": record.report.model_dump(mode="json") if record.report else None,
        "usage": record.usage.model_dump(mode="json"),
        "blocked_calls": [call.model_dump(mode="json") for call in record.blocked_calls],
        "tool_calls": [call.model_dump(mode="json") for call in record.tool_calls],
        "timings_ms": record.timings_ms,
    }
    return json.dumps(view, indent=2, ensure_ascii=False)


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
