"""Store a rating handed off by the ingress and show the new tally under the rated report."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from app.models import Job, Rating
from app.slack import render
from app.slack.poster import Poster, SlackPostError
from app.storage.triage import TriageStore

logger = logging.getLogger(__name__)

STORE_RETRY_PAUSES = (0.2, 1.0)  # seconds before the second and the third attempt


def _rate_with_retries(rating: Rating, store: TriageStore, pauses: Sequence[float]) -> list[Rating]:
    for pause in pauses:
        try:
            return store.rate(rating)
        except Exception as exc:  # a throttled or briefly unavailable table: wait and try again
            logger.warning("storing the rating of %s failed (%s); retrying in %ss", rating.record_id, exc, pause)
            time.sleep(pause)
    return store.rate(rating)


def misplaced_rating(job: Job, store: TriageStore) -> str | None:
    """Why a rating job names another report than the message it was clicked on, or None when they agree.

    A rating is bound to the message it came from: a click (or a crafted payload) carrying the record id of a
    report posted elsewhere is refused. A report not stored yet cannot be checked, and is accepted.
    """
    rating = job.rating
    if rating is None:
        return None
    record = store.get(rating.record_id)
    if record is None or not record.reply_ts:
        return None
    if (record.job.channel, record.reply_ts) != (job.channel, job.ts):
        return f"report {rating.record_id} was posted in another message than the one rated ({job.channel} {job.ts})"
    return None


def record_rating(
    rating: Rating, slack: Poster, store: TriageStore, pauses: Sequence[float] = STORE_RETRY_PAUSES
) -> list[Rating]:
    """Store the rating, retrying the store after each of ``pauses``; returns the tally.

    The worker's asynchronous invocation is not retried by Lambda (an investigation must not run twice), so the
    retries happen here; when the last attempt fails too, the error is raised and the invocation goes to the
    dead-letter queue (``aiops dlq replay``), so a rating is never dropped. The report message is then
    re-rendered with the tally. A report that is not (yet) stored, or a Slack failure, leaves the old tally on
    screen; the rating itself is stored either way.
    """
    ratings = _rate_with_retries(rating, store, pauses)
    record = store.get(rating.record_id)
    if record is None or not record.reply_ts:
        logger.warning("rating of unknown report %s stored; no message to update", rating.record_id)
        return ratings
    try:
        blocks = render.report_blocks(record, ratings)
        slack.update(record.job.channel, record.reply_ts, render.report_text(record), blocks)
    except SlackPostError as exc:
        logger.warning("rating of %s stored, but the tally could not be shown: %s", record.id, exc)
    return ratings
