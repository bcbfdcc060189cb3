"""The "Draft a runbook" button: a reply that matched no runbook offers it; a click shares a draft file in the thread
(through the signed ingress, the worker and ``files_upload_v2`` against the Slack fake)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from surface_support import ALERTS, Stack, make_stack

from app.alerts import normalise
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import button_click, event_callback, message_event
from app.models import Alert, EvidenceResult, Job, JobKind, TriageRecord, TriageReport
from app.runbooks.catalog import Catalog
from app.runbooks.draft import check
from app.slack.draft_blocks import DRAFT_ACTION

DISK_ALERT = "Disk usage 91% on bastion-2 (/var) for 10 minutes"
STARTED_AT = "[ERROR] 2026-11-21T03:12:09Z [healthcheck] error: started_at has no value tasks:normal-4 job_id=16852935"
VALID_DRAFT = """---
id: disk-001
title: Disk almost full on a bastion host
severity: medium
tags: [disk, bastion]
match:
  - regex: 'Disk usage \\d+% on bastion-\\d+'
---
# Disk almost full on a bastion host

## Procedure
1. Find the largest folders under the mount.
"""


@pytest.fixture
def stack(fake: FakeSlackAPI, tmp_path: Path) -> Stack:
    return make_stack(fake, tmp_path)


def alert(stack: Stack, text: str) -> tuple[str, dict[str, Any]]:
    ts = stack.fake.add_message(ALERTS, text, bot_id="B0HOOK")
    event = message_event(ALERTS, ts, text, bot_id="B0HOOK", subtype="bot_message")
    stack.send(event_callback(event))
    return ts, event


def click(reply: dict[str, Any], record_id: str, user: str = "U0ALICE") -> dict[str, Any]:
    return button_click(reply, channel=ALERTS, user=user, action=DRAFT_ACTION, value=record_id)


def draft_button(reply: dict[str, Any]) -> dict[str, Any] | None:
    for block in reply["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == DRAFT_ACTION:
            return accessory
    return None


def shared_file(stack: Stack, thread_ts: str) -> tuple[dict[str, Any], str]:
    (message,) = [m for m in stack.fake.thread(ALERTS, thread_ts) if m.get("files")]
    (info,) = message["files"]
    content = stack.fake.file(info["id"]).content
    assert content is not None
    return message, content.decode("utf-8")


def test_an_unmatched_reply_offers_a_draft_and_a_click_shares_a_valid_skeleton(stack: Stack) -> None:
    ts, event = alert(stack, DISK_ALERT)
    reply = stack.fake.thread(ALERTS, ts)[1]
    button = draft_button(reply)
    assert button is not None
    assert reply["blocks"][-1]["elements"][0]["action_id"] == "rate_better"  # the rating buttons stay last

    response = stack.click(click(reply, button["value"]))

    assert response["statusCode"] == 200
    message, text = shared_file(stack, ts)
    assert message["thread_ts"] == ts and message["bot_id"] == stack.fake.bot_id
    assert f"from ref `{button['value']}`" in message["text"] and "nothing was written to GitHub" in message["text"]
    runbook = check(text, "draft.md")
    assert runbook.id == "draft-disk-usage-91-on-bastion-2"
    assert runbook.tags == ("draft", "bot")  # the alert's source
    match = Catalog((runbook,)).match(normalise(event))
    assert match is not None and match.kind == "rule"
    assert "```text\nDisk usage 91% on bastion-2 (/var) for 10 minutes\n```" in text
    (upload,) = stack.fake.calls_to("files.getUploadURLExternal")
    assert upload.params["filename"] == "draft-disk-usage-91-on-bastion-2.md"
    assert int(upload.params["length"]) == len(text.encode("utf-8"))


def test_the_skeleton_carries_the_steps_that_ran_and_what_they_found(stack: Stack) -> None:
    parent = stack.fake.add_message(ALERTS, "export job 77 stuck for 42 min", bot_id="B0CRON")
    job = Job(kind=JobKind.ALERT, event_id="Ev1", channel=ALERTS, ts=parent, thread_ts=parent,
              alert=Alert(title="Nightly export stuck", text="export job 77 stuck for 42 min", source="cron"))
    evidence = [
        EvidenceResult(step_id="job", tool="jobs_get_job", args={"job_id": "77"}, status="ok", output="job 77 RUNNING"),
        EvidenceResult(step_id="logs", tool="cloud_logging_query", status="skipped", error="skipped: no request_id"),
    ]
    report = TriageReport(title="Nightly export stuck", cause="The export waits on a lock.", recommended_action="a",
                          decision="escalate", confidence="low")
    reply_ts = stack.fake.add_message(ALERTS, "the reply", bot_id=stack.fake.bot_id, thread_ts=parent)
    probes = [EvidenceResult(step_id="job", tool="jobs_get_job", args={"job_id": "77"}, status="ok",
                             output="job 77 RUNNING since 02:00")]
    stack.store.put(TriageRecord(id="tri-00000000000a", job=job, evidence=evidence, report=report, reply_ts=reply_ts,
                                 probes=probes, route="job 77 probed: no runbook matched what it found"))

    stack.click(click(stack.fake.message(ALERTS, reply_ts), "tri-00000000000a"))

    _, text = shared_file(stack, parent)
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["evidence"] == [  # the probe, then the steps that ran (not the skipped one)
        {"id": "job", "tool": "jobs_get_job", "args": {"job_id": "77"}},
        {"id": "job-2", "tool": "jobs_get_job", "args": {"job_id": "77"}},
    ]
    assert front["verdicts"] == []
    assert "- job (jobs_get_job): ok — job 77 RUNNING since 02:00" in text
    assert "- Route: job 77 probed: no runbook matched what it found" in text
    assert front["match"] == [{"regex": "Nightly\\ export\\ stuck"}]
    assert "- job (jobs_get_job): ok — job 77 RUNNING" in text
    assert "- Reply: The export waits on a lock." in text
    assert check(text, "x.md").evidence[0].tool == "jobs_get_job"


def test_a_matched_reply_offers_no_draft(stack: Stack) -> None:
    ts, _ = alert(stack, STARTED_AT)
    assert draft_button(stack.fake.thread(ALERTS, ts)[1]) is None


def test_a_click_on_a_report_that_is_not_stored_says_so_in_the_thread(stack: Stack) -> None:
    ts, _ = alert(stack, DISK_ALERT)
    reply = stack.fake.thread(ALERTS, ts)[1]

    stack.click(click(reply, "tri-0000deadbeef"))

    last = stack.fake.thread(ALERTS, ts)[-1]
    assert "No stored investigation `tri-0000deadbeef`" in last["text"]
    assert stack.fake.calls_to("files.completeUploadExternal") == []


def seeded(stack: Stack) -> tuple[str, str, dict[str, Any]]:
    parent = stack.fake.add_message(ALERTS, DISK_ALERT, bot_id="B0HOOK")
    job = Job(kind=JobKind.ALERT, event_id="Ev2", channel=ALERTS, ts=parent, thread_ts=parent,
              alert=Alert(title=DISK_ALERT, text=DISK_ALERT))
    reply_ts = stack.fake.add_message(ALERTS, "the reply", bot_id=stack.fake.bot_id, thread_ts=parent)
    stack.store.put(TriageRecord(id="tri-00000000000b", job=job, reply_ts=reply_ts))
    return "tri-00000000000b", parent, stack.fake.message(ALERTS, reply_ts)


def with_model(fake: FakeSlackAPI, tmp_path: Path, answer: str) -> Stack:
    script = tmp_path / "draft.yaml"
    script.write_text(yaml.safe_dump({"turns": [{"text": answer}]}), encoding="utf-8")
    return make_stack(fake, tmp_path, model=f"scripted:{script}")


def test_with_a_model_the_draft_is_the_model_s_completion(fake: FakeSlackAPI, tmp_path: Path) -> None:
    stack = with_model(fake, tmp_path, f"```markdown\n{VALID_DRAFT}```")
    ref, parent, reply = seeded(stack)

    stack.click(click(reply, ref))

    message, text = shared_file(stack, parent)
    assert text == VALID_DRAFT
    assert "drafted by the model" in message["text"]


def test_a_model_draft_that_is_not_a_runbook_leaves_the_skeleton(fake: FakeSlackAPI, tmp_path: Path) -> None:
    stack = with_model(fake, tmp_path, "Sure! Here is a runbook: check the disk.")
    ref, parent, reply = seeded(stack)

    stack.click(click(reply, ref))

    message, text = shared_file(stack, parent)
    assert "the model's draft was not a valid runbook" in message["text"]
    assert check(text, "x.md").id == "draft-disk-usage-91-on-bastion-2"
    assert json.dumps(text).count("Sample error log") == 1


def test_a_model_that_answers_with_tool_calls_gets_one_call_and_leaves_the_skeleton(
    fake: FakeSlackAPI, tmp_path: Path
) -> None:
    script = tmp_path / "tools.yaml"
    turns = {"turns": [{"tool_calls": [{"name": "search_runbooks", "input": {"query": "disk"}}]}], "repeat_last": True}
    script.write_text(yaml.safe_dump(turns), encoding="utf-8")
    stack = make_stack(fake, tmp_path, model=f"scripted:{script}")
    ref, parent, reply = seeded(stack)

    stack.click(click(reply, ref))

    message, text = shared_file(stack, parent)
    assert "the model's draft was not a valid runbook" in message["text"]
    assert check(text, "x.md").id == "draft-disk-usage-91-on-bastion-2"
