"""Repeats and storms through the real worker code: Slack fake over HTTP, SQLite stores, the fixed catalog."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from pipeline_support import ALERT_TIME, CHANNEL, all_text, make_deps, scripted

from app.fakes.dynamo_atomic import atomic_writes
from app.fakes.slack_api import FakeSlackAPI
from app.models import Alert, Job, JobKind, Usage
from app.storage.claims import Spend
from app.storage.claims_dynamo import DynamoClaimStore
from app.storage.claims_sqlite import SQLiteClaimStore
from app.storage.triage import DynamoTriageStore, SQLiteTriageStore
from app.worker.correlate import Correlation
from app.worker.cost import Prices
from app.worker.deps import WorkerDeps
from app.worker.jobs import Outcome, handle_job
from app.worker.pipeline import InvestigationError
from app.worker.spend import SpendLimits, hold_budget, scopes

STORM = Correlation(repeat_window=3600, storm_window=300, storm_threshold=2, archive_url="https://acme.slack.com/archives")


def healthcheck(job_id: int, task: str = "normal-4") -> str:
    return f"[ERROR] healthcheck error: started_at has no value tasks:{task} job_id={job_id}"


def alert_job(fake: FakeSlackAPI, text: str, seconds: float, status: str = "firing", title: str = "") -> Job:
    ts = fake.add_message(CHANNEL, text, bot_id="B0MONITOR")
    alert = Alert(title=title or text, text=text, source="monitoring", time=ALERT_TIME + timedelta(seconds=seconds),
                  status=status)  # type: ignore[arg-type]
    return Job(kind=JobKind.ALERT, event_id=f"Ev{ts}", team="T1", channel=CHANNEL, ts=ts, thread_ts=ts, alert=alert)


@pytest.fixture
def deps(fake: FakeSlackAPI, tmp_path: Path) -> WorkerDeps:
    path = tmp_path / "triage.sqlite3"
    return make_deps(fake, SQLiteTriageStore(path), claims=SQLiteClaimStore(path), correlation=STORM)


def replies(fake: FakeSlackAPI, job: Job) -> list[dict[str, Any]]:
    return fake.thread(CHANNEL, job.ts)[1:]


def link_to(job: Job) -> str:
    return f"https://acme.slack.com/archives/{CHANNEL}/p{job.ts.replace('.', '')}"


def test_a_repeat_links_to_the_first_thread_and_the_report_counts_it(fake: FakeSlackAPI, deps: WorkerDeps) -> None:
    first, second, third = (alert_job(fake, healthcheck(16852935), s) for s in (0, 60, 120))

    outcomes = [handle_job(job, deps) for job in (first, second, third)]

    assert [o.record is not None for o in outcomes] == [True, False, False]
    for repeat in (second, third):
        (line,) = replies(fake, repeat)
        assert "Same alert as" in line["text"] and link_to(first) in line["text"]
    report = replies(fake, first)[0]
    assert "Seen 3× since 2026-11-20 03:12" in all_text(report["blocks"])  # noqa: RUF001 - the multiplication sign people read


def test_a_resolved_then_refired_alert_is_investigated_again(fake: FakeSlackAPI, deps: WorkerDeps) -> None:
    fired = handle_job(alert_job(fake, healthcheck(16852935), 0), deps)
    resolved = handle_job(alert_job(fake, healthcheck(16852935), 200, status="resolved"), deps)
    refired = handle_job(alert_job(fake, healthcheck(16852935), 400), deps)

    assert fired.record is not None and refired.record is not None
    assert resolved.status == "resolved, noted in the earlier thread"
    assert refired.record.id != fired.record.id


def test_a_storm_is_one_investigation_listing_its_members(fake: FakeSlackAPI, deps: WorkerDeps) -> None:
    jobs = [alert_job(fake, healthcheck(17000000 + n, f"normal-{n}"), n * 20) for n in range(6)]

    outcomes = [handle_job(job, deps) for job in jobs]

    assert [o.record is not None for o in outcomes] == [True] + [False] * 5
    for member in jobs[1:]:
        (line,) = replies(fake, member)
        assert "alike alerts" in line["text"] and link_to(jobs[0]) in line["text"]
        assert "jobs-004" in line["text"]
    listed = all_text(replies(fake, jobs[0])[0]["blocks"])
    assert "Grouped: 6 alike alerts since 2026-11-20 03:12" in listed
    assert all(f"job_id 1700000{n}" in listed and link_to(jobs[n]) in listed for n in range(1, 6))


def test_a_storm_straddling_the_window_starts_a_second_group(fake: FakeSlackAPI, deps: WorkerDeps) -> None:
    jobs = [alert_job(fake, healthcheck(17100000 + n), seconds) for n, seconds in enumerate((0, 150, 299, 300, 420))]

    outcomes = [handle_job(job, deps) for job in jobs]

    assert [o.record is not None for o in outcomes] == [True, False, False, True, False]
    assert link_to(jobs[0]) in replies(fake, jobs[2])[0]["text"]
    assert link_to(jobs[3]) in replies(fake, jobs[4])[0]["text"]
    assert "Grouped: 3 alike alerts" in all_text(replies(fake, jobs[0])[0]["blocks"])
    assert "Grouped: 2 alike alerts" in all_text(replies(fake, jobs[3])[0]["blocks"])


def test_alerts_of_another_shape_are_not_grouped(fake: FakeSlackAPI, deps: WorkerDeps) -> None:
    storm = handle_job(alert_job(fake, healthcheck(17200001), 0), deps)
    other = handle_job(alert_job(fake, "Task stopped: OutOfMemoryError exit code 137 job 17200002", 10), deps)
    reworded = handle_job(alert_job(fake, healthcheck(17200003) + " after 3 retries", 20), deps)

    assert all(o.record is not None for o in (storm, other, reworded))


def test_resolution_of_grouped_alerts(fake: FakeSlackAPI, deps: WorkerDeps) -> None:
    leader, member = alert_job(fake, healthcheck(17300001), 0), alert_job(fake, healthcheck(17300002), 30)
    handle_job(leader, deps)
    handle_job(member, deps)

    member_done = handle_job(alert_job(fake, healthcheck(17300002), 100, status="resolved"), deps)
    leader_done = handle_job(alert_job(fake, healthcheck(17300001), 120, status="resolved"), deps)
    after = handle_job(alert_job(fake, healthcheck(17300003), 140), deps)

    assert member_done.status == f"resolved, noted in the grouped thread {leader.ts}"
    assert "one of the alerts grouped in this thread" in replies(fake, leader)[-2]["text"]
    assert leader_done.status == "resolved, noted in the earlier thread"
    assert after.record is not None  # the storm closed with its leader: an alike alert starts afresh


def test_budget_runs_out_mid_storm(fake: FakeSlackAPI, deps: WorkerDeps, tmp_path: Path) -> None:
    script = {"turns": [{"structured": {
        "title": "t", "cause": "c", "findings": [], "recommended_action": "a", "decision": "close",
        "confidence": "high",
    }}]}
    deps.model = scripted(tmp_path, script)
    deps.correlation = Correlation(repeat_window=0, storm_window=0)  # every alert of the burst runs the model
    assert deps.claims is not None
    first = handle_job(alert_job(fake, healthcheck(17400000), 0), deps)
    used = deps.claims.spend(f"T1:{_today()}").tokens  # one run's tokens, counted without a limit
    # room for one more run's worst case (the investigation budget) on top of it, not for two
    deps.spend_limits = SpendLimits(tokens=2 * used + deps.budget.max_total_tokens - 1)

    later = [handle_job(alert_job(fake, healthcheck(17400001 + n), n), deps) for n in range(3)]

    records = [o.record for o in (first, *later) if o.record is not None]
    assert [r.mode for r in records] == ["model", "model", "evidence-only", "evidence-only"]
    assert "daily model budget of the workspace is spent" in records[2].model_note
    assert records[1].spend == f"today {2 * used:,} tokens of {2 * used + deps.budget.max_total_tokens - 1:,} · $0.00"
    assert "daily model budget" in all_text(replies(fake, _job_of(records[3]))[0]["blocks"])
    assert deps.claims.spend(f"T1:{_today()}").tokens == 2 * used


def _job_of(record: Any) -> Job:
    job: Job = record.job
    return job


def _today() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%d")


@pytest.fixture(params=["sqlite", "dynamodb"])
def worker_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], tuple[Any, Any]]]:
    """Each call gives one worker its own triage and claim store over the same database."""
    if request.param == "sqlite":
        path = tmp_path / "triage.sqlite3"
        yield lambda: (SQLiteTriageStore(path), SQLiteClaimStore(path))
        return
    request.getfixturevalue("aws_env")
    with mock_aws(), atomic_writes():
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName="triage", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        )

        def pair() -> tuple[Any, Any]:
            client = boto3.client("dynamodb", region_name="us-east-1")
            return DynamoTriageStore("triage", client), DynamoClaimStore("triage", client)

        yield pair


def test_concurrent_workers_racing_for_one_group_investigate_once(
    fake: FakeSlackAPI, worker_stores: Callable[[], tuple[Any, Any]]
) -> None:
    jobs = [alert_job(fake, healthcheck(17500000 + n), n) for n in range(8)]
    workers = []
    for _ in jobs:
        store, claims = worker_stores()
        workers.append(make_deps(fake, store, claims=claims, correlation=STORM))
    gate = threading.Barrier(len(jobs))

    def run(number: int) -> Outcome:
        gate.wait()
        return handle_job(jobs[number], workers[number])

    with ThreadPoolExecutor(len(jobs)) as pool:
        outcomes = list(pool.map(run, range(len(jobs))))

    investigated = [n for n, o in enumerate(outcomes) if o.record is not None]
    assert len(investigated) == 1
    leader = jobs[investigated[0]]
    for n, job in enumerate(jobs):
        if n != investigated[0]:
            (line,) = replies(fake, job)
            assert link_to(leader) in line["text"]
    assert "Grouped: 8 alike alerts" in all_text(replies(fake, leader)[0]["blocks"])


def test_a_failed_investigation_holds_no_claim(fake: FakeSlackAPI, deps: WorkerDeps) -> None:
    tools = deps.tools

    def broken(catalog: Any) -> Any:
        raise RuntimeError("the tool clients could not be built")

    deps.tools = broken
    with pytest.raises(InvestigationError):
        handle_job(alert_job(fake, healthcheck(17600001), 0), deps)
    deps.tools = tools

    again = handle_job(alert_job(fake, healthcheck(17600001), 60), deps)
    alike = handle_job(alert_job(fake, healthcheck(17600002), 70), deps)

    assert again.record is not None and again.record.status == "ok"
    assert alike.record is None and alike.status.startswith("storm")


def test_a_channel_budget_refuses_while_the_workspace_has_room(tmp_path: Path) -> None:
    store = SQLiteClaimStore(tmp_path / "claims.sqlite3")
    limits = SpendLimits(tokens=1_000_000, channel_tokens=100_000)
    job = Job(kind=JobKind.ALERT, event_id="e", team="T1", channel="C7", ts="1", thread_ts="1", alert=Alert())
    prices = Prices(3.0, 15.0)

    first = hold_budget(job, store, limits, 60_000, prices)
    second = hold_budget(job, store, limits, 60_000, prices)

    assert first.granted and not second.granted
    assert "daily model budget of the channel <#C7> is spent" in second.note
    workspace, channel = scopes(job)
    assert (store.spend(workspace).tokens, store.spend(channel).tokens) == (60_000, 60_000)  # nothing kept back
    assert first.settle(Usage(input_tokens=1000, output_tokens=200, total_tokens=1200)).startswith(
        "today 1,200 tokens of 1,000,000 · $0.01"
    )
    assert store.spend(channel) == Spend(1200, pytest.approx(0.006))
