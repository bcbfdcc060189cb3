"""Human-approved remediation end to end: proposal in the reply, a signed click, one execution, verification.

A world of fakes (moto for the platform's task-event log, the jobs API fake recording every request), the real
ingress signing and checking the click, the real worker deciding it and the executor running in-process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk import WebClient

from app.config import Settings
from app.fakes.local_ingress import LocalIngress, local_ingress
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import FORM, button_click, event_callback, interaction_body, message_event
from app.fakes.world import scenario_world
from app.storage.actions import SQLiteActionStore
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import Worker, build_worker

RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
CHANNEL = "C0ALERTS"
TIMEOUT = "CannotPullContainerError: pull image manifest: dial tcp 10.1.2.3:443: i/o timeout"


def job(job_id: str, status: str = "failed") -> dict[str, Any]:
    return {"id": job_id, "name": "nightly", "status": status, "queue": "normal",
            "tasks": [{"name": "main", "status": status, "exit_reason": TIMEOUT, "image": "acme/etl:1"}]}


def routes() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for job_id in ("5521", "5522", "5523", "5524", "5525", "5526"):
        found.append({"method": "GET", "path": f"/v1/jobs/{job_id}", "body": job(job_id)})
        found.append({"method": "GET", "path": f"/v1/jobs/{job_id}/logs", "body": {"job_id": job_id, "tasks": []}})
        if job_id != "5523":
            found.append({"method": "POST", "path": f"/v1/jobs/{job_id}/retry", "status": 202,
                          "body": {"id": job_id, "status": "queued"}})
        if job_id not in ("5523", "5524"):
            found.append({"method": "GET", "path": f"/v1/jobs/{job_id}", "after": f"POST /v1/jobs/{job_id}/retry",
                          "body": job(job_id, "running")})
    found.append({"method": "POST", "path": "/v1/jobs/5523/retry", "status": 500, "body": {"message": "boom"}})
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Any]]:
    folder = tmp_path_factory.mktemp("world")
    (folder / "api.yaml").write_text(yaml.safe_dump(routes()), encoding="utf-8")
    events = [{"timestamp": "{{now-2m|ms}}", "message": f"task stopped job_id=5521 reason={TIMEOUT}"}]
    calls = [
        {"service": "logs", "op": "create_log_group", "params": {"logGroupName": "/aws/lambda/jobs-prod-task-events"}},
        {"service": "logs", "op": "create_log_stream",
         "params": {"logGroupName": "/aws/lambda/jobs-prod-task-events", "logStreamName": "s"}},
        {"service": "logs", "op": "put_log_events",
         "params": {"logGroupName": "/aws/lambda/jobs-prod-task-events", "logStreamName": "s", "logEvents": events}},
    ]
    (folder / "aws.yaml").write_text(yaml.safe_dump(calls).replace("'{{now-2m|ms}}'", "{{now-2m|ms}}"),
                                     encoding="utf-8")
    state = tmp_path_factory.mktemp("state")
    # each test's alert needs its own report with proposal buttons: alike alerts are not grouped here
    settings = Settings(runbooks=str(RUNBOOKS), state_dir=state, alert_channels=(CHANNEL,),
                        verify_max_wait_seconds=0, storm_window_seconds=0, repeat_window_seconds=0)
    with scenario_world(folder, settings) as world_settings:
        yield world_settings, folder


@pytest.fixture
def bot(world: tuple[Settings, Any], aws_env: None) -> Iterator[tuple[FakeSlackAPI, Worker, LocalIngress]]:
    settings, _ = world
    with FakeSlackAPI(bot_token="xoxb-test") as slack:
        slack.usergroups["S0PLATFORM"] = ["U0GROUPIE"]
        client = WebClient(token=slack.bot_token, base_url=slack.url)
        worker = build_worker(settings, slack_client=client, store=SQLiteTriageStore(settings.state_dir / "t.db"))
        yield slack, worker, local_ingress(settings, slack, client, worker.handle)


def alert(slack: FakeSlackAPI, local: LocalIngress, job_id: str) -> dict[str, Any]:
    text = f"[ECS] Task stopped: job {job_id} — {TIMEOUT}"
    ts = slack.add_message(CHANNEL, text, bot_id="B0HOOK")
    local.send(event_callback(message_event(CHANNEL, ts, text, bot_id="B0HOOK", subtype="bot_message")))
    local.dispatcher.drain()
    return slack.thread(CHANNEL, ts)[1]


def click(local: LocalIngress, report: dict[str, Any], user: str, action: str = "action_approve",
          value: str | None = None, **options: Any) -> int:
    buttons = next(block for block in report["blocks"] if block.get("block_id", "").startswith("proposal-"))
    payload = button_click(report, channel=CHANNEL, user=user, action=action,
                           value=value or buttons["elements"][0]["value"])
    status = local.send(interaction_body(payload), content_type=FORM, **options)
    local.dispatcher.drain()
    return status


def proposal_of(world: tuple[Settings, Any], report: dict[str, Any]) -> Any:
    settings, _ = world
    value = next(b for b in report["blocks"] if b.get("block_id", "").startswith("proposal-"))["elements"][0]["value"]
    return SQLiteActionStore(settings.state_dir / "actions.sqlite3").get(value.split(":")[1])


def test_an_approved_retry_runs_once_and_is_verified(world: tuple[Settings, Any], bot: Any) -> None:
    slack, _, local = bot
    report = alert(slack, local, "5521")
    text = json.dumps(report["blocks"])
    assert "Proposed action" in text and "jobs_retry_job" in text and '\\"job_id\\": \\"5521\\"' in text

    assert click(local, report, "U0ONCALL1") == 200
    assert click(local, report, "U0ONCALL2") == 200  # a second approver: decided already, nothing runs again

    proposal = proposal_of(world, report)
    assert proposal.status == "verified"
    events = [entry.event for entry in proposal.history]
    assert events[:3] == ["proposed", "approved", "claimed"] and "ignored" in events
    assert events.count("executed") == 1 and events.count("claimed") == 1
    thread = slack.thread(CHANNEL, report["thread_ts"])
    assert any("approved by <@U0ONCALL1>" in m.get("text", "") for m in thread)
    assert any("verified" in m.get("text", "") and "holds" in m.get("text", "") for m in thread)


def test_a_user_group_member_may_approve_and_others_may_not(world: tuple[Settings, Any], bot: Any) -> None:
    slack, _, local = bot
    report = alert(slack, local, "5522")

    click(local, report, "U0STRANGER")
    assert proposal_of(world, report).status == "proposed"
    click(local, report, "U0GROUPIE", action="action_reject")

    proposal = proposal_of(world, report)
    assert proposal.status == "rejected"
    assert [(e.event, e.by) for e in proposal.history][1:] == [("refused", "U0STRANGER"), ("rejected", "U0GROUPIE")]


def test_an_executor_failure_is_reported_and_audited(world: tuple[Settings, Any], bot: Any) -> None:
    slack, _, local = bot
    report = alert(slack, local, "5523")

    click(local, report, "U0ONCALL1")

    proposal = proposal_of(world, report)
    assert proposal.status == "failed"
    assert "HTTP 500" in proposal.history[-1].detail
    assert any(":x:" in m.get("text", "") for m in slack.thread(CHANNEL, report["thread_ts"]))


def test_a_retry_that_does_not_take_is_unverified(world: tuple[Settings, Any], bot: Any) -> None:
    slack, _, local = bot
    report = alert(slack, local, "5524")

    click(local, report, "U0ONCALL1")

    assert proposal_of(world, report).status == "unverified"


def test_an_expired_proposal_runs_nothing(world: tuple[Settings, Any], bot: Any) -> None:
    slack, worker, local = bot
    report = alert(slack, local, "5525")
    assert worker.deps.approvals is not None
    worker.deps.approvals.now = lambda: proposal_of(world, report).expires_at.replace(year=2099)

    click(local, report, "U0ONCALL1")

    assert proposal_of(world, report).status == "expired"


def test_forged_and_misplaced_clicks_run_nothing(world: tuple[Settings, Any], bot: Any) -> None:
    slack, _, local = bot
    report = alert(slack, local, "5526")

    assert click(local, report, "U0ONCALL1", signature="v0=" + "0" * 64) == 401
    moved = {**report, "ts": "1.000001"}
    click(local, moved, "U0ONCALL1")

    proposal = proposal_of(world, report)
    assert proposal.status == "proposed"
    assert [entry.detail for entry in proposal.history if entry.event == "refused"] == ["clicked on another message"]
