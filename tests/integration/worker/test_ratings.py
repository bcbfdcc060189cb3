"""Ratings end to end: a report posted by the worker, rated through the signed ingress, stored with its record,
and the message's tally updated. The same person's second click changes their rating.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import RUNBOOKS as REPO_RUNBOOKS
from pipeline_support import all_text
from slack_sdk import WebClient

from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import FORM, http_event, interaction_body
from app.ingress.app import SlackCredentials
from app.ingress.dedupe import SQLitePersistenceLayer
from app.ingress.dispatch import InProcessDispatcher
from app.ingress.handler import Ingress, build_ingress
from app.models import Rating, RatingLevel
from app.slack.poster import MemoryPoster, SlackPoster
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import build_worker
from app.worker.ratings import record_rating

Load = Callable[[str], dict[str, Any]]
SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
CHANNEL = "C05ALERTS01"


class Stack:
    """The ingress and an in-process worker on a local Slack and SQLite."""

    def __init__(self, fake: FakeSlackAPI, tmp_path: Path) -> None:
        settings = Settings(alert_channels=(CHANNEL,), runbooks=str(REPO_RUNBOOKS), state_dir=tmp_path)
        client = WebClient(token=fake.bot_token, base_url=fake.url)
        self.fake = fake
        self.store = SQLiteTriageStore(tmp_path / "triage.sqlite3")
        self.dispatcher = InProcessDispatcher(build_worker(settings, slack_client=client, store=self.store).handle)
        self.ingress: Ingress = build_ingress(
            settings,
            credentials=SlackCredentials(signing_secret=SECRET, bot_token=fake.bot_token),
            dispatcher=self.dispatcher,
            store=SQLitePersistenceLayer(tmp_path / "idempotency.sqlite3"),
            slack_client=client,
        )
        self.clicks = 0

    def post_alert(self, payload: dict[str, Any]) -> str:
        event = payload["event"]
        ts = self.fake.add_message(CHANNEL, event.get("text", ""), bot_id=event["bot_id"],
                                   attachments=event.get("attachments"))
        event.update(ts=ts, event_ts=ts, channel=CHANNEL)
        assert self.send(json.dumps(payload)) == 200
        self.dispatcher.drain()
        return ts

    def click(self, template: dict[str, Any], report: dict[str, Any], user: str, action: str) -> int:
        self.clicks += 1
        payload = json.loads(json.dumps(template))
        record_id = report["blocks"][-1]["elements"][0]["value"]
        payload["user"]["id"] = user
        payload["trigger_id"] = f"trigger-{self.clicks}"
        payload["container"].update(channel_id=CHANNEL, message_ts=report["ts"], thread_ts=report["thread_ts"])
        payload["message"] = report
        payload["actions"][0].update(action_id=action, value=record_id, action_ts=f"1795231{self.clicks:03d}.000001")
        status = self.send(interaction_body(payload), content_type=FORM)
        self.dispatcher.drain()
        return status

    def send(self, body: str, **options: Any) -> int:
        return int(self.ingress.handle(http_event(body, SECRET, **options))["statusCode"])

    def report(self, alert_ts: str) -> dict[str, Any]:
        return self.fake.thread(CHANNEL, alert_ts)[-1]


@pytest.fixture
def stack(fake: FakeSlackAPI, tmp_path: Path) -> Stack:
    return Stack(fake, tmp_path)


def tally(report: dict[str, Any]) -> str:
    return str(report["blocks"][-3]["text"]["text"])


def test_a_rating_is_stored_and_the_tally_shown(stack: Stack, slack_payload: Load) -> None:
    alert_ts = stack.post_alert(slack_payload("alertmanager_firing.json"))
    report = stack.report(alert_ts)
    assert tally(report) == "*Ratings* · none yet — how did this reply do?"

    assert stack.click(slack_payload("block_actions_rating.json"), report, "U0ALICE", "rate_better") == 200

    record_id = report["blocks"][-1]["elements"][0]["value"]
    assert [(r.user, r.level) for r in stack.store.ratings(record_id)] == [("U0ALICE", RatingLevel.BETTER)]
    updated = stack.report(alert_ts)
    assert tally(updated) == "*Ratings* (1) · 🌟 Better than I would have done ×1: <@U0ALICE>"
    assert "ECS task killed for running out of memory" in all_text(updated["blocks"])  # the report is unchanged


def test_the_same_person_clicking_again_changes_their_rating(stack: Stack, slack_payload: Load) -> None:
    alert_ts = stack.post_alert(slack_payload("alertmanager_firing.json"))
    template = slack_payload("block_actions_rating.json")
    stack.click(template, stack.report(alert_ts), "U0ALICE", "rate_better")
    stack.click(template, stack.report(alert_ts), "U0BOB", "rate_partly")

    stack.click(template, stack.report(alert_ts), "U0ALICE", "rate_wrong")

    record_id = stack.report(alert_ts)["blocks"][-1]["elements"][0]["value"]
    assert {r.user: r.level for r in stack.store.ratings(record_id)} == {
        "U0ALICE": RatingLevel.WRONG, "U0BOB": RatingLevel.PARTLY
    }
    assert tally(stack.report(alert_ts)) == (
        "*Ratings* (2) · 🤏 Partly useful ×1: <@U0BOB> · 👎 Wrong or useless ×1: <@U0ALICE>"
    )


def test_the_modal_adds_scores_to_the_person_s_rating(stack: Stack, slack_payload: Load) -> None:
    alert_ts = stack.post_alert(slack_payload("alertmanager_firing.json"))
    report = stack.report(alert_ts)
    stack.click(slack_payload("block_actions_rating.json"), report, "U04HANAKO01", "rate_same")
    stack.click(slack_payload("block_actions_detail.json"), stack.report(alert_ts), "U04HANAKO01", "rate_detail")
    (opened,) = stack.fake.calls_to("views.open")
    submission = slack_payload("view_submission_rating.json")
    submission["view"]["private_metadata"] = opened.params["view"]["private_metadata"]

    assert stack.send(interaction_body(submission), content_type=FORM) == 200
    stack.dispatcher.drain()

    record_id = report["blocks"][-1]["elements"][0]["value"]
    (rating,) = stack.store.ratings(record_id)
    assert (rating.level, rating.accuracy, rating.clarity, rating.coverage) == (RatingLevel.PARTLY, 4, 3, 2)
    assert rating.comment is not None and rating.comment.startswith("Right cause")
    assert "🤏 Partly useful ×1: <@U04HANAKO01>" in tally(stack.report(alert_ts))


def test_a_rating_is_stored_even_when_the_tally_cannot_be_shown(stack: Stack, slack_payload: Load) -> None:
    alert_ts = stack.post_alert(slack_payload("alertmanager_firing.json"))
    report = stack.report(alert_ts)
    record_id = report["blocks"][-1]["elements"][0]["value"]
    stack.fake.fail_next["chat.update"] = "message_not_found"

    poster = SlackPoster(WebClient(token=stack.fake.bot_token, base_url=stack.fake.url))
    rating = Rating(record_id=record_id, user="U0ALICE", level=RatingLevel.SAME, rated_at=1.0)
    ratings = record_rating(rating, poster, stack.store)

    assert [r.user for r in ratings] == ["U0ALICE"]
    assert [r.user for r in stack.store.ratings(record_id)] == ["U0ALICE"]


def test_a_store_failure_is_retried_then_raised_so_the_job_is_dead_lettered(tmp_path: Path) -> None:
    attempts: list[str] = []

    class BrokenStore(SQLiteTriageStore):
        def rate(self, rating: Rating) -> list[Rating]:
            attempts.append(rating.user)
            raise OSError("disk full")

    rating = Rating(record_id="tri-x", user="U0ALICE", level=RatingLevel.SAME, rated_at=1.0)
    with pytest.raises(OSError, match="disk full"):
        record_rating(rating, MemoryPoster(), BrokenStore(tmp_path / "x.db"), pauses=(0.0, 0.0))
    assert attempts == ["U0ALICE"] * 3


def test_a_store_that_fails_once_still_gets_the_rating(tmp_path: Path) -> None:
    failures = [OSError("throttled")]

    class FlakyStore(SQLiteTriageStore):
        def rate(self, rating: Rating) -> list[Rating]:
            if failures:
                raise failures.pop()
            return super().rate(rating)

    store = FlakyStore(tmp_path / "x.db")
    rating = Rating(record_id="tri-x", user="U0ALICE", level=RatingLevel.SAME, rated_at=1.0)

    ratings = record_rating(rating, MemoryPoster(), store, pauses=(0.0,))

    assert [r.user for r in ratings] == ["U0ALICE"]
    assert [r.user for r in store.ratings("tri-x")] == ["U0ALICE"]
