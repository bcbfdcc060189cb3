"""Redacted copies of what the bot stores, prints and logs: jobs, triage records and log records.

Alert text can carry secrets (a pasted config, a connection string in an error); so can exception messages.
Everything kept or shown goes through ``tools.redact`` first: the job as the worker sees it, the stored record,
the CLI's JSON, and every log message (through a log record factory the worker and the CLI install).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from app.models import Job, TriageRecord
from tools.redact import redact, redact_data


def redacted_job(job: Job) -> Job:
    """The job with the alert's title, text, source, link and labels and any rating comment redacted."""
    alert = job.alert
    clean_alert = alert.model_copy(
        update={
            "title": redact(alert.title),
            "text": redact(alert.text),
            "source": redact(alert.source),
            "link": redact(alert.link),
            "labels": {key: redact(value) for key, value in alert.labels.items()},
        }
    )
    update: dict[str, Any] = {"alert": clean_alert}
    if job.rating is not None and job.rating.comment:
        update["rating"] = job.rating.model_copy(update={"comment": redact(job.rating.comment)})
    return job.model_copy(update=update)


def redacted_record(record: TriageRecord) -> TriageRecord:
    """A copy of the record with every string in it redacted (alert, evidence, errors, report, notes)."""
    return TriageRecord.model_validate(redact_data(record.model_dump(mode="json")))


class _RedactingFactory:
    """A log record factory that redacts the formatted message and any exception text as records are made."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.inner(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: keep the template, drop the arguments
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
            record.exc_info = None
        return record


def install_log_redaction() -> None:
    """Make every log record redacted from now on (idempotent; called by the worker and CLI entry points)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(current))
