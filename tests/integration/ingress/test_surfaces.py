"""App Home, the message shortcut, ``/aiops`` and live status: signed requests through the real ingress and worker,
against the local Slack fake."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from surface_support import ALERTS, REPO_RUNBOOKS, Stack, make_stack

from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import (
    FORM,
    command_body,
    event_callback,
    home_opened_event,
    message_event,
    shortcut_payload,
)
from app.models import Alert, Job, JobKind, Rating, RatingLevel, TriageRecord, TriageReport, Usage, utcnow
from app.slack.command_blocks import HELP

RANDOM, SECRET_ROOM = "C0RANDOM", "G0PRIVATE"
DISK_ALERT = "Disk usage 91% on bastion-2 (/var) for 10 minutes"
STARTED_AT = "[ERROR] 2026-11-21T03:12:09Z [healthcheck] error: started_at has no value tasks:normal-4 job_id=16852935"


@pytest.fixture
def stack(fake: FakeSlackAPI, tmp_path: Path) -> Stack:
    return make_stack(fake, tmp_path)


def record(
    ref: str,
    channel: str,
    title: str,
    *,
    runbook: str = "",
    hours_ago: float = 1,
    cost: float = 0.0,
    kind: JobKind = JobKind.ALERT,
    today: float | None = None,
) -> TriageRecord:
    """A stored investigation ``hours_ago``, or (``today`` in 0..1) that far into the UTC day so far.

    The home's spend is today's: a record an hour old is yesterday's when the test runs just after midnight.
    """
    now = utcnow()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    created = now - timedelta(hours=hours_ago) if today is None else midnight + (now - midnight) * today
    job = Job(kind=kind, event_id=f"Ev{ref}", channel=channel, ts="1.1", thread_ts="1.1", alert=Alert(title=title))
    report = TriageReport(title=title, cause="c", recommended_action="a", decision="escalate", confidence="medium")
    return TriageRecord(
        id=ref,
        job=job,
        runbook_id=runbook,
        report=report,
        created_at=created,
        usage=Usage(total_tokens=1000, estimated_cost_usd=cost),
    )


def home_text(view: dict[str, Any]) -> str:
    return "\n".join(
        block.get("text", {}).get("text", "") + " ".join(e.get("text", "") for e in block.get("elements", []))
        for block in view["blocks"]
    )


def test_opening_the_home_tab_publishes_the_person_s_investigations_ratings_spend_and_gaps(stack: Stack) -> None:
    stack.fake.join(ALERTS, "U0ALICE")
    for item in (
        record("tri-000000000001", ALERTS, "Disk usage 91% on bastion-2", today=0.25, cost=0.25),
        record("tri-000000000002", ALERTS, "Disk usage 93% on bastion-2", today=0.5, cost=0.5),
        record("tri-000000000003", ALERTS, "Job stuck in its queue", runbook="jobs-001", today=0.75),
        record("tri-000000000004", SECRET_ROOM, "Payroll export failed", today=0.75),
        record("tri-000000000005", ALERTS, "Old alert", hours_ago=24 * 40),
    ):
        stack.store.put(item)
    for user, level in (("U0ALICE", RatingLevel.WRONG), ("U0BOB", RatingLevel.PARTLY)):
        stack.store.rate(Rating(record_id="tri-000000000003", user=user, level=level, rated_at=utcnow().timestamp()))

    response = stack.send(event_callback(home_opened_event("U0ALICE")))

    assert response["statusCode"] == 200
    (publish,) = stack.fake.calls_to("views.publish")
    assert publish.params["user_id"] == "U0ALICE"
    view = stack.fake.home_view("U0ALICE")
    assert view is not None and view["type"] == "home"
    text = home_text(view)
    assert "Job stuck in its queue" in text and "🤏1 👎1" in text
    assert "Payroll export failed" not in text  # a private channel Alice is not in
    assert "Old alert" not in text  # older than the window
    assert "`jobs-001` 2 · 0% as good or better" in text
    assert "$0.75 · 4 investigations" in text
    assert "×2 Disk usage 93% on bastion-2" in text  # the two disk alerts, grouped, newest title
    assert "Runbooks with low ratings_\n`jobs-001` 0% as good or better of 2 ratings" in text
    assert stack.fake.calls_to("users.conversations")[0].params["user"] == "U0ALICE"


def test_other_tabs_publish_nothing(stack: Stack) -> None:
    response = stack.send(event_callback(home_opened_event("U0ALICE", tab="messages")))
    assert response["statusCode"] == 200
    assert stack.fake.calls_to("views.publish") == []


def test_a_home_tab_without_the_person_s_channels_lists_no_investigation_and_says_why(stack: Stack) -> None:
    stack.fake.join(ALERTS, "U0ALICE")
    stack.store.put(record("tri-000000000001", ALERTS, "Disk usage 91% on bastion-2"))
    stack.fake.fail_next["users.conversations"] = "missing_scope"

    stack.send(event_callback(home_opened_event("U0ALICE")))

    view = stack.fake.home_view("U0ALICE")
    assert view is not None
    text = home_text(view)
    assert "your channels could not be read" in text
    assert "Disk usage 91%" not in text


def test_the_shortcut_investigates_any_message_and_replies_in_its_thread(stack: Stack) -> None:
    ts = stack.fake.add_message(RANDOM, STARTED_AT, user="U0ALICE")  # not an alert channel
    message = {**message_event(RANDOM, ts, STARTED_AT), "user": "U0ALICE"}
    payload = shortcut_payload(message, channel=RANDOM, user="U0BOB", response_url=stack.fake.response_url("s1"))

    response = stack.click(payload)

    assert response["statusCode"] == 200
    thread = stack.fake.thread(RANDOM, ts)
    assert len(thread) == 2 and thread[1]["bot_id"] == stack.fake.bot_id
    assert thread[1]["thread_ts"] == ts
    assert "runbook `jobs-004`" in json.dumps(thread[1]["blocks"])


def test_the_shortcut_on_a_reply_answers_in_the_same_thread(stack: Stack) -> None:
    parent = stack.fake.add_message(RANDOM, "the nightly export looks stuck", user="U0ALICE")
    ts = stack.fake.add_message(RANDOM, DISK_ALERT, user="U0BOB", thread_ts=parent)
    message = {**message_event(RANDOM, ts, DISK_ALERT), "user": "U0BOB", "thread_ts": parent}

    stack.click(shortcut_payload(message, channel=RANDOM, user="U0BOB", response_url=stack.fake.response_url("s")))

    replies = [m for m in stack.fake.thread(RANDOM, parent) if m.get("bot_id") == stack.fake.bot_id]
    assert len(replies) == 1 and replies[0]["thread_ts"] == parent


def test_the_shortcut_on_a_message_without_text_says_so_privately(stack: Stack) -> None:
    ts = stack.fake.add_message(RANDOM, "", user="U0ALICE", blocks=[{"type": "divider"}])
    message = {**message_event(RANDOM, ts, ""), "blocks": [{"type": "divider"}]}
    url = stack.fake.response_url("empty")

    response = stack.click(shortcut_payload(message, channel=RANDOM, user="U0ALICE", response_url=url))

    assert response["statusCode"] == 200
    (answer,) = stack.fake.responses("empty")
    assert answer["response_type"] == "ephemeral" and "no text to investigate" in answer["text"]
    assert stack.fake.calls_to("chat.postMessage") == []


def command(stack: Stack, text: str, key: str = "cmd") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    body = command_body(text, user="U0ALICE", channel=RANDOM, response_url=stack.fake.response_url(key))
    response = stack.send(body, content_type=FORM)
    assert response["statusCode"] == 200
    return json.loads(response["body"] or "{}"), stack.fake.responses(key)


def test_aiops_help_answers_at_once_without_a_job(stack: Stack) -> None:
    for text in ("help", ""):
        ack, later = command(stack, text)
        assert ack["text"] == HELP
        assert later == []


def test_aiops_match_names_the_runbook_privately(stack: Stack) -> None:
    ack, later = command(stack, f"match {STARTED_AT}")

    assert "Matching" in ack["text"]
    (answer,) = later
    assert answer["response_type"] == "ephemeral"
    assert "✅ `jobs-004` — Job succeeded but a task has no started_at" in answer["text"]


def test_aiops_match_says_when_no_runbook_would_answer(stack: Stack) -> None:
    _, later = command(stack, f"match {DISK_ALERT}")
    assert "No runbook would answer" in later[0]["text"]


def test_aiops_match_without_text_and_unknown_commands_get_usage(stack: Stack) -> None:
    ack, later = command(stack, "match   ")
    assert "Usage: `/aiops match TEXT`" in ack["text"] and later == []
    ack, later = command(stack, "deploy prod")
    assert "`deploy` is not an `/aiops` command" in ack["text"] and later == []


def test_aiops_status_reports_catalog_model_and_today(stack: Stack) -> None:
    stack.store.put(record("tri-000000000001", ALERTS, "Disk usage", hours_ago=0, cost=0.5))
    _, later = command(stack, "status")
    text = later[0]["text"]
    runbooks = len(list(REPO_RUNBOOKS.rglob("*-*.md")))
    assert "*Model* `none`" in text
    assert f"*Runbooks* {runbooks} loaded" in text
    assert "1 investigations (0 failed), spend $0.50" in text


def test_a_forged_command_is_refused(stack: Stack) -> None:
    body = command_body("status", user="U0ALICE", channel=RANDOM, response_url=stack.fake.response_url("x"))
    response = stack.send(body, content_type=FORM, signature="v0=" + "2" * 64)
    assert response["statusCode"] == 401
    assert stack.fake.responses("x") == []


def test_an_investigation_shows_live_status_in_its_thread_and_clears_it(stack: Stack) -> None:
    ts = stack.fake.add_message(ALERTS, STARTED_AT, bot_id="B0HOOK")
    stack.send(event_callback(message_event(ALERTS, ts, STARTED_AT, bot_id="B0HOOK", subtype="bot_message")))

    statuses = [status for channel, thread, status in stack.fake.surfaces.statuses if (channel, thread) == (ALERTS, ts)]
    assert statuses[0] == "📖 runbook jobs-004 — Job succeeded but a task has no started_at"
    assert statuses[-1] == ""
    assert stack.fake.status(ALERTS, ts) == ""
    assert stack.fake.thread(ALERTS, ts)[1]["blocks"]  # the report


def test_a_failing_status_line_never_stops_the_investigation(stack: Stack) -> None:
    stack.fake.failing["assistant.threads.setStatus"] = "missing_scope"
    ts = stack.fake.add_message(ALERTS, STARTED_AT, bot_id="B0HOOK")
    stack.send(event_callback(message_event(ALERTS, ts, STARTED_AT, bot_id="B0HOOK", subtype="bot_message")))

    reply = stack.fake.thread(ALERTS, ts)[1]
    assert "runbook `jobs-004`" in json.dumps(reply["blocks"])
    assert len(stack.fake.calls_to("assistant.threads.setStatus")) >= 2


def test_a_shortcut_in_a_channel_the_bot_is_not_in_tells_the_person_privately(stack: Stack) -> None:
    ts = stack.fake.add_message(RANDOM, DISK_ALERT, user="U0ALICE")
    message = {**message_event(RANDOM, ts, DISK_ALERT), "user": "U0ALICE"}
    stack.fake.failing["chat.postMessage"] = "not_in_channel"

    response = stack.click(
        shortcut_payload(message, channel=RANDOM, user="U0BOB", response_url=stack.fake.response_url("n"))
    )

    assert response["statusCode"] == 200
    (answer,) = stack.fake.responses("n")
    assert answer["response_type"] == "ephemeral"
    assert "not_in_channel" in answer["text"] and "/invite @aiops" in answer["text"]
