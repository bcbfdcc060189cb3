"""Hostile and unlucky requests: unsigned bodies of any shape, bad timestamps, a failed ``auth.test``, events for
another workspace or app, and the idempotency window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from slack_sdk import WebClient
from test_ingress_http import ALERTS, SECRET, RecordingDispatcher, make_ingress

from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import event_callback, http_event, mention_event, message_event
from app.ingress.app import SlackCredentials
from app.ingress.dedupe import SQLitePersistenceLayer
from app.ingress.handler import build_ingress

DEEP = "[" * 100_000 + "]" * 100_000
UNSIGNED_BODIES = ["[1, 2, 3]", '"text"', "42", "null", DEEP, '{"type": "event_callback", "event": []}', "{not json",
                   "payload=%7B%22type%22%3A%5B%5D%7D"]


@pytest.mark.parametrize("body", UNSIGNED_BODIES, ids=range(len(UNSIGNED_BODIES)))
def test_unsigned_bodies_of_any_shape_get_401(fake: FakeSlackAPI, tmp_path: Path, body: str) -> None:
    dispatcher = RecordingDispatcher()
    ingress = make_ingress(fake, dispatcher, tmp_path)

    response = ingress.handle(http_event(body, "not-the-signing-secret"))

    assert response["statusCode"] == 401
    assert dispatcher.jobs == []


@pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "١٧٠٠٠٠٠٠٠٠", "-5"])
def test_a_timestamp_that_is_not_a_number_gets_401(fake: FakeSlackAPI, tmp_path: Path, timestamp: str) -> None:
    ingress = make_ingress(fake, RecordingDispatcher(), tmp_path)
    event = http_event(event_callback(message_event(ALERTS, "1700000000.000100", "disk full")), SECRET)
    event["headers"]["x-slack-request-timestamp"] = timestamp

    assert ingress.handle(event)["statusCode"] == 401


@pytest.mark.parametrize("body", ["[1, 2, 3]", DEEP, '{"type": "event_callback", "event": []}'])
def test_signed_bodies_that_are_no_slack_payload_get_400_or_are_acknowledged(
    fake: FakeSlackAPI, tmp_path: Path, body: str
) -> None:
    dispatcher = RecordingDispatcher()
    ingress = make_ingress(fake, dispatcher, tmp_path)

    status = ingress.handle(http_event(body, SECRET))["statusCode"]

    assert status in (200, 400, 404)
    assert dispatcher.jobs == []


def test_a_failed_auth_test_makes_slack_retry_and_the_retry_dispatches(fake: FakeSlackAPI, tmp_path: Path) -> None:
    dispatcher = RecordingDispatcher()
    ingress = make_ingress(fake, dispatcher, tmp_path)
    body = event_callback(message_event(ALERTS, "1700000000.000100", "disk full on bastion-2"), event_id="EvAuth1")
    fake.fail_next["auth.test"] = "internal_error"

    first = ingress.handle(http_event(body, SECRET))
    retry = ingress.handle(http_event(body, SECRET, retry_num=1))

    assert first["statusCode"] >= 500  # Slack retries a request that did not get 2xx
    assert retry["statusCode"] == 200
    assert [job.event_id for job in dispatcher.jobs] == ["EvAuth1"]


def test_an_unreachable_slack_api_on_a_cold_start_is_not_a_silent_200(tmp_path: Path) -> None:
    dispatcher = RecordingDispatcher()
    ingress = build_ingress(
        Settings(alert_channels=(ALERTS,), state_dir=tmp_path),
        credentials=SlackCredentials(signing_secret=SECRET, bot_token="xoxb-test-token"),  # noqa: S106
        dispatcher=dispatcher,
        store=SQLitePersistenceLayer(tmp_path / "idempotency.sqlite3"),
        slack_client=WebClient(token="xoxb-test-token", base_url="http://127.0.0.1:9/api/", timeout=1),  # noqa: S106
    )
    body = event_callback(message_event(ALERTS, "1700000000.000100", "disk full"), event_id="EvAuth2")

    assert ingress.handle(http_event(body, SECRET))["statusCode"] >= 500
    assert dispatcher.jobs == []


def test_events_for_another_workspace_are_dropped(fake: FakeSlackAPI, tmp_path: Path) -> None:
    dispatcher = RecordingDispatcher()
    ingress = make_ingress(fake, dispatcher, tmp_path)
    ours = event_callback(message_event(ALERTS, "1700000000.000100", "disk full"), event_id="EvOurs")
    theirs = event_callback(message_event(ALERTS, "1700000000.000200", "disk full"), team_id="T0OTHER",
                            event_id="EvTheirs")

    assert ingress.handle(http_event(theirs, SECRET))["statusCode"] == 200
    assert ingress.handle(http_event(ours, SECRET))["statusCode"] == 200
    assert [job.event_id for job in dispatcher.jobs] == ["EvOurs"]


def test_events_for_another_app_are_dropped_when_the_app_id_is_set(fake: FakeSlackAPI, tmp_path: Path) -> None:
    dispatcher = RecordingDispatcher()
    ingress = build_ingress(
        Settings(alert_channels=(ALERTS,), state_dir=tmp_path, slack_app_id="A0AIOPS"),
        credentials=SlackCredentials(signing_secret=SECRET, bot_token=fake.bot_token),
        dispatcher=dispatcher,
        store=SQLitePersistenceLayer(tmp_path / "idempotency.sqlite3"),
        slack_client=WebClient(token=fake.bot_token, base_url=fake.url),
    )
    other = json.loads(event_callback(message_event(ALERTS, "1700000000.000300", "disk full"), event_id="EvApp2"))
    other["api_app_id"] = "A0SOMEONEELSE"
    ours = event_callback(message_event(ALERTS, "1700000000.000400", "disk full"), event_id="EvApp1")

    ingress.handle(http_event(json.dumps(other), SECRET))
    ingress.handle(http_event(ours, SECRET))

    assert [job.event_id for job in dispatcher.jobs] == ["EvApp1"]


def test_the_idempotency_window_cannot_be_shorter_than_the_signature_window() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 300"):
        Settings(idempotency_ttl_seconds=120)

    assert Settings(idempotency_ttl_seconds=300).idempotency_ttl_seconds == 300


def test_one_person_starts_a_limited_number_of_questions_a_minute(fake: FakeSlackAPI, tmp_path: Path) -> None:
    dispatcher = RecordingDispatcher()
    ingress = build_ingress(
        Settings(alert_channels=(ALERTS,), state_dir=tmp_path, questions_per_minute=3),
        credentials=SlackCredentials(signing_secret=SECRET, bot_token=fake.bot_token),
        dispatcher=dispatcher,
        store=SQLitePersistenceLayer(tmp_path / "idempotency.sqlite3"),
        slack_client=WebClient(token=fake.bot_token, base_url=fake.url),
    )

    def ask(user: str, n: int) -> int:
        ts = f"1700000100.{n:06d}"
        event = mention_event("C0HELP", ts, f"<@{fake.bot_user_id}> why did job {n} fail?", user)
        return int(ingress.handle(http_event(event_callback(event, event_id=f"EvQ{user}{n}"), SECRET))["statusCode"])

    statuses = [ask("U0FLOOD", n) for n in range(8)] + [ask("U0CALM", 99)]

    assert statuses == [200] * 9
    assert [job.user for job in dispatcher.jobs] == ["U0FLOOD"] * 3 + ["U0CALM"]
