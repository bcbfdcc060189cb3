"""Redaction through the whole pipeline: nothing secret reaches the model, Slack or the stored record."""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, Callable
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import all_text, make_deps, post_alert, reply_of, write_script
from strands import tool

from app.agent.scripted import ScriptedModel
from app.fakes.slack_api import FakeSlackAPI
from app.runbooks.catalog import Catalog
from app.runbooks.source import FolderSource
from app.storage.triage import SQLiteTriageStore
from app.worker.pipeline import investigate
from tools.registry import ToolRegistry
from tools.runbooks import runbook_tools

SECRET = "hunter2-Zq9"
LEAKY_RUNBOOK = """---
id: leak-001
title: Leaky service
match:
  - regex: "leaky service"
evidence:
  - id: config
    tool: dump_config
    args: {service: leaky}
---
# Leaky service

## Procedure
Read the config.
"""


@tool
def dump_config(service: str) -> str:
    """Dump a service's config.

    Args:
        service: The service name.
    """
    return f"service={service}\npassword={SECRET}\nkey AKIAABCDEFGHIJKLMNOP\nERROR connection refused"


def with_dump_config(catalog: Catalog) -> ToolRegistry:
    return ToolRegistry([*runbook_tools(catalog), dump_config])


class RecordingModel(ScriptedModel):
    """A scripted model that keeps every request it was sent."""

    requests: list[str]

    async def stream(self, messages: Any, *args: Any, **kwargs: Any) -> AsyncIterable[Any]:
        self.requests.append(json.dumps(messages, default=str))
        async for event in super().stream(messages, *args, **kwargs):
            yield event


@pytest.fixture
def leaky_source(tmp_path: Path) -> FolderSource:
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "leak-001.md").write_text(LEAKY_RUNBOOK, encoding="utf-8")
    return FolderSource(folder)


def recording_model(tmp_path: Path, script: dict[str, Any]) -> tuple[Callable[[], RecordingModel], list[str]]:
    """A model factory, and the list every request of its models lands in."""
    path = write_script(tmp_path, script)
    requests: list[str] = []

    def build() -> RecordingModel:
        model = RecordingModel.from_file(path)
        assert isinstance(model, RecordingModel)
        model.requests = requests
        return model

    return build, requests


FINAL = {
    "structured": {
        "title": "Leaky config",
        "cause": "Connection refused.",
        "findings": [],
        "recommended_action": "Restart.",
        "decision": "act",
        "confidence": "low",
    }
}


def test_evidence_output_is_redacted_in_the_record_and_in_slack(
    fake: FakeSlackAPI, store: SQLiteTriageStore, leaky_source: FolderSource
) -> None:
    job = post_alert(fake, "leaky service is down")

    record = investigate(job, make_deps(fake, store, source=leaky_source, tools=with_dump_config))

    assert [(item.step_id, item.status) for item in record.evidence] == [("config", "ok")]
    assert "password=[REDACTED]" in record.evidence[0].output
    assert "AKIAABCDEFGHIJKLMNOP" not in record.evidence[0].output
    stored = store.get(record.id)
    assert stored is not None
    assert SECRET not in stored.model_dump_json()
    for message in fake.thread("C0ALERTS", job.ts)[1:]:
        assert SECRET not in message["text"]
        assert SECRET not in all_text(message.get("blocks", []))


def test_tool_results_reach_the_model_redacted(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore, leaky_source: FolderSource
) -> None:
    script = {"turns": [{"tool_calls": [{"name": "dump_config", "input": {"service": "other"}}]}, FINAL]}
    model, requests = recording_model(tmp_path, script)
    deps = make_deps(fake, store, source=leaky_source, tools=with_dump_config, model=model)

    record = investigate(post_alert(fake, "leaky service is down"), deps)

    assert record.mode == "model"
    assert [call.tool for call in record.tool_calls] == ["dump_config"]
    assert len(requests) >= 2
    assert "service=other" in requests[-1]
    assert all(SECRET not in request for request in requests)
    assert all("AKIAABCDEFGHIJKLMNOP" not in request for request in requests)


ALERT_WITH_SECRET = f"DB login failed for app password={SECRET} via postgres://app:{SECRET}@db:5432/jobs"


def test_alert_secrets_do_not_reach_the_model(tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    model, requests = recording_model(tmp_path, {"turns": [FINAL]})

    investigate(post_alert(fake, ALERT_WITH_SECRET), make_deps(fake, store, model=model))

    assert requests
    assert all(SECRET not in request for request in requests)


def test_notification_text_is_redacted(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    job = post_alert(fake, ALERT_WITH_SECRET)

    investigate(job, make_deps(fake, store))

    assert SECRET not in reply_of(fake, job)["text"]


def test_alert_secrets_do_not_reach_the_report_blocks(fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    job = post_alert(fake, ALERT_WITH_SECRET)

    investigate(job, make_deps(fake, store))

    assert SECRET not in all_text(reply_of(fake, job)["blocks"])
