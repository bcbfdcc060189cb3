"""The Slack side of the ingress: a Bolt app whose listeners classify events and start jobs once each."""

from __future__ import annotations

import base64
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier

from app.ingress.events import Identity, alert_job, question_job
from app.ingress.installation import Installation
from app.ingress.interactions import (
    APPROVAL_ACTION,
    RATE_ACTION,
    approval_job_from_action,
    rated_target,
    rating_job_from_action,
    rating_job_from_view,
)
from app.ingress.limits import QuestionLimiter
from app.ingress.surfaces import add_surface_listeners
from app.ingress.telemetry import IngressTelemetry
from app.models import Job
from app.slack.rating_blocks import DETAIL_ACTION, MODAL_CALLBACK, SubmissionError, rating_modal

logger = logging.getLogger(__name__)

StartJob = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class SlackCredentials:
    """The two Slack secrets the ingress needs."""

    signing_secret: str
    bot_token: str


@dataclass(frozen=True)
class Gate:
    """What the ingress turns away, and who counts it.

    Another app's requests (when ``app_id`` is set) and questions over the ``limiter``'s quota are turned away;
    ``telemetry`` counts both.
    """

    app_id: str = ""
    limiter: QuestionLimiter | None = None
    telemetry: IngressTelemetry = field(default_factory=IngressTelemetry)


def build_app(
    credentials: SlackCredentials, alert_channels: tuple[str, ...], start_job: StartJob, client: WebClient,
    gate: Gate | None = None,
) -> App:
    """A Bolt app that verifies requests and turns alerts and mentions into jobs via ``start_job(job=...)``.

    ``client`` carries the bot token; the installation learns the bot's own ids with it (``auth.test``, once;
    when that fails Slack is answered 500 and retries). Requests for another workspace, or for another app when
    the gate's ``app_id`` is set, are acknowledged and dropped. With a ``limiter``, a person past their questions
    per minute is told so (ephemerally) and no investigation starts.
    """
    gate = gate or Gate()
    limiter, telemetry = gate.limiter, gate.telemetry
    installation = Installation(client, gate.app_id)
    app = App(
        name="aiops-ingress",
        signing_secret=credentials.signing_secret,
        client=client,
        authorize=installation.authorizer(),
        process_before_response=True,
        logger=logging.getLogger("slack_bolt"),
    )
    app.use(installation.middleware(on_drop=lambda: telemetry.count("DroppedEvents")))

    @app.event("message")
    def on_message(body: dict[str, Any], context: BoltContext) -> None:
        job = alert_job(body, alert_channels, _identity(context))
        if job is not None:
            _start_once(start_job, job)

    @app.event("app_mention")
    def on_mention(body: dict[str, Any], context: BoltContext) -> None:
        job = question_job(body, _identity(context))
        if job is None:
            return
        if limiter is not None and not limiter.allow(job.user):
            telemetry.count("RateLimitedQuestions")
            _tell_to_wait(client, job, limiter.per_minute)
            return
        _start_once(start_job, job)

    add_surface_listeners(app, partial(_start_once, start_job))

    @app.event(re.compile(".*"))
    def on_other_event() -> None:
        """Acknowledge events the bot does not act on, so Slack does not retry them."""

    _add_rating_listeners(app, start_job, client)
    return app


def _add_rating_listeners(app: App, start_job: StartJob, client: WebClient) -> None:
    """Rating clicks and modal submissions become rating jobs; the detail button opens the modal.

    A job that cannot be handed off raises, so Slack shows the person that the click or the form failed.
    """

    @app.action(RATE_ACTION)
    def on_rate(ack: Ack, body: dict[str, Any]) -> None:
        _start_once(start_job, rating_job_from_action(body, time.time()))
        ack()

    @app.action(APPROVAL_ACTION)
    def on_approval(ack: Ack, body: dict[str, Any]) -> None:
        _start_once(start_job, approval_job_from_action(body, time.time()))
        ack()

    @app.action(DETAIL_ACTION)
    def on_detail(ack: Ack, body: dict[str, Any]) -> None:
        client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=rating_modal(rated_target(body)))
        ack()

    @app.view(MODAL_CALLBACK)
    def on_submit(ack: Ack, body: dict[str, Any]) -> None:
        try:
            job = rating_job_from_view(body, time.time())
        except SubmissionError as exc:
            ack(response_action="errors", errors=exc.errors)
            return
        _start_once(start_job, job)
        ack()


def handle_http(app: App, event: dict[str, Any], verifier: SignatureVerifier | None = None) -> dict[str, Any]:
    """Serve one Function URL / HTTP API v2 event with the Bolt app.

    With a ``verifier``, the signature is checked on the raw body before anything parses it: an unsigned or
    stale request gets 401 whatever its body, and a signed body that Bolt cannot read gets 400, never 500.
    """
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method", "POST")
    if method != "POST":
        return _response(405, "method not allowed")
    try:
        body, headers = _raw_request(event)
    except ValueError:  # bad base64 or bad UTF-8
        return _response(400, "malformed request body")
    if verifier is not None and not _signed(verifier, body, headers):
        return _response(401, "invalid request signature")
    try:
        request = BoltRequest(body=body, query=event.get("rawQueryString") or "", headers=headers)
    except (ValueError, TypeError, AttributeError, RecursionError):  # JSON that is no Slack payload
        return _response(400, "malformed request body")
    if not isinstance(request.body, dict) or not isinstance(request.body.get("event", {}), dict):
        return _response(400, "malformed request body")
    return to_http_response(app.dispatch(request))


def to_bolt_request(event: dict[str, Any]) -> BoltRequest:
    """Translate an HTTP API v2 event into a Bolt request (headers, raw body, query)."""
    body, headers = _raw_request(event)
    return BoltRequest(body=body, query=event.get("rawQueryString") or "", headers=headers)


def _raw_request(event: dict[str, Any]) -> tuple[str, dict[str, str | Sequence[str]]]:
    body = event.get("body") or ""
    if not isinstance(body, str):
        raise ValueError("the body is not text")
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body, validate=True).decode("utf-8")
    raw_headers = event.get("headers") or {}
    if not isinstance(raw_headers, dict):
        raise ValueError("the headers are not an object")
    headers: dict[str, str | Sequence[str]] = {str(key).lower(): str(value) for key, value in raw_headers.items()}
    return body, headers


def _signed(verifier: SignatureVerifier, body: str, headers: dict[str, str | Sequence[str]]) -> bool:
    """Slack's signature over the raw body holds, with a numeric timestamp inside the 5-minute window."""
    timestamp, signature = headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature")
    if not isinstance(timestamp, str) or not timestamp.isascii() or not timestamp.isdigit():
        return False
    return isinstance(signature, str) and verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


def to_http_response(response: BoltResponse) -> dict[str, Any]:
    """Translate a Bolt response into an HTTP API v2 result."""
    return {
        "statusCode": response.status,
        "headers": response.first_headers_without_set_cookie(),
        "body": response.body,
    }


def _response(status: int, text: str) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "text/plain"}, "body": text}


def _identity(context: BoltContext) -> Identity:
    return Identity(user_id=context.bot_user_id or "", bot_id=context.bot_id or "")


def _tell_to_wait(client: WebClient, job: Job, per_minute: int) -> None:
    logger.warning("question %s from %s not started: over %s questions a minute", job.event_id, job.user, per_minute)
    try:
        client.chat_postEphemeral(
            channel=job.channel, user=job.user, thread_ts=job.thread_ts,
            text=f"You have started {per_minute} questions in the last minute; ask again in a minute.",
        )
    except (SlackApiError, SlackClientError, OSError) as exc:  # the limit holds either way
        logger.warning("could not tell %s about the question limit: %s", job.user, exc)


def _start_once(start_job: StartJob, job: Job) -> None:
    try:
        receipt = start_job(job=job)
    except IdempotencyAlreadyInProgressError:
        logger.info("event_id=%s is already being dispatched; retry ignored", job.event_id)
        return
    logger.info("event_id=%s kind=%s accepted: %s", job.event_id, job.kind, receipt)
