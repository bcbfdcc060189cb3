"""The worker pipeline end to end: FakeSlackAPI through the real WebClient, SQLite, the real agent loop.

Only the model is scripted (YAML turns replayed by ScriptedModel, or a tiny Model that raises).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import (
    CHANNEL,
    RATING_IDS,
    REPORT,
    all_text,
    make_deps,
    post_alert,
    reply_of,
    scripted,
)
from strands.models import Model

from app.fakes.slack_api import FakeSlackAPI
from app.models import TriageRecord
from app.runbooks.source import FolderSource
from app.storage.triage import SQLiteTriageStore
from app.worker.pipeline import InvestigationError, investigate


def actions_block(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(block for block in blocks if block["type"] == "actions")


def test_no_model_alert_posts_progress_then_report_with_rating_buttons(
    fake: FakeSlackAPI, store: SQLiteTriageStore
) -> None:
    job = post_alert(fake)

    record = investigate(job, make_deps(fake, store))

    posts = fake.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert posts[0].params["thread_ts"] == job.ts
    assert record.id in posts[0].params["text"]
    updates = fake.calls_to("chat.update")
    assert len(updates) >= 2
    assert {call.params["ts"] for call in updates} == {record.reply_ts}
    reply = reply_of(fake, job)
    assert reply["ts"] == record.reply_ts
    buttons = actions_block(reply["blocks"])["elements"]
    assert [button["action_id"] for button in buttons] == RATING_IDS
    assert {button["value"] for button in buttons} == {record.id}
    assert "runbook `jobs-004`" in all_text(reply["blocks"])
    assert "Produced without a model" in all_text(reply["blocks"])


def test_no_model_record_is_stored_with_runbook_and_evidence(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    job = post_alert(fake)

    record = investigate(job, make_deps(fake, store))

    stored = store.get(record.id)
    assert stored is not None
    assert (stored.status, stored.runbook_id, stored.mode) == ("ok", "jobs-004", "evidence-only")
    assert stored.model_note == "No model is configured."
    assert [(item.step_id, item.tool, item.status) for item in stored.evidence] == [
        ("related", "search_runbooks", "ok")
    ]
    assert stored.evidence[0].args == {"query": "started_at task normal-4 healthcheck", "limit": 3}
    assert stored.evidence[0].output.startswith("jobs-004 — ")
    assert stored.report is not None
    assert stored.report.cause.startswith("Matches runbook jobs-004")
    assert stored.reply_ts == record.reply_ts
    assert set(stored.timings_ms) == {"runbooks", "evidence", "verdict", "agent", "total"}


def test_alert_matching_no_runbook_says_so(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    job = post_alert(fake, "Disk usage 97% on host build-runner-7")

    record = investigate(job, make_deps(fake, store))

    assert record.runbook_id == ""
    assert record.evidence == []
    assert record.report is not None
    assert record.report.cause == "No runbook matches this alert, and no model ran, so there is no diagnosis."
    assert "no runbook matched" in all_text(reply_of(fake, job)["blocks"])


def test_scripted_model_report_is_used(tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    script = {
        "turns": [
            {"tool_calls": [{"name": "search_runbooks", "input": {"query": "started_at"}}]},
            {"structured": REPORT},
        ]
    }
    job = post_alert(fake)

    record = investigate(job, make_deps(fake, store, model=scripted(tmp_path, script), model_spec="scripted:x"))

    assert record.mode == "model"
    assert record.report is not None
    assert record.report.model_dump(mode="json", exclude_unset=True) == REPORT
    assert record.usage.total_tokens > 0
    assert record.usage.turns >= 2
    assert [(call.tool, call.status) for call in record.tool_calls] == [("search_runbooks", "success")]
    assert record.blocked_calls == []
    stored = store.get(record.id)
    assert stored is not None
    assert stored.report == record.report
    assert REPORT["title"] in all_text(reply_of(fake, job)["blocks"])


@pytest.mark.parametrize(
    ("name", "tool_input"),
    [
        ("use_aws", {"service_name": "ec2", "operation_name": "terminate_instances", "parameters": {"ids": ["i-1"]}}),
        ("made_up_tool", {"anything": "goes"}),
    ],
)
def test_tool_outside_registry_is_blocked_and_report_still_arrives(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore, name: str, tool_input: dict[str, Any]
) -> None:
    script = {"turns": [{"tool_calls": [{"name": name, "input": tool_input}]}, {"structured": REPORT}]}
    job = post_alert(fake)

    record = investigate(job, make_deps(fake, store, model=scripted(tmp_path, script)))

    assert [(call.tool, call.input) for call in record.blocked_calls] == [(name, tool_input)]
    assert "not on the allowlist" in record.blocked_calls[0].reason
    assert record.tool_calls == []
    assert record.report is not None
    assert record.report.title == REPORT["title"]
    reply_blocks = all_text(reply_of(fake, job)["blocks"])
    assert f"Blocked tool calls (not executed): `{name}`" in reply_blocks
    stored = store.get(record.id)
    assert stored is not None
    assert stored.blocked_calls == record.blocked_calls


def reference_in(exc: InvestigationError) -> str:
    found = re.search(r"tri-[0-9a-f]{12}", str(exc))
    assert found, str(exc)
    return found.group(0)


def test_slack_failure_is_reported_in_thread_and_stored(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    fake.failing["chat.update"] = "channel_not_found"  # the report cannot replace the progress message either
    job = post_alert(fake)

    with pytest.raises(InvestigationError) as raised:
        investigate(job, make_deps(fake, store))

    reference = reference_in(raised.value)
    failure = fake.thread(CHANNEL, job.ts)[-1]
    assert "failed" in failure["text"]
    assert reference in failure["text"]
    stored = store.get(reference)
    assert stored is not None
    assert stored.status == "failed"
    assert "channel_not_found" in stored.error


def test_a_failed_progress_update_does_not_stop_the_investigation(
    fake: FakeSlackAPI, store: SQLiteTriageStore
) -> None:
    fake.fail_next["chat.update"] = "channel_not_found"  # the first progress update only
    job = post_alert(fake)

    record = investigate(job, make_deps(fake, store))

    assert record.status == "ok"
    assert fake.calls_to("chat.update")[0].params.get("blocks") in (None, [])  # the failed one was progress
    assert RATING_IDS[0] in all_text(reply_of(fake, job)["blocks"])
    stored = store.get(record.id)
    assert stored is not None and stored.status == "ok"


def test_failed_progress_post_is_still_reported_and_stored(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    fake.fail_next["chat.postMessage"] = "not_in_channel"
    job = post_alert(fake)

    with pytest.raises(InvestigationError, match="chat.postMessage failed: not_in_channel") as raised:
        investigate(job, make_deps(fake, store))

    reference = reference_in(raised.value)
    replies = fake.thread(CHANNEL, job.ts)[1:]
    assert len(replies) == 1
    assert reference in replies[0]["text"]
    assert "failed" in replies[0]["text"]
    stored = store.get(reference)
    assert stored is not None
    assert (stored.status, stored.error) == ("failed", "SlackPostError: chat.postMessage failed: not_in_channel")


def test_missing_runbook_folder_fails_with_reference(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore
) -> None:
    job = post_alert(fake)
    deps = make_deps(fake, store, source=FolderSource(tmp_path / "no-such-folder"))

    with pytest.raises(InvestigationError) as raised:
        investigate(job, deps)

    reference = reference_in(raised.value)
    texts = [message["text"] for message in fake.thread(CHANNEL, job.ts)[1:]]
    assert any("failed" in text and reference in text for text in texts)
    stored = store.get(reference)
    assert stored is not None
    assert stored.status == "failed"
    assert "runbook folder not found" in stored.error


class BrokenModel(Model):
    """A model whose endpoint is down."""

    def update_config(self, **model_config: Any) -> None:
        """Nothing to configure."""

    def get_config(self) -> dict[str, Any]:
        """No configuration."""
        return {"model_id": "broken"}

    async def structured_output(self, *args: Any, **kwargs: Any) -> Any:
        """Never reached."""
        raise RuntimeError("model endpoint down")
        yield {}  # pragma: no cover - makes this an async generator

    async def stream(self, *args: Any, **kwargs: Any) -> AsyncIterable[Any]:
        """Fail before the first event."""
        raise RuntimeError("model endpoint down")
        yield {}  # pragma: no cover - makes this an async generator


def test_model_that_raises_falls_back_to_the_evidence_report(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    job = post_alert(fake)

    record: TriageRecord = investigate(job, make_deps(fake, store, model=BrokenModel))

    assert record.status == "ok"
    assert record.mode == "evidence-only"
    assert "RuntimeError" in record.model_note
    assert "model endpoint down" in record.model_note
    assert record.report is not None
    assert record.report.cause.startswith("Matches runbook jobs-004")
    assert [item.status for item in record.evidence] == ["ok"]
    assert "model endpoint down" in all_text(reply_of(fake, job)["blocks"])


def test_free_text_final_answer_becomes_an_incomplete_report(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore
) -> None:
    script = {
        "turns": [
            {"tool_calls": [{"name": "read_runbook", "input": {"runbook_id": "jobs-004"}}]},
            {"text": "Probably a late write; close it."},
        ]
    }

    record = investigate(post_alert(fake), make_deps(fake, store, model=scripted(tmp_path, script)))

    assert record.mode == "model"
    assert record.report is not None
    assert record.report.title == "Investigation incomplete"
    assert record.report.cause == "Probably a late write; close it."
    assert record.model_note.startswith("the model did not return a structured report")
    assert [(call.tool, call.status) for call in record.tool_calls] == [("read_runbook", "success")]


def test_rate_limited_update_is_retried(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    fake.fail_next["chat.update"] = "ratelimited"
    job = post_alert(fake)

    record = investigate(job, make_deps(fake, store))

    assert record.status == "ok"
    first, second = fake.calls_to("chat.update")[:2]
    assert first.params == second.params
    assert RATING_IDS[0] in all_text(reply_of(fake, job)["blocks"])
