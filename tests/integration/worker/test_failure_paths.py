"""Failure paths that must not cost the investigation or the rating: Slack timeouts, a failed progress edit, a
model that cannot be built."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline_support import make_deps, post_alert
from slack_sdk import WebClient
from test_threads import ALERTS, alert_from, deps, mention_from

from app.fakes.slack_api import FakeSlackAPI
from app.models import Rating, RatingLevel
from app.slack import render
from app.slack.poster import SlackPoster
from app.storage.triage import SQLiteTriageStore
from app.worker.jobs import handle_job
from app.worker.pipeline import investigate
from app.worker.ratings import record_rating

Load = Callable[[str], dict[str, Any]]


def impatient(fake: FakeSlackAPI) -> SlackPoster:
    """A poster whose client gives up after 0.3 s (as the worker's own client would after its timeout)."""
    return SlackPoster(WebClient(token=fake.bot_token, base_url=fake.url, timeout=0.3, retry_handlers=[]))


def test_a_rating_survives_a_tally_update_that_times_out(
    fake: FakeSlackAPI, store: SQLiteTriageStore, slack_payload: Load
) -> None:
    record = handle_job(alert_from(fake, slack_payload("alertmanager_firing.json")), deps(fake, store)).record
    assert record is not None
    fake.slow["chat.update"] = 1.0

    ratings = record_rating(
        Rating(record_id=record.id, user="U0ALICE", level=RatingLevel.SAME, rated_at=1.0), impatient(fake), store
    )

    assert [rating.user for rating in ratings] == ["U0ALICE"]
    assert [rating.user for rating in store.ratings(record.id)] == ["U0ALICE"]


def test_a_follow_up_is_answered_when_reading_the_thread_times_out(
    fake: FakeSlackAPI, store: SQLiteTriageStore, slack_payload: Load
) -> None:
    alert = alert_from(fake, slack_payload("plain_text_webhook.json"))
    handle_job(alert, deps(fake, store))
    question = mention_from(fake, slack_payload("followup_question.json"), ALERTS, alert.ts)
    assert question.in_thread
    fake.slow["conversations.replies"] = 1.0

    outcome = handle_job(question, make_deps(fake, store, slack=impatient(fake), model=lambda: None))

    assert outcome.status == "ok"
    assert outcome.record is not None and outcome.record.report is not None


def test_a_failed_progress_edit_does_not_abort_the_investigation(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    job = post_alert(fake)
    fake.fail_next["chat.update"] = "message_not_found"  # the first progress edit fails

    record = investigate(job, make_deps(fake, store, progress_interval=0.0))

    assert record.status == "ok"
    assert record.report is not None
    updates = fake.calls_to("chat.update")
    assert len(updates) >= 2  # the failed progress edit, then the report
    assert updates[-1].params["text"] == render.report_text(record)


def test_a_model_that_cannot_be_built_falls_back_to_the_evidence_report(
    fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path
) -> None:
    def broken() -> Any:
        raise ValueError("unknown model spec 'bedrock:' (password=hunter2-Zq9)")

    record = investigate(post_alert(fake), make_deps(fake, store, model=broken, model_spec="bedrock:"))

    assert record.status == "ok"
    assert record.mode == "evidence-only"
    assert record.report is not None
    assert "ValueError: unknown model spec" in record.model_note
    assert "hunter2-Zq9" not in record.model_note
