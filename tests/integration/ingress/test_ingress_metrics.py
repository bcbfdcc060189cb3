"""The ingress's own EMF metrics: requests by kind and everything it turned away, written when flushed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from slack_sdk import WebClient
from test_ingress_http import ALERTS, SECRET, RecordingDispatcher, alert_body, make_ingress, send

from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import event_callback, http_event, mention_event, message_event
from app.ingress.app import SlackCredentials
from app.ingress.dedupe import SQLitePersistenceLayer
from app.ingress.handler import Ingress, build_ingress
from app.ingress.telemetry import SERVICE

Emitted = Counter[tuple[str, tuple[tuple[str, str], ...]]]


def emitted(ingress: Ingress, capsys: pytest.CaptureFixture[str]) -> Emitted:
    """Flush the ingress's metrics and read back the EMF lines: (metric, dimensions) → value."""
    capsys.readouterr()
    ingress.telemetry.flush()
    found: Emitted = Counter()
    for line in capsys.readouterr().out.splitlines():
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == "RunbookAiops"
            for dimensions in directive["Dimensions"]:
                key = tuple(sorted((name, document[name]) for name in dimensions))
                for metric in directive["Metrics"]:
                    value = document[metric["Name"]]
                    found[(metric["Name"], key)] += int(sum(value) if isinstance(value, list) else value)
    return found


def dims(**extra: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({"service": SERVICE, **extra}.items()))


def test_requests_are_counted_by_the_kind_of_job_they_start(
    fake: FakeSlackAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingress = make_ingress(fake, RecordingDispatcher(), tmp_path)
    send(ingress, alert_body("EvM1"))
    send(ingress, alert_body("EvM2", "Disk usage 95% on bastion-3"))
    send(ingress, event_callback(mention_event("C0HELP", "1700000200.000100", f"<@{fake.bot_user_id}> why?",
                                               "U0BOB"), event_id="EvM3"))
    send(ingress, event_callback(message_event("C0OTHER", "1700000300.000100", "lunch?"), event_id="EvM4"))

    assert emitted(ingress, capsys) == Counter({
        ("Requests", dims(kind="alert")): 2, ("Requests", dims(kind="question")): 1,
        ("Requests", dims(kind="none")): 1,
    })
    assert emitted(ingress, capsys) == Counter()  # a flush starts counting afresh


def test_signature_failures_and_malformed_requests_are_counted_apart(
    fake: FakeSlackAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dispatcher = RecordingDispatcher()
    ingress = make_ingress(fake, dispatcher, tmp_path)
    send(ingress, alert_body(), signature="v0=" + "0" * 64)
    ingress.handle(http_event("[1, 2]", "not-the-secret"))
    bad = http_event(alert_body(), SECRET)
    bad.update(body="not*base64!", isBase64Encoded=True)
    ingress.handle(bad)

    assert emitted(ingress, capsys) == Counter({("SignatureFailures", dims()): 2, ("MalformedRequests", dims()): 1})
    assert dispatcher.attempts == 0


def test_retries_are_counted_as_duplicates_and_start_nothing(
    fake: FakeSlackAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingress = make_ingress(fake, RecordingDispatcher(), tmp_path)
    body = alert_body("EvDUP")
    for retry in (None, 1, 2):
        send(ingress, body, retry_num=retry)

    assert emitted(ingress, capsys) == Counter({
        ("Requests", dims(kind="alert")): 1, ("Requests", dims(kind="none")): 2, ("DuplicateEvents", dims()): 2,
    })


def test_a_failed_handoff_is_counted_and_the_retry_starts_the_job(
    fake: FakeSlackAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingress = make_ingress(fake, RecordingDispatcher(failures=1), tmp_path)
    first = send(ingress, alert_body("EvFAIL"))
    retry = send(ingress, alert_body("EvFAIL"), retry_num=1)

    assert (first["statusCode"] >= 500, retry["statusCode"]) == (True, 200)
    assert emitted(ingress, capsys) == Counter({
        ("HandoffFailures", dims()): 1, ("Requests", dims(kind="none")): 1, ("Requests", dims(kind="alert")): 1,
    })


def test_events_for_another_workspace_are_counted_as_dropped(
    fake: FakeSlackAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingress = make_ingress(fake, RecordingDispatcher(), tmp_path)
    theirs = event_callback(message_event(ALERTS, "1700000000.000200", "disk full"), team_id="T0OTHER",
                            event_id="EvTheirs")
    send(ingress, theirs)

    assert emitted(ingress, capsys) == Counter({("DroppedEvents", dims()): 1, ("Requests", dims(kind="none")): 1})


def test_questions_over_the_limit_are_counted(fake: FakeSlackAPI, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    ingress = build_ingress(
        Settings(alert_channels=(ALERTS,), state_dir=tmp_path, questions_per_minute=2),
        credentials=SlackCredentials(signing_secret=SECRET, bot_token=fake.bot_token),
        dispatcher=RecordingDispatcher(),
        store=SQLitePersistenceLayer(tmp_path / "idempotency.sqlite3"),
        slack_client=WebClient(token=fake.bot_token, base_url=fake.url),
    )
    for n in range(5):
        event = mention_event("C0HELP", f"1700000100.{n:06d}", f"<@{fake.bot_user_id}> job {n}?", "U0FLOOD")
        send(ingress, event_callback(event, event_id=f"EvQ{n}"))

    assert emitted(ingress, capsys) == Counter({
        ("Requests", dims(kind="question")): 2, ("Requests", dims(kind="none")): 3,
        ("RateLimitedQuestions", dims()): 3,
    })
