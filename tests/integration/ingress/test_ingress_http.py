"""The ingress end to end over HTTP events: signed requests in, at most one job per Slack event out."""

from __future__ import annotations

import base64
import json
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer, DynamoDBPersistenceLayer
from moto import mock_aws
from slack_sdk import WebClient

from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import event_callback, http_event, mention_event, message_event
from app.ingress.app import SlackCredentials
from app.ingress.dedupe import SQLitePersistenceLayer
from app.ingress.dispatch import DispatchError
from app.ingress.handler import Ingress, build_ingress
from app.models import Job, JobKind

SECRET = "8f14e45fceea167a5a36dedd4bea2543"
ALERTS = "C0ALERTS"
TS = "1700000000.000100"
PARENT_TS = "1699999990.000100"
DISK_ALERT = "Disk usage 91% on bastion-2 (/var) for 10 minutes"


class RecordingDispatcher:
    """Records the jobs it is given; raises ``DispatchError`` for the first ``failures`` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.jobs: list[Job] = []
        self.attempts = 0
        self.failures = failures

    def dispatch(self, *, job: Job) -> dict[str, Any]:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise DispatchError("worker unavailable")
        self.jobs.append(job)
        return {"event_id": job.event_id}


class BlockingDispatcher(RecordingDispatcher):
    """Holds the first dispatch until released, as a slow Lambda invoke would."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def dispatch(self, *, job: Job) -> dict[str, Any]:
        self.entered.set()
        self.release.wait(timeout=10)
        return super().dispatch(job=job)


@pytest.fixture
def dispatcher() -> RecordingDispatcher:
    return RecordingDispatcher()


def make_ingress(
    fake: FakeSlackAPI, dispatcher: RecordingDispatcher, tmp_path: Path, store: BasePersistenceLayer | None = None
) -> Ingress:
    return build_ingress(
        Settings(alert_channels=(ALERTS,), state_dir=tmp_path),
        credentials=SlackCredentials(signing_secret=SECRET, bot_token=fake.bot_token),
        dispatcher=dispatcher,
        store=store or SQLitePersistenceLayer(tmp_path / "idempotency.sqlite3"),
        slack_client=WebClient(token=fake.bot_token, base_url=fake.url),
    )


@pytest.fixture
def ingress(fake: FakeSlackAPI, dispatcher: RecordingDispatcher, tmp_path: Path) -> Ingress:
    return make_ingress(fake, dispatcher, tmp_path)


def alert_body(event_id: str = "EvALERT1", text: str = DISK_ALERT) -> str:
    return event_callback(message_event(ALERTS, TS, text, user="U0ALICE"), event_id=event_id)


def send(ingress: Ingress, body: str, **options: Any) -> dict[str, Any]:
    return ingress.handle(http_event(body, SECRET, **options))


def test_url_verification_answers_the_challenge(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    body = json.dumps(
        {"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "token": "x"}
    )
    response = send(ingress, body)
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    assert dispatcher.jobs == []


def test_forged_signature_is_rejected(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    response = send(ingress, alert_body(), signature="v0=" + "0" * 64)
    assert response["statusCode"] == 401
    assert dispatcher.attempts == 0


def test_stale_timestamp_is_rejected_even_when_correctly_signed(
    ingress: Ingress, dispatcher: RecordingDispatcher
) -> None:
    response = send(ingress, alert_body(), timestamp=int(time.time()) - 6 * 60)
    assert response["statusCode"] == 401
    assert dispatcher.attempts == 0


def test_valid_alert_dispatches_one_job(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    response = send(ingress, alert_body("EvALERT1"))
    assert response["statusCode"] == 200
    assert [(job.kind, job.event_id, job.channel, job.thread_ts) for job in dispatcher.jobs] == [
        (JobKind.ALERT, "EvALERT1", ALERTS, TS)
    ]
    assert dispatcher.jobs[0].alert.text == DISK_ALERT


def test_slack_retries_do_not_dispatch_again(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    body = alert_body("EvRETRY")
    statuses = [send(ingress, body)["statusCode"], send(ingress, body, retry_num=1)["statusCode"]]
    statuses.append(send(ingress, body, retry_num=2)["statusCode"])
    assert statuses == [200, 200, 200]
    assert [job.event_id for job in dispatcher.jobs] == ["EvRETRY"]
    assert dispatcher.attempts == 1


def test_a_different_event_with_the_same_text_is_a_new_job(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    assert send(ingress, alert_body("EvFIRST"))["statusCode"] == 200
    assert send(ingress, alert_body("EvSECOND"))["statusCode"] == 200
    assert [job.event_id for job in dispatcher.jobs] == ["EvFIRST", "EvSECOND"]


def test_own_message_is_acknowledged_without_a_job(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    event = message_event(ALERTS, TS, "Investigating… reference r-1", bot_id="B0BOT", subtype="bot_message")
    response = send(ingress, event_callback(event, event_id="EvOWN"))
    assert response["statusCode"] == 200
    assert dispatcher.attempts == 0


def test_message_changed_is_acknowledged_without_a_job(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    event = message_event(
        ALERTS,
        TS,
        "",
        subtype="message_changed",
        hidden=True,
        message={"type": "message", "text": DISK_ALERT + " (edited)", "user": "U0ALICE", "ts": PARENT_TS},
        previous_message={"type": "message", "text": DISK_ALERT, "user": "U0ALICE", "ts": PARENT_TS},
    )
    response = send(ingress, event_callback(event, event_id="EvEDIT"))
    assert response["statusCode"] == 200
    assert dispatcher.attempts == 0


def test_bot_message_with_attachments_only_is_one_alert(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    attachments = [
        {
            "color": "danger",
            "title": "[FIRING:1] HighErrorRate api-gateway",
            "text": "Error rate is 7.2% on api-gateway",
            "fields": [{"title": "alertname", "value": "HighErrorRate", "short": True}],
        }
    ]
    event = message_event(ALERTS, TS, "", subtype="bot_message", bot_id="B0AM", attachments=attachments)
    assert send(ingress, event_callback(event, event_id="EvAM"))["statusCode"] == 200
    assert len(dispatcher.jobs) == 1
    job = dispatcher.jobs[0]
    assert job.kind is JobKind.ALERT
    assert "Error rate is 7.2% on api-gateway" in job.alert.text
    assert job.alert.labels == {"alertname": "HighErrorRate"}


def test_mention_in_a_thread_is_one_question_in_that_thread(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    event = mention_event(ALERTS, TS, "<@U0BOT> is this the same as yesterday?", "U0ALICE", thread_ts=PARENT_TS)
    assert send(ingress, event_callback(event, event_id="EvQ"))["statusCode"] == 200
    assert [(job.kind, job.thread_ts, job.in_thread) for job in dispatcher.jobs] == [
        (JobKind.QUESTION, PARENT_TS, True)
    ]
    assert dispatcher.jobs[0].alert.text == "is this the same as yesterday?"


def test_base64_encoded_body_is_accepted(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    body = alert_body("EvB64")
    event = http_event(body, SECRET)
    event.update(body=base64.b64encode(body.encode()).decode(), isBase64Encoded=True)
    assert ingress.handle(event)["statusCode"] == 200
    assert [job.event_id for job in dispatcher.jobs] == ["EvB64"]


def test_malformed_base64_is_a_bad_request(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    event = http_event(alert_body(), SECRET)
    event.update(body="not*base64!", isBase64Encoded=True)
    assert ingress.handle(event)["statusCode"] == 400
    assert dispatcher.attempts == 0


def test_get_is_not_allowed(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    event = http_event(alert_body(), SECRET)
    event["requestContext"]["http"]["method"] = "GET"
    assert ingress.handle(event)["statusCode"] == 405
    assert dispatcher.attempts == 0


def test_failed_dispatch_lets_slack_retry_once_more(fake: FakeSlackAPI, tmp_path: Path) -> None:
    failing = RecordingDispatcher(failures=1)
    ingress = make_ingress(fake, failing, tmp_path)
    body = alert_body("EvFAIL")
    first = send(ingress, body)
    assert first["statusCode"] == 500  # not 2xx: Slack retries the event
    assert failing.jobs == []
    assert send(ingress, body, retry_num=1)["statusCode"] == 200
    assert send(ingress, body, retry_num=2)["statusCode"] == 200
    assert [job.event_id for job in failing.jobs] == ["EvFAIL"]
    assert failing.attempts == 2


def test_retry_while_the_first_dispatch_is_in_progress_is_acknowledged(fake: FakeSlackAPI, tmp_path: Path) -> None:
    slow = BlockingDispatcher()
    ingress = make_ingress(fake, slow, tmp_path)
    body = alert_body("EvSLOW")
    first: list[dict[str, Any]] = []
    worker = threading.Thread(target=lambda: first.append(send(ingress, body)))
    worker.start()
    assert slow.entered.wait(timeout=10)
    retry = send(ingress, body, retry_num=1)
    slow.release.set()
    worker.join(timeout=10)
    assert retry["statusCode"] == 200
    assert [response["statusCode"] for response in first] == [200]
    assert [job.event_id for job in slow.jobs] == ["EvSLOW"]
    assert slow.attempts == 1


def test_malformed_json_body_is_a_bad_request(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    assert send(ingress, "{not json")["statusCode"] == 400
    assert dispatcher.attempts == 0


def test_events_without_a_listener_are_acknowledged(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    body = event_callback({"type": "reaction_added", "user": "U0ALICE", "reaction": "eyes"}, event_id="EvREACT")
    assert send(ingress, body)["statusCode"] == 200
    assert dispatcher.attempts == 0


@pytest.mark.usefixtures("aws_env")
def test_retries_are_deduped_on_dynamodb(fake: FakeSlackAPI, dispatcher: RecordingDispatcher, tmp_path: Path) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="aiops-idempotency",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        store = DynamoDBPersistenceLayer(table_name="aiops-idempotency", boto3_client=client)
        ingress = make_ingress(fake, dispatcher, tmp_path, store=store)
        body = alert_body("EvDDB")
        statuses = [send(ingress, body)["statusCode"], send(ingress, body, retry_num=1)["statusCode"]]
        items = client.scan(TableName="aiops-idempotency")["Items"]
    assert statuses == [200, 200]
    assert [job.event_id for job in dispatcher.jobs] == ["EvDDB"]
    assert dispatcher.attempts == 1
    assert [item["status"]["S"] for item in items] == ["COMPLETED"]
