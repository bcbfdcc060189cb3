"""What a message can claim: a resolved note is tied to the bot that posted the alert, a rating to the message it
was clicked on, a comment has a length limit, and model text cannot ping a channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError
from test_threads import ALERTS, alert_from, deps

from app.fakes.slack_api import FakeSlackAPI
from app.models import Alert, Finding, Job, JobKind, Rating, RatingLevel, TriageRecord, TriageReport
from app.slack import render
from app.slack.rating_blocks import COMMENT_MAX_CHARS, RatedMessage, SubmissionError, read_submission
from app.storage.triage import SQLiteTriageStore
from app.worker.jobs import handle_job

Load = Callable[[str], dict[str, Any]]


def test_a_resolved_note_from_another_bot_with_the_same_name_is_not_noted(
    fake: FakeSlackAPI, store: SQLiteTriageStore, slack_payload: Load
) -> None:
    fired = alert_from(fake, slack_payload("alertmanager_firing.json"))
    first = handle_job(fired, deps(fake, store)).record
    assert first is not None
    spoof = slack_payload("alertmanager_resolved.json")
    spoof["event"]["bot_id"] = "B0IMPOSTER"  # same "Alertmanager" username, another integration
    forged = alert_from(fake, spoof)
    genuine = alert_from(fake, slack_payload("alertmanager_resolved.json"))

    forged_outcome = handle_job(forged, deps(fake, store))
    genuine_outcome = handle_job(genuine, deps(fake, store))

    assert forged_outcome.status == "resolved, no earlier investigation"
    assert genuine_outcome.reference == first.id
    notes = [m for m in fake.thread(ALERTS, fired.ts) if m["text"].startswith(":white_check_mark: Resolved")]
    assert len(notes) == 1


def rating_job(record_id: str, channel: str, ts: str, user: str = "U0ALICE") -> Job:
    rating = Rating(record_id=record_id, user=user, level=RatingLevel.BETTER, rated_at=1795231000.0)
    return Job(kind=JobKind.RATING, event_id=f"rating-{user}-{ts}", channel=channel, ts=ts, thread_ts=ts, user=user,
               alert=Alert(), rating=rating)


def test_a_rating_that_names_another_message_s_report_is_refused(
    fake: FakeSlackAPI, store: SQLiteTriageStore, slack_payload: Load
) -> None:
    fired = alert_from(fake, slack_payload("alertmanager_firing.json"))
    record = handle_job(fired, deps(fake, store)).record
    assert record is not None and record.reply_ts

    elsewhere = handle_job(rating_job(record.id, "C0OTHER", "1795231999.000100"), deps(fake, store))
    here = handle_job(rating_job(record.id, ALERTS, record.reply_ts, user="U0BOB"), deps(fake, store))

    assert elsewhere.status.startswith("refused: report ")
    assert here.status == "rated (1 rating)"
    assert [rating.user for rating in store.ratings(record.id)] == ["U0BOB"]


def test_a_rating_comment_has_a_length_limit() -> None:
    target = RatedMessage("tri-1", "C1", "1.0", "1.0", "en")
    values = {"level": {"level": {"selected_option": {"value": "same"}}},
              "comment": {"comment": {"value": "x" * (COMMENT_MAX_CHARS + 1)}}}

    with pytest.raises(SubmissionError) as refused:
        read_submission({"state": {"values": values}}, target, "U1", 1.0)

    assert "comment" in refused.value.errors
    with pytest.raises(ValidationError):
        Rating(record_id="tri-1", user="U1", level=RatingLevel.SAME, rated_at=1.0, comment="x" * 2001)


def test_model_text_in_the_notification_cannot_ping_or_link() -> None:
    report = TriageReport(title="<!channel> urgent", cause="see <https://evil.example|the fix> <@U0BOSS>",
                          findings=[Finding(statement="s", evidence="e")], recommended_action="a",
                          decision="close", confidence="low")
    job = Job(kind=JobKind.ALERT, event_id="E1", channel="C1", ts="1.0", thread_ts="1.0", alert=Alert())
    record = TriageRecord(id="tri-1", job=job, report=report)

    notification = render.report_text(record)

    assert "<!channel>" not in notification
    assert "<https://" not in notification
    assert "<@U0BOSS>" not in notification
    assert "&lt;!channel&gt; urgent" in notification
