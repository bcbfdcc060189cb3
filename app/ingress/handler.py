"""Ingress Lambda: verify the Slack request, start at most one job per event, answer within 3 seconds.

Imports nothing of strands, google, github or fastmcp; the worker is imported only when it runs in-process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools import Logger
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from app.coldstart import ColdStart
from app.config import Settings
from app.ingress.app import Gate, SlackCredentials, build_app, handle_http
from app.ingress.dedupe import SlackDeadline, event_config, once_per_event, persistence_layer
from app.ingress.dispatch import Dispatcher, InProcessDispatcher, LambdaDispatcher
from app.ingress.limits import QuestionLimiter
from app.ingress.telemetry import IngressTelemetry
from app.secret_reader import SecretReader, secret_reader

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer, IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="aiops-ingress")


@dataclass(frozen=True)
class Ingress:
    """The ingress's dependencies, built once per cold start."""

    app: App
    dispatcher: Dispatcher
    dedupe: IdempotencyConfig
    verifier: SignatureVerifier
    telemetry: IngressTelemetry

    def handle(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        """Serve one HTTP event, counted in ``telemetry``; ``context`` is the Lambda context when there is one."""
        self.dedupe.register_lambda_context(cast("LambdaContext", context or SlackDeadline()))
        return self.telemetry.served(lambda: handle_http(self.app, event, self.verifier))


def build_ingress(
    settings: Settings,
    *,
    credentials: SlackCredentials | None = None,
    dispatcher: Dispatcher | None = None,
    store: BasePersistenceLayer | None = None,
    slack_client: WebClient | None = None,
    secrets: SecretReader | None = None,
) -> Ingress:
    """Compose the ingress from settings; every dependency, and the one secret reader, can be passed in instead."""
    secrets = secrets or secret_reader(settings)
    if credentials is None:
        secret = secrets.values(settings.slack_secret_name, required=("signing_secret", "bot_token"))
        credentials = SlackCredentials(signing_secret=secret["signing_secret"], bot_token=secret["bot_token"])
    client = slack_client or WebClient(token=credentials.bot_token, base_url=settings.slack_api_url, timeout=2)
    dispatcher = dispatcher or _default_dispatcher(settings, client, secrets)
    dedupe, telemetry = event_config(settings.idempotency_ttl_seconds), IngressTelemetry()
    once = once_per_event(telemetry.dispatching(dispatcher.dispatch), store or persistence_layer(settings), dedupe)
    gate = Gate(settings.slack_app_id, QuestionLimiter(settings.questions_per_minute), telemetry)
    app = build_app(credentials, settings.alert_channels, telemetry.deduplicated(once), client, gate)
    verifier = SignatureVerifier(credentials.signing_secret)
    return Ingress(app=app, dispatcher=dispatcher, dedupe=dedupe, verifier=verifier, telemetry=telemetry)


def _default_dispatcher(settings: Settings, client: WebClient, secrets: SecretReader) -> Dispatcher:
    if settings.worker_function:
        import boto3

        lambda_client = boto3.client("lambda", region_name=settings.aws_region)
        return LambdaDispatcher(settings.worker_function, lambda_client)
    from app.worker.handler import build_worker  # local runs only: the worker shares this process

    worker = build_worker(settings, slack_client=client, secrets=secrets)
    return InProcessDispatcher(worker.handle)


_cold_start = ColdStart(build_ingress)


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Entry point for Function URL / HTTP API v2 events; the request's metrics are written after it."""
    ingress = _cold_start.get()
    try:
        return ingress.handle(event, context)
    finally:
        ingress.telemetry.flush()
