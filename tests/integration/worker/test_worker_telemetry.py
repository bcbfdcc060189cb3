"""The worker's summary line and EMF metrics, from real jobs run against the Slack fake."""

from __future__ import annotations

import io
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools import Logger
from slack_sdk import WebClient

from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.models import Job, RatingLevel
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import Worker, build_worker, parse_job
from app.worker.pipeline import InvestigationError
from app.worker.telemetry import NAMESPACE, SERVICE, observe, worker_metrics

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
CHANNEL = "C0ALERTS"
ALERT = "error: started_at has no value tasks:normal-4 job_id=16852935"


def emitted(out: str, log: io.StringIO) -> tuple[list[dict[str, Any]], dict[tuple[str, tuple[str, ...]], list[float]]]:
    """The logger's JSON lines, and (metric, dimension names) → values of the EMF documents printed to stdout."""
    logs = [json.loads(line) for line in log.getvalue().splitlines()]
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    metrics: dict[tuple[str, tuple[str, ...]], list[float]] = {}
    for line in lines:
        if "_aws" not in line:
            continue
        for directive in line["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == NAMESPACE
            for dimensions in directive["Dimensions"]:
                assert line["service"] == SERVICE
                for metric in directive["Metrics"]:
                    value = line[metric["Name"]]
                    metrics.setdefault((metric["Name"], tuple(sorted(dimensions))), []).extend(
                        value if isinstance(value, list) else [value])
    return logs, metrics


@pytest.fixture
def worker(tmp_path: Path, fake: FakeSlackAPI) -> Worker:
    settings = Settings(runbooks=str(REPO_RUNBOOKS), model="none", state_dir=tmp_path / "state")
    store = SQLiteTriageStore(tmp_path / "records.sqlite3")
    return build_worker(settings, slack_client=WebClient(token=fake.bot_token, base_url=fake.url), store=store)


def alert_job(fake: FakeSlackAPI, text: str = ALERT) -> Job:
    ts = fake.add_message(CHANNEL, text, bot_id="B0MONITOR")
    return parse_job({"kind": "alert", "event_id": f"Ev{ts}", "channel": CHANNEL, "ts": ts, "thread_ts": ts,
                      "alert": {"title": "healthcheck", "text": text, "time": "2026-11-20T03:12:09Z"}})


@pytest.fixture
def log() -> io.StringIO:
    return io.StringIO()


def run(job: Job, worker: Worker, log: io.StringIO) -> Any:
    metrics = worker_metrics()
    logger = Logger(service=f"{SERVICE}-{uuid.uuid4().hex}", stream=log)  # a logger of its own, writing to ``log``
    try:
        return observe(job, worker.handle, worker.mode, metrics, logger)
    finally:
        metrics.flush_metrics()


def test_an_investigation_logs_one_summary_line_and_its_metrics(
    worker: Worker, fake: FakeSlackAPI, capsys: pytest.CaptureFixture[str], log: io.StringIO
) -> None:
    outcome = run(alert_job(fake), worker, log)

    logs, metrics = emitted(capsys.readouterr().out, log)
    summaries = [line for line in logs if line["message"] == "investigation finished"]
    assert len(summaries) == 1
    summary = summaries[0]
    assert (summary["reference"], summary["runbook"], summary["outcome"], summary["mode"]) == (
        outcome.reference, "jobs-004", "ok", "evidence-only")
    assert metrics[("Investigations", ("service",))] == [1]
    assert metrics[("Investigations", ("mode", "outcome", "service"))] == [1]
    assert metrics[("RunbookMatched", ("service",))] == [1]
    assert metrics[("Tokens", ("service",))] == [0]
    assert ("CostUsd", ("service",)) in metrics and ("BlockedToolCalls", ("service",)) in metrics


def test_an_alert_no_runbook_matches_counts_as_unmatched(
    worker: Worker, fake: FakeSlackAPI, capsys: pytest.CaptureFixture[str], log: io.StringIO
) -> None:
    run(alert_job(fake, "the coffee machine is out of beans"), worker, log)

    _, metrics = emitted(capsys.readouterr().out, log)
    assert metrics[("RunbookMatched", ("service",))] == [0]
    assert metrics[("VerdictReached", ("service",))] == [0]


def test_a_failed_investigation_is_counted_as_failed_and_re_raised(
    worker: Worker, fake: FakeSlackAPI, capsys: pytest.CaptureFixture[str], log: io.StringIO
) -> None:
    job = alert_job(fake)
    fake.fail_next["chat.update"] = "channel_not_found"  # the report cannot replace the progress message

    with pytest.raises(InvestigationError) as raised:
        run(job, worker, log)

    logs, metrics = emitted(capsys.readouterr().out, log)
    summary = next(line for line in logs if line["message"] == "investigation finished")
    assert (summary["outcome"], summary["mode"]) == ("failed", "evidence-only")
    assert summary["reference"] in str(raised.value) and summary["reference"].startswith("tri-")
    assert metrics[("Investigations", ("mode", "outcome", "service"))] == [1]


def test_a_rating_is_counted_by_level_and_is_not_an_investigation(
    worker: Worker, fake: FakeSlackAPI, capsys: pytest.CaptureFixture[str], log: io.StringIO
) -> None:
    outcome = run(alert_job(fake), worker, log)
    capsys.readouterr()
    rating = Job.model_validate({
        "kind": "rating", "event_id": "EvRate", "channel": CHANNEL, "ts": "1.2", "thread_ts": "1.2",
        "alert": {}, "rating": {"record_id": outcome.reference, "user": "U0ALICE", "level": RatingLevel.SAME.value,
                                "rated_at": time.time()},
    })

    run(rating, worker, log)

    logs, metrics = emitted(capsys.readouterr().out, log)
    assert metrics[("Ratings", ("level", "service"))] == [1]
    assert ("Investigations", ("service",)) not in metrics
    assert [line["rating"] for line in logs if line["message"] == "rating stored"] == ["same"]
