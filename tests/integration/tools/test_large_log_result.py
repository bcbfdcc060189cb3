"""A 20 MB Cloud Logging result reaches the model under the cap, with its error lines kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from app.agent.budget import Budget
from app.agent.investigator import run_agent
from app.agent.scripted import ScriptedModel
from app.fakes.cloud_logging import FakeCloudLogging
from tools.cloud_logging import cloud_logging_tools, google_credentials, logging_client
from tools.registry import ToolRegistry

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
PAYLOAD_CHARS = 20_500
CAP = 8000
ERRORS = {  # entry number → the error it logged (the last two at the end of a long payload)
    17: "CannotPullContainerError: pull access denied for registry.example.com/runner:4.2",
    230: "OutOfMemoryError: Container killed due to memory usage task=runner-230",
    488: "Traceback (most recent call last): KeyError 'started_at'",
    702: "FATAL: connection to jobs-db refused",
    911: "runner-911 exited: OutOfMemoryError: Container killed due to memory usage",
    995: "healthcheck error: started_at has no value tasks:normal-4",
}
REPORT = {
    "title": "t", "cause": "c", "findings": [], "recommended_action": "a", "decision": "unknown", "confidence": "low",
}


def big_entries() -> list[dict[str, Any]]:
    entries = []
    for number in range(1000):
        filler = f"request {number} handled fine by runner with user=svc-runner status=200; " * 300
        error = ERRORS.get(number)
        if error is None:
            text, severity = filler, "INFO"
        elif number > 900:
            text, severity = filler + error, "ERROR"  # the error words sit 20 KB into the line
        else:
            text, severity = error + " " + filler, "ERROR"
        entries.append({
            "timestamp": (NOW - timedelta(seconds=5 * number)).isoformat(),
            "severity": severity,
            "textPayload": text[:PAYLOAD_CHARS] if error is None else text,
            "resource": {"type": "k8s_container", "labels": {"namespace_name": "jobs"}},
            "logName": "projects/demo-project/logs/stdout",
        })
    return entries


def tool_result_texts(model: ScriptedModel) -> list[str]:
    messages = json.loads(model.received[-1])
    return [
        block["toolResult"]["content"][0]["text"]
        for message in messages for block in message["content"] if "toolResult" in block
    ]


def test_twenty_megabytes_of_logs_reach_the_model_capped_with_errors_kept(tmp_path: Path) -> None:
    entries = big_entries()
    assert sum(len(entry["textPayload"]) for entry in entries) >= 20_000_000
    script = {
        "turns": [
            {"tool_calls": [{"name": "cloud_logging_query", "input": {"filter": "", "since": "-2h", "limit": 1000}}]},
            {"structured": REPORT},
        ]
    }
    path = tmp_path / "script.yaml"
    path.write_text(yaml.safe_dump(script), encoding="utf-8")
    model = ScriptedModel.from_file(path)
    with FakeCloudLogging(entries) as fake:
        client = logging_client(google_credentials(fake.service_account_info()), fake.project, endpoint=fake.url)
        registry = ToolRegistry(cloud_logging_tools(client, now=lambda: NOW).tools, result_max_chars=CAP)

        outcome = run_agent(model, registry, "Investigate the runner errors.", Budget(max_total_tokens=1_000_000))

    [text] = tool_result_texts(model)
    assert len(text) <= CAP
    for error in ERRORS.values():
        assert error in text, error
    assert "1000 log entries in project demo-project" not in text.splitlines()[0]  # errors come first
    assert text.splitlines()[-1].startswith("[cut: showed ")
    assert "(6 error lines first)" in text and "narrow the query" in text
    assert [(call.tool, call.status, call.result_chars) for call in outcome.calls] == [
        ("cloud_logging_query", "success", len(text))
    ]
    assert outcome.calls[0].duration_ms > 0
