"""The real ingress and worker wired in process against the Slack fake, for the surface tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from app.config import Settings
from app.fakes.local_ingress import LocalIngress, local_ingress
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import FORM, http_event, interaction_body
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import build_worker

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
ALERTS = "C0ALERTS"


@dataclass
class Stack:
    fake: FakeSlackAPI
    local: LocalIngress
    store: SQLiteTriageStore

    def send(self, body: str, **options: Any) -> dict[str, Any]:
        response = self.local.ingress.handle(http_event(body, self.local.secret, **options))
        self.local.dispatcher.drain()
        return response

    def click(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.send(interaction_body(payload), content_type=FORM)


def make_stack(fake: FakeSlackAPI, tmp_path: Path, model: str = "none") -> Stack:
    settings = Settings(alert_channels=(ALERTS,), state_dir=tmp_path, runbooks=str(REPO_RUNBOOKS), model=model)
    client = WebClient(token=fake.bot_token, base_url=fake.url)
    store = SQLiteTriageStore(tmp_path / "triage.db")
    worker = build_worker(settings, slack_client=client, store=store)
    return Stack(fake, local_ingress(settings, fake, client, worker.handle), store)
