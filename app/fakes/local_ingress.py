"""The real ingress wired in process, for the demo and the evaluations: signed requests in, jobs run on a thread."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import http_event
from app.ingress.app import SlackCredentials
from app.ingress.dedupe import SQLitePersistenceLayer
from app.ingress.dispatch import InProcessDispatcher
from app.ingress.handler import Ingress, build_ingress
from app.models import Job


@dataclass
class LocalIngress:
    """The ingress with a fresh signing secret, handing its jobs to ``run`` on a background dispatcher."""

    ingress: Ingress
    dispatcher: InProcessDispatcher
    secret: str = field(repr=False)

    def send(self, body: str, **options: Any) -> int:
        """Sign ``body`` as Slack would (``http_event`` options apply) and return the HTTP status."""
        return int(self.ingress.handle(http_event(body, self.secret, **options))["statusCode"])


def local_ingress(
    settings: Settings, slack: FakeSlackAPI, client: WebClient, run: Callable[[Job], Any]
) -> LocalIngress:
    """The ingress of ``settings`` against the Slack fake, deduplicating in SQLite under the state folder."""
    secret = secrets.token_hex(16)
    dispatcher = InProcessDispatcher(run)
    ingress = build_ingress(
        settings,
        credentials=SlackCredentials(signing_secret=secret, bot_token=slack.bot_token),
        dispatcher=dispatcher,
        store=SQLitePersistenceLayer(settings.state_dir / "idempotency.db"),
        slack_client=client,
    )
    return LocalIngress(ingress, dispatcher, secret)
