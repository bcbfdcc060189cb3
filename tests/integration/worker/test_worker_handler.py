"""The worker's composition root: parsing the job and building the worker from Settings."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from app.agent.models import ModelConfigError
from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import BadJobError, build_worker, parse_job
from app.worker.pipeline import InvestigationError

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
CHANNEL = "C0ALERTS"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)


def job_payload(fake: FakeSlackAPI, text: str) -> dict[str, Any]:
    ts = fake.add_message(CHANNEL, text, bot_id="B0MONITOR")
    return {
        "kind": "alert",
        "event_id": "Ev42",
        "team": "T0TEAM",
        "channel": CHANNEL,
        "ts": ts,
        "thread_ts": ts,
        "alert": {"title": "healthcheck", "text": text, "time": "2026-11-20T03:12:09Z"},
    }


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"hello": "world"},
        {"kind": "alert", "event_id": "Ev1"},
        {"kind": "nonsense", "event_id": "e", "channel": "C", "ts": "1", "thread_ts": "1", "alert": {}},
    ],
)
def test_parse_job_rejects_payloads_that_are_not_jobs(payload: dict[str, Any]) -> None:
    with pytest.raises(BadJobError, match="invocation payload is not a job"):
        parse_job(payload)


def test_parse_job_reads_a_job(fake: FakeSlackAPI) -> None:
    payload = job_payload(fake, "started_at has no value tasks:normal-4")

    job = parse_job(payload)

    assert (job.kind, job.event_id, job.channel, job.thread_ts) == ("alert", "Ev42", CHANNEL, payload["ts"])
    assert job.alert.text == "started_at has no value tasks:normal-4"
    assert job.alert.time.isoformat() == "2026-11-20T03:12:09+00:00"


def test_built_worker_runs_a_job_with_injected_clients(tmp_path: Path, fake: FakeSlackAPI) -> None:
    settings = Settings(runbooks=str(REPO_RUNBOOKS), model="none", state_dir=tmp_path / "state")
    store = SQLiteTriageStore(tmp_path / "records.sqlite3")
    worker = build_worker(settings, slack_client=WebClient(token=fake.bot_token, base_url=fake.url), store=store)
    job = parse_job(job_payload(fake, "error: started_at has no value tasks:normal-4 job_id=16852935"))

    record = worker.run(job)

    assert record.runbook_id == "jobs-004"
    assert record.status == "ok"
    stored = store.get(record.id)
    assert stored is not None
    assert stored.runbook_id == "jobs-004"
    reply = fake.thread(CHANNEL, job.ts)[-1]
    assert reply["ts"] == record.reply_ts
    assert [element["value"] for element in reply["blocks"][-1]["elements"]] == [record.id] * 4


def test_built_worker_reads_the_slack_token_from_the_secret_and_stores_in_state_dir(
    tmp_path: Path, fake: FakeSlackAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOPS_SECRET_SLACK", json.dumps({"bot_token": fake.bot_token, "signing_secret": "s"}))
    state = tmp_path / "state"
    settings = Settings(runbooks=str(REPO_RUNBOOKS), slack_api_url=fake.url, state_dir=state)
    worker = build_worker(settings)
    job = parse_job(job_payload(fake, "Task stopped: OutOfMemoryError (exit code 137) job_id=16853001"))

    record = worker.run(job)

    assert record.runbook_id == "ecs-002"
    assert fake.calls_to("chat.postMessage")[0].token == fake.bot_token
    stored = SQLiteTriageStore(state / "triage.sqlite3").get(record.id)
    assert stored is not None
    assert stored.runbook_id == "ecs-002"


def test_build_worker_fails_at_cold_start_on_a_bad_model_spec(tmp_path: Path, fake: FakeSlackAPI) -> None:
    settings = Settings(runbooks=str(REPO_RUNBOOKS), model="gpt-nonsense", state_dir=tmp_path)
    client = WebClient(token=fake.bot_token, base_url=fake.url)

    with pytest.raises(ModelConfigError, match="unknown model spec 'gpt-nonsense'"):
        build_worker(settings, slack_client=client, store=SQLiteTriageStore(tmp_path / "r.sqlite3"))


def test_a_rating_job_from_the_ingress_is_stored_and_tallied(tmp_path: Path, fake: FakeSlackAPI) -> None:
    settings = Settings(runbooks=str(REPO_RUNBOOKS), model="none", state_dir=tmp_path / "state")
    store = SQLiteTriageStore(tmp_path / "records.sqlite3")
    worker = build_worker(settings, slack_client=WebClient(token=fake.bot_token, base_url=fake.url), store=store)
    job = parse_job(job_payload(fake, "error: started_at has no value tasks:normal-4 job_id=16852935"))
    record = worker.run(job)
    payload = {
        "kind": "rating", "event_id": "rating-8123.456", "channel": CHANNEL, "ts": record.reply_ts,
        "thread_ts": job.ts, "user": "U0ALICE", "alert": {},
        "rating": {"record_id": record.id, "user": "U0ALICE", "level": "same", "rated_at": 1795231000.5},
    }

    outcome = worker.handle(parse_job(payload))

    assert outcome.receipt() == {"reference": record.id, "status": "rated (1 rating)"}
    assert [(r.user, r.level.value) for r in store.ratings(record.id)] == [("U0ALICE", "same")]
    assert "<@U0ALICE>" in fake.message(CHANNEL, record.reply_ts)["blocks"][-3]["text"]["text"]


def test_parse_job_rejects_a_rating_job_without_a_rating() -> None:
    payload = {"kind": "rating", "event_id": "e", "channel": "C", "ts": "1", "thread_ts": "1", "alert": {}}
    with pytest.raises(BadJobError, match="invocation payload is not a job"):
        parse_job(payload)


def test_a_tool_that_cannot_be_built_fails_the_investigation_after_the_progress_message(
    tmp_path: Path, fake: FakeSlackAPI
) -> None:
    settings = Settings(runbooks=str(REPO_RUNBOOKS), model="none", state_dir=tmp_path / "state",
                        github_repos=("acme/runner",), github_secret_name="aiops/github-missing")
    store = SQLiteTriageStore(tmp_path / "records.sqlite3")
    worker = build_worker(settings, slack_client=WebClient(token=fake.bot_token, base_url=fake.url), store=store)
    job = parse_job(job_payload(fake, "error: started_at has no value tasks:normal-4 job_id=16852935"))

    with pytest.raises(InvestigationError, match="secret 'aiops/github-missing' not found"):
        worker.run(job)
    with pytest.raises(InvestigationError, match="secret 'aiops/github-missing' not found"):
        worker.run(job)  # built again, and failed again: each investigation says why

    replies = [message["text"] for message in fake.thread(CHANNEL, job.ts)[1:]]
    assert len(replies) == 4  # per investigation: the progress message, then the failure
    assert all("aiops/github-missing" in reply for reply in replies[1::2])
    assert [record.status for record in store.recent(datetime(2026, 1, 1, tzinfo=UTC))] == ["failed", "failed"]
