"""Questions in threads, follow-ups that continue from earlier findings, Japanese replies and resolved notes.

Jobs come from realistic payloads (tests/fixtures/slack) classified by the ingress's own functions; the
worker runs for real against the local Slack and SQLite; only the model is scripted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import REPORT, all_text, make_deps, write_script

from app.agent.scripted import ScriptedModel
from app.fakes.slack_api import FakeSlackAPI
from app.ingress.events import Identity, alert_job, question_job
from app.models import Job
from app.storage.triage import SQLiteTriageStore
from app.worker.deps import WorkerDeps
from app.worker.jobs import handle_job

Load = Callable[[str], dict[str, Any]]
ME = Identity(user_id="U07AIOPSBOT", bot_id="B07AIOPSBOT")
ALERTS, HELP = "C05ALERTS01", "C05PLATHELP"


def model(tmp_path: Path, name: str, report: dict[str, Any] | None = None) -> ScriptedModel:
    (tmp_path / name).mkdir()
    return ScriptedModel.from_file(write_script(tmp_path / name, {"turns": [{"structured": report or REPORT}]}))


def deps(fake: FakeSlackAPI, store: SQLiteTriageStore, scripted: ScriptedModel | None = None) -> WorkerDeps:
    return make_deps(fake, store, model=lambda: scripted, model_spec="scripted" if scripted else "none")


def alert_from(fake: FakeSlackAPI, payload: dict[str, Any]) -> Job:
    """Classify the payload's event as the ingress does, then post it in the local Slack (which picks its ts;
    the alert keeps the payload's time)."""
    event = payload["event"]
    job = alert_job(payload, (ALERTS,), ME)
    assert job is not None
    ts = fake.add_message(ALERTS, event.get("text", ""), bot_id=event["bot_id"], blocks=event.get("blocks"),
                          attachments=event.get("attachments"))
    return job.model_copy(update={"ts": ts, "thread_ts": ts})


def mention_from(fake: FakeSlackAPI, payload: dict[str, Any], channel: str, thread_ts: str | None) -> Job:
    event = payload["event"]
    ts = fake.add_message(channel, event["text"], user=event["user"], thread_ts=thread_ts)
    event.update(ts=ts, event_ts=ts, channel=channel)
    if thread_ts:
        event["thread_ts"] = thread_ts
    job = question_job(payload, ME)
    assert job is not None
    return job


def test_a_question_in_a_thread_sees_the_earlier_messages(
    fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path, slack_payload: Load
) -> None:
    parent = fake.add_message(HELP, "job 16852990 failed overnight, ETL team", user="U04KENJI001")
    fake.add_message(HELP, "retried twice, same result; the UI shows no logs", user="U04KENJI001", thread_ts=parent)
    job = mention_from(fake, slack_payload("question_in_thread.json"), HELP, parent)
    scripted = model(tmp_path, "m")

    outcome = handle_job(job, deps(fake, store, scripted))

    prompt = scripted.received[0]
    assert "job 16852990 failed overnight, ETL team" in prompt
    assert "retried twice, same result; the UI shows no logs" in prompt
    assert "<@U07AIOPSBOT>" not in prompt
    assert outcome.record is not None and outcome.record.follows == ""
    assert fake.thread(HELP, parent)[-1]["ts"] == outcome.record.reply_ts


def test_a_follow_up_continues_from_the_earlier_findings(
    fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path, slack_payload: Load
) -> None:
    alert = alert_from(fake, slack_payload("plain_text_webhook.json"))
    first = handle_job(alert, deps(fake, store, model(tmp_path, "first"))).record
    assert first is not None and first.runbook_id == "jobs-004" and first.evidence
    job = mention_from(fake, slack_payload("followup_question.json"), ALERTS, alert.ts)
    later = model(tmp_path, "later")

    second = handle_job(job, deps(fake, store, later)).record

    assert second is not None
    assert (second.follows, second.runbook_id, second.evidence) == (first.id, "jobs-004", [])
    prompt = later.received[0]
    assert "<earlier_findings>" in prompt
    assert f"Reference {first.id}; runbook: jobs-004." in prompt
    assert "Cause: The task runner wrote started_at late; runbook jobs-004 case 2." in prompt
    assert "did this happen on the previous run as well?" in prompt
    reply = fake.message(ALERTS, second.reply_ts)
    assert f"follows `{first.id}`" in all_text(reply["blocks"])
    assert [m["ts"] for m in fake.thread(ALERTS, alert.ts)][-1] == second.reply_ts


def test_a_follow_up_without_a_model_restates_the_earlier_findings(
    fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path, slack_payload: Load
) -> None:
    alert = alert_from(fake, slack_payload("plain_text_webhook.json"))
    first = handle_job(alert, deps(fake, store, model(tmp_path, "first"))).record
    assert first is not None
    job = mention_from(fake, slack_payload("followup_question.json"), ALERTS, alert.ts)

    second = handle_job(job, deps(fake, store)).record

    assert second is not None and second.report is not None
    assert second.report.cause == (
        f"No model ran, so this question is not answered. The earlier findings in this thread (ref {first.id}) "
        "stand: The task runner wrote started_at late; runbook jobs-004 case 2."
    )
    assert second.report.recommended_action == "Close once the next health check passes (step 2)."
    assert [f.statement for f in second.report.findings] == ["started_at is now set"]


def test_a_follow_up_after_a_failed_answer_starts_afresh(
    fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path, slack_payload: Load
) -> None:
    alert = alert_from(fake, slack_payload("plain_text_webhook.json"))
    fake.failing["chat.update"] = "message_not_found"  # the answer cannot replace the progress message
    with pytest.raises(Exception, match="message_not_found"):
        handle_job(alert, deps(fake, store))
    del fake.failing["chat.update"]
    job = mention_from(fake, slack_payload("followup_question.json"), ALERTS, alert.ts)

    second = handle_job(job, deps(fake, store)).record

    assert second is not None and second.follows == ""


def test_a_japanese_question_gets_a_japanese_reply(
    fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path, slack_payload: Load
) -> None:
    job = mention_from(fake, slack_payload("question_japanese.json"), HELP, None)
    scripted = model(tmp_path, "ja", {**REPORT, "cause": "started_at の書き込みが遅れました。"})

    record = handle_job(job, deps(fake, store, scripted)).record

    assert "Write every field of the report in Japanese" in scripted.received[0]
    assert record is not None
    blocks = fake.message(HELP, record.reply_ts)["blocks"]
    text = all_text(blocks)
    assert "*原因*\nstarted_at の書き込みが遅れました。" in text
    assert "*推奨対応*" in text
    assert blocks[-1]["elements"][0]["text"]["text"] == "自分より良い"
    progress = fake.calls_to("chat.postMessage")[0].params["text"]
    assert progress.startswith(":mag: 調査中…")


PAIRS = [
    ("alertmanager_firing.json", "alertmanager_resolved.json", "30 min"),
    ("datadog_triggered.json", "datadog_recovered.json", "20 min"),
    ("cloudwatch_sns_alarm.json", "cloudwatch_sns_ok.json", "28 min"),
    ("grafana_firing.json", "grafana_resolved.json", "35 min"),
    ("pagerduty_triggered.json", "pagerduty_resolved.json", "40 min"),
]


@pytest.mark.parametrize(("firing", "resolved", "after"), PAIRS)
def test_a_resolved_notification_notes_the_earlier_thread_instead_of_investigating(
    fake: FakeSlackAPI, store: SQLiteTriageStore, slack_payload: Load, firing: str, resolved: str, after: str
) -> None:
    fired = alert_from(fake, slack_payload(firing))
    first = handle_job(fired, deps(fake, store)).record
    assert first is not None
    cleared = alert_from(fake, slack_payload(resolved))
    assert cleared.alert.status == "resolved"

    outcome = handle_job(cleared, deps(fake, store))

    assert (outcome.reference, outcome.record) == (first.id, first)
    note = fake.thread(ALERTS, fired.ts)[-1]
    assert note["text"].startswith(":white_check_mark: Resolved: ")
    assert f"— {after} after it fired. No new investigation (ref `{first.id}`)." in note["text"]
    investigations = [c for c in fake.calls_to("chat.postMessage") if "Investigating" in c.params["text"]]
    assert len(investigations) == 1
    assert fake.thread(ALERTS, cleared.ts) == [fake.message(ALERTS, cleared.ts)]  # nothing in its own thread


def test_a_resolved_notification_without_an_earlier_investigation_posts_nothing(
    fake: FakeSlackAPI, store: SQLiteTriageStore, slack_payload: Load
) -> None:
    cleared = alert_from(fake, slack_payload("alertmanager_resolved.json"))

    outcome = handle_job(cleared, deps(fake, store))

    assert (outcome.reference, outcome.status, outcome.record) == ("", "resolved, no earlier investigation", None)
    assert fake.calls_to("chat.postMessage") == []


def test_a_second_follow_up_without_a_model_still_restates_the_first_answer(
    fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path, slack_payload: Load
) -> None:
    alert = alert_from(fake, slack_payload("plain_text_webhook.json"))
    first = handle_job(alert, deps(fake, store, model(tmp_path, "first"))).record
    assert first is not None
    handle_job(mention_from(fake, slack_payload("followup_question.json"), ALERTS, alert.ts), deps(fake, store))

    third = handle_job(
        mention_from(fake, slack_payload("followup_question.json"), ALERTS, alert.ts), deps(fake, store)
    ).record

    assert third is not None and third.report is not None
    assert third.follows == first.id
    assert third.report.cause.count("No model ran") == 1
