"""Shared set-up of the worker pipeline tests: real WebClient on FakeSlackAPI, SQLite, a fixed runbook catalog.

Imported by the test modules next to it (pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from slack_sdk import WebClient

from app.agent.scripted import ScriptedModel
from app.fakes.slack_api import FakeSlackAPI
from app.models import Alert, Job, JobKind
from app.runbooks.source import FolderSource
from app.slack.poster import SlackPoster
from app.storage.triage import SQLiteTriageStore
from app.worker.deps import WorkerDeps
from app.worker.handler import default_tools

RUNBOOKS = Path(__file__).resolve().parents[2] / "fixtures" / "runbooks" / "engine"
CHANNEL = "C0ALERTS"
JOBS_ALERT = "[ERROR] healthcheck error: started_at has no value tasks:normal-4 job_id=16852935"
ALERT_TIME = datetime(2026, 11, 20, 3, 12, 9, tzinfo=UTC)
REPORT: dict[str, Any] = {
    "title": "Late started_at write on job 16852935",
    "cause": "The task runner wrote started_at late; runbook jobs-004 case 2.",
    "findings": [{"statement": "started_at is now set", "evidence": "jobs API: started_at=03:12:40Z"}],
    "recommended_action": "Close once the next health check passes (step 2).",
    "decision": "close",
    "confidence": "high",
}
RATING_IDS = ["rate_better", "rate_same", "rate_partly", "rate_wrong"]
LOOP_SCRIPT: dict[str, Any] = {
    "turns": [{"tool_calls": [{"name": "search_runbooks", "input": {"query": "started_at"}}]}],
    "repeat_last": True,
}


def make_deps(fake: FakeSlackAPI, store: SQLiteTriageStore, **changes: Any) -> WorkerDeps:
    """Deps on the fixed runbook catalog with no model; ``changes`` replace any field."""
    values: dict[str, Any] = {
        "source": FolderSource(RUNBOOKS),
        "slack": SlackPoster(WebClient(token=fake.bot_token, base_url=fake.url)),
        "store": store,
        "tools": partial(default_tools, result_max_chars=8000),
        "model": lambda: None,
        "evidence_timeout": 10.0,
    }
    values.update(changes)
    return WorkerDeps(**values)


def post_alert(fake: FakeSlackAPI, text: str = JOBS_ALERT, title: str | None = None) -> Job:
    """Seed the alert message in the channel and return the job the ingress would send for it."""
    ts = fake.add_message(CHANNEL, text, bot_id="B0MONITOR")
    alert = Alert(title=title or text.splitlines()[0], text=text, source="monitoring", time=ALERT_TIME)
    return Job(kind=JobKind.ALERT, event_id="Ev1", channel=CHANNEL, ts=ts, thread_ts=ts, alert=alert)


def write_script(tmp_path: Path, script: dict[str, Any]) -> Path:
    """The script as a YAML file."""
    path = tmp_path / "script.yaml"
    path.write_text(yaml.safe_dump(script), encoding="utf-8")
    return path


def scripted(tmp_path: Path, script: dict[str, Any]) -> Callable[[], ScriptedModel]:
    """A model factory giving a fresh ScriptedModel per investigation."""
    path = write_script(tmp_path, script)
    return lambda: ScriptedModel.from_file(path)


def reply_of(fake: FakeSlackAPI, job: Job) -> dict[str, Any]:
    """The bot's one reply in the alert's thread."""
    thread = fake.thread(CHANNEL, job.ts)
    assert len(thread) == 2, thread
    return thread[1]


def all_text(value: Any) -> str:
    """Every string inside blocks (or any JSON-like value), one per line, for containment checks."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return "\n".join(all_text(item) for item in value)
    return ""
