"""Rating clicks and the rating modal through the ingress: signed, deduped, handed off, never dropped."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from test_ingress_http import SECRET, RecordingDispatcher, make_ingress

from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import FORM, http_event, interaction_body
from app.ingress.handler import Ingress
from app.models import JobKind, RatingLevel

Load = Callable[[str], dict[str, Any]]
REF = "tri-5f3c2a9b1d7e"


def send(ingress: Ingress, payload: dict[str, Any], **options: Any) -> dict[str, Any]:
    return ingress.handle(http_event(interaction_body(payload), SECRET, content_type=FORM, **options))


@pytest.fixture
def ingress(fake: FakeSlackAPI, dispatcher: RecordingDispatcher, tmp_path: Path) -> Ingress:
    return make_ingress(fake, dispatcher, tmp_path)


@pytest.fixture
def dispatcher() -> RecordingDispatcher:
    return RecordingDispatcher()


def test_a_click_hands_one_rating_job_to_the_worker(
    ingress: Ingress, dispatcher: RecordingDispatcher, slack_payload: Load
) -> None:
    response = send(ingress, slack_payload("block_actions_rating.json"))

    assert response["statusCode"] == 200
    (job,) = dispatcher.jobs
    assert (job.kind, job.channel, job.ts, job.thread_ts, job.user) == (
        JobKind.RATING, "C05ALERTS01", "1795230733.000150", "1795230731.000100", "U04HANAKO01"
    )
    assert job.rating is not None
    assert (job.rating.record_id, job.rating.level, job.rating.rated_at) == (REF, RatingLevel.SAME, 1795231012.408215)
    assert job.event_id == "rating-8123456789012.2101234567890.4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c"


def test_the_same_click_delivered_twice_is_handed_off_once(
    ingress: Ingress, dispatcher: RecordingDispatcher, slack_payload: Load
) -> None:
    payload = slack_payload("block_actions_rating.json")
    assert [send(ingress, payload)["statusCode"] for _ in range(2)] == [200, 200]
    assert dispatcher.attempts == 1


def test_a_second_click_by_the_same_person_is_a_new_job(
    ingress: Ingress, dispatcher: RecordingDispatcher, slack_payload: Load
) -> None:
    first = slack_payload("block_actions_rating.json")
    second = slack_payload("block_actions_rating.json")
    second["trigger_id"] = "8123456789012.2101234567890.ffffffffffffffffffffffffffffffff"
    second["actions"][0].update(action_id="rate_wrong", action_ts="1795231090.000001")

    send(ingress, first)
    send(ingress, second)

    assert [(job.rating.user, job.rating.level) for job in dispatcher.jobs if job.rating] == [
        ("U04HANAKO01", RatingLevel.SAME), ("U04HANAKO01", RatingLevel.WRONG)
    ]


def test_a_forged_click_is_refused(ingress: Ingress, dispatcher: RecordingDispatcher, slack_payload: Load) -> None:
    response = send(ingress, slack_payload("block_actions_rating.json"), signature="v0=" + "1" * 64)
    assert response["statusCode"] == 401
    assert dispatcher.attempts == 0


def test_a_click_that_cannot_be_handed_off_fails_visibly(
    fake: FakeSlackAPI, tmp_path: Path, slack_payload: Load
) -> None:
    failing = RecordingDispatcher(failures=1)
    ingress = make_ingress(fake, failing, tmp_path)
    payload = slack_payload("block_actions_rating.json")

    assert send(ingress, payload)["statusCode"] == 500  # Slack shows the person the click failed
    assert send(ingress, payload)["statusCode"] == 200  # clicking again works: the failure was not remembered
    assert len(failing.jobs) == 1


def test_a_click_without_a_report_id_fails_visibly(
    ingress: Ingress, dispatcher: RecordingDispatcher, slack_payload: Load
) -> None:
    payload = slack_payload("block_actions_rating.json")
    payload["actions"][0]["value"] = ""
    assert send(ingress, payload)["statusCode"] == 500
    assert dispatcher.attempts == 0


def test_the_detail_button_opens_the_modal(
    ingress: Ingress, dispatcher: RecordingDispatcher, fake: FakeSlackAPI, slack_payload: Load
) -> None:
    payload = slack_payload("block_actions_detail.json")

    assert send(ingress, payload)["statusCode"] == 200

    (opened,) = fake.calls_to("views.open")
    assert opened.params["trigger_id"] == payload["trigger_id"]
    view = opened.params["view"]
    assert view["callback_id"] == "rating_detail"
    assert json.loads(view["private_metadata"]) == {
        "record_id": REF, "channel": "C05ALERTS01", "ts": "1795230733.000150", "thread_ts": "1795230731.000100",
        "language": "en",
    }
    assert dispatcher.attempts == 0


def test_a_modal_that_cannot_open_fails_visibly(
    ingress: Ingress, fake: FakeSlackAPI, slack_payload: Load
) -> None:
    fake.fail_next["views.open"] = "expired_trigger_id"
    assert send(ingress, slack_payload("block_actions_detail.json"))["statusCode"] == 500


def test_a_submitted_modal_hands_off_a_detailed_rating(
    ingress: Ingress, dispatcher: RecordingDispatcher, slack_payload: Load
) -> None:
    before = time.time()
    response = send(ingress, slack_payload("view_submission_rating.json"))

    assert (response["statusCode"], response["body"]) == (200, "")  # an empty body closes the modal
    (job,) = dispatcher.jobs
    rating = job.rating
    assert rating is not None
    assert (rating.record_id, rating.user, rating.level) == (REF, "U04HANAKO01", RatingLevel.PARTLY)
    assert (rating.accuracy, rating.clarity, rating.coverage) == (4, 3, 2)
    assert rating.comment == "Right cause, but it did not check the previous run of the health check."
    assert before <= rating.rated_at <= time.time()
    assert (job.channel, job.ts) == ("C05ALERTS01", "1795230733.000150")


def test_an_invalid_modal_is_answered_with_errors_and_no_job(
    ingress: Ingress, dispatcher: RecordingDispatcher, slack_payload: Load
) -> None:
    payload = slack_payload("view_submission_rating.json")
    values = payload["view"]["state"]["values"]
    values["clarity"]["clarity"]["selected_option"]["value"] = "9"
    del values["level"]

    response = send(ingress, payload)

    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {
        "response_action": "errors",
        "errors": {"level": "Choose one of the four levels.", "clarity": "Choose a score from 1 to 4."},
    }
    assert dispatcher.attempts == 0


def test_a_modal_submission_is_deduped_like_a_click(
    ingress: Ingress, dispatcher: RecordingDispatcher, slack_payload: Load
) -> None:
    payload = slack_payload("view_submission_rating.json")
    send(ingress, payload)
    send(ingress, payload)
    assert dispatcher.attempts == 1


def test_a_payload_field_that_is_not_json_is_a_bad_request(ingress: Ingress, dispatcher: RecordingDispatcher) -> None:
    body = urlencode({"payload": "{not json"})
    response = ingress.handle(http_event(body, SECRET, content_type=FORM))
    assert response["statusCode"] == 400
    assert dispatcher.attempts == 0

