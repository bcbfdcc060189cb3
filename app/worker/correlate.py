"""Repeats and storms: an alert that joins an open investigation instead of starting its own.

Two claims decide it, both atomic in the store (`app.storage.claims`):

- the **repeat** claim ``repeat:<channel>:<alert key>``: the same alert firing again within the repeat window
  joins the investigation of its first firing;
- the **storm** claim ``storm:<channel>:<runbook>:<shape>``: alerts that match the same runbook and differ only in
  their extracted fields (and times) join the first of them within the storm window, from the threshold-th on.

A resolved notification closes the alert's repeat claim, so the next firing is investigated again; when the alert
led a storm, the storm closes with it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from app.alerts import alert_key
from app.config import setting_default
from app.models import Job, JobKind
from app.runbooks.catalog import Catalog, extract_fields
from app.runbooks.model import Runbook
from app.storage.claims import Claim, ClaimStore, Member

logger = logging.getLogger(__name__)

_TIMES = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?|\d{1,2}:\d{2}(?::\d{2})?"
    r"|\d{4}[./-]\d{2}[./-]\d{2}|\b\d{10}(?:\.\d+)?\b"
)


@dataclass(frozen=True)
class Correlation:
    """When alerts join an open investigation (settings ``AIOPS_REPEAT_WINDOW_SECONDS`` and ``AIOPS_STORM_*``).

    Attributes:
        repeat_window: Seconds after an alert's first firing during which the same alert joins it; 0 turns off.
        storm_window: Seconds after the first alert of a storm during which alike alerts join it; 0 turns off.
        storm_threshold: The how-many-th alike alert within the window is the first to join (2: all but the first).
        archive_url: Base of links to Slack threads (``https://WORKSPACE.slack.com/archives``).
    """

    repeat_window: float = setting_default("repeat_window_seconds")
    storm_window: float = setting_default("storm_window_seconds")
    storm_threshold: int = setting_default("storm_threshold")
    archive_url: str = setting_default("slack_archive_url")


@dataclass(frozen=True)
class Joined:
    """An alert that joined an open investigation: which claim, and why."""

    claim: Claim
    kind: Literal["repeat", "storm"]
    fields: dict[str, str]


def repeat_name(job: Job) -> str:
    """The repeat claim of the job's alert."""
    return f"repeat:{job.channel}:{alert_key(job.alert)}"


def join_open(
    job: Job, claims: ClaimStore, catalog: Callable[[], Catalog], settings: Correlation
) -> Joined | None:
    """Join the open investigation this firing alert belongs to; None when the job must be investigated itself."""
    if job.kind is not JobKind.ALERT or job.alert.status != "firing":
        return None
    at = job.alert.time.timestamp()
    own = Claim(repeat_name(job), job.channel, job.thread_ts, job.ts, at)
    if settings.repeat_window > 0:
        repeat = claims.join(own, settings.repeat_window, Member(job.ts))
        if not repeat.owner:
            logger.info("alert %s repeats the one investigated in thread %s", job.event_id, repeat.thread_ts)
            return Joined(repeat, "repeat", {})
    if settings.storm_window <= 0:
        return None
    found = storm_of(job, catalog)
    if found is None:
        return None
    group, fields = found
    first = Claim(group, job.channel, job.thread_ts, job.ts, at)
    storm = claims.join(first, settings.storm_window, Member(job.ts, fields))
    if storm.owner:
        claims.retarget(own.name, job.thread_ts, group)
    if storm.owner or storm.count < settings.storm_threshold:
        return None
    claims.retarget(own.name, storm.thread_ts, group)
    logger.info("alert %s joins the storm investigated in thread %s (%d alerts)", job.event_id, storm.thread_ts,
                storm.count)
    return Joined(storm, "storm", fields)


def close_on_resolution(job: Job, claims: ClaimStore) -> Claim | None:
    """Close the repeat claim of a resolved alert (and the storm it led); returns the closed repeat claim."""
    closed = claims.close(repeat_name(job))
    if closed is not None and closed.group and closed.thread_ts == closed.origin_ts:
        claims.close(closed.group)  # the alert that led the storm resolved: alike alerts start afresh
    return closed


def release_failed(job: Job, claims: ClaimStore) -> None:
    """Free the claims a failed investigation owned, so that the next alike alert is investigated afresh."""
    own = claims.get(repeat_name(job))
    if own is None or own.thread_ts != job.thread_ts:
        return
    claims.close(own.name)
    group = claims.get(own.group) if own.group else None
    if group is not None and group.thread_ts == job.thread_ts:
        claims.close(group.name)


def storm_of(job: Job, catalog: Callable[[], Catalog]) -> tuple[str, dict[str, str]] | None:
    """The storm claim name and extracted fields of an alert that matches a runbook; None without a match."""
    try:
        match = catalog().match(job.alert)
    except Exception as exc:  # the investigation will say what is wrong with the catalog; never group blindly
        logger.warning("no storm grouping for %s: catalog not loaded: %s", job.event_id, exc)
        return None
    if match is None:
        return None
    fields = extract_fields(match.runbook, job.alert)
    digest = hashlib.sha256(f"{job.alert.source}|{shape(job, match.runbook, fields)}".encode()).hexdigest()[:20]
    return f"storm:{job.channel}:{match.runbook.id}:{digest}", fields


def shape(job: Job, runbook: Runbook, fields: dict[str, str]) -> str:
    """The alert's text with its extracted fields and its times replaced by placeholders."""
    text = job.alert.full_text()
    for name, value in sorted(fields.items(), key=lambda item: -len(item[1])):
        text = text.replace(value, "{" + name + "}")
    text = _TIMES.sub("{time}", text)
    return " ".join(text.split()).lower() + f"|{runbook.id}"
