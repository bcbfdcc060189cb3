"""Resolved notifications: a short note in the thread of the alert's earlier investigation, no new one."""

from __future__ import annotations

import logging
from datetime import timedelta

from app.alerts import alert_key
from app.language import Language, detect_language
from app.models import Job, TriageRecord
from app.slack.poster import Poster
from app.slack.render import escape
from app.slack.texts import text
from app.storage.triage import TriageStore

logger = logging.getLogger(__name__)


def note_resolution(job: Job, slack: Poster, store: TriageStore) -> TriageRecord | None:
    """Tell the thread of the alert's newest investigation that it resolved; returns that record, or None.

    A resolved notification for an alert the bot never investigated needs nothing: it is logged and dropped.
    """
    earlier = store.latest_for_alert(job.channel, alert_key(job.alert))
    if earlier is None:
        logger.info("resolved notification %s matches no earlier investigation; nothing to do", job.event_id)
        return None
    language = detect_language(job.alert.full_text())
    note = text(
        "resolved",
        language,
        title=escape(job.alert.title or job.alert.text[:100]),
        after=duration_text(job.alert.time - earlier.job.alert.time, language),
        ref=earlier.id,
    )
    slack.post(earlier.job.channel, earlier.job.thread_ts, note)
    logger.info("resolved notification %s noted in the thread of %s", job.event_id, earlier.id)
    return earlier


def duration_text(delta: timedelta, language: Language = "en") -> str:
    """``3 h 5 min``, ``12 min`` or ``40 s`` (Japanese units for ``ja``); negative spans count as zero."""
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    units = ("時間", "分", "秒") if language == "ja" else (" h", " min", " s")
    if hours:
        return f"{hours}{units[0]} {minutes}{units[1]}" if minutes else f"{hours}{units[0]}"
    if minutes:
        return f"{minutes}{units[1]}"
    return f"{secs}{units[2]}"
