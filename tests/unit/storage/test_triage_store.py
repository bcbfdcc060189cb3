"""Triage record stores: SQLite locally, DynamoDB (under moto) in AWS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.models import (
    Alert,
    BlockedCall,
    EvidenceResult,
    Finding,
    Job,
    JobKind,
    TriageRecord,
    TriageReport,
    Usage,
)
from app.storage.triage import DynamoTriageStore, SQLiteTriageStore

TABLE = "aiops-triage"


def full_record(record_id: str = "tri-0123456789ab", **changes: Any) -> TriageRecord:
    job = Job(
        kind=JobKind.ALERT,
        event_id="Ev1",
        team="T1",
        channel="C1",
        ts="1763608329.000100",
        thread_ts="1763608329.000100",
        alert=Alert(
            title="[ERROR] healthcheck",
            text="started_at has no value",
            labels={"env": "prod"},
            time=datetime(2026, 11, 20, 3, 12, 9, tzinfo=UTC),
        ),
    )
    values: dict[str, Any] = {
        "id": record_id,
        "created_at": datetime(2026, 11, 20, 3, 13, tzinfo=UTC),
        "job": job,
        "runbook_id": "jobs-004",
        "runbook_title": "Job succeeded but a task has no started_at",
        "mode": "model",
        "model": "scripted:x.yaml",
        "evidence": [
            EvidenceResult(
                step_id="related",
                tool="search_runbooks",
                args={"limit": 3},
                status="ok",
                output="jobs-004 — …",
                duration_ms=1.5,
            )
        ],
        "report": TriageReport(
            title="Late write",
            cause="late",
            findings=[Finding(statement="s", evidence="e")],
            recommended_action="close",
            decision="close",
            confidence="high",
        ),
        "usage": Usage(input_tokens=900, output_tokens=100, total_tokens=1000, turns=2, stop_reason="end_turn"),
        "blocked_calls": [BlockedCall(tool="use_aws", input={"operation": "delete"}, reason="not allowed")],
        "timings_ms": {"total": 1234.5},
        "reply_ts": "1763608330.000200",
    }
    values.update(changes)
    return TriageRecord(**values)


def test_sqlite_round_trip(tmp_path: Path) -> None:
    store = SQLiteTriageStore(tmp_path / "nested" / "triage.sqlite3")
    record = full_record()

    store.put(record)

    assert store.get(record.id) == record
    assert store.get("tri-missing") is None


def test_sqlite_put_replaces_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "triage.sqlite3"
    SQLiteTriageStore(path).put(full_record())
    SQLiteTriageStore(path).put(full_record(status="failed", error="SlackPostError: boom"))

    again = SQLiteTriageStore(path).get("tri-0123456789ab")

    assert again is not None
    assert (again.status, again.error) == ("failed", "SlackPostError: boom")


@pytest.fixture
def dynamodb(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def test_dynamo_round_trip(dynamodb: Any) -> None:
    store = DynamoTriageStore(TABLE, dynamodb)
    record = full_record()

    store.put(record)

    assert store.get(record.id) == record
    assert store.get("tri-missing") is None


def test_dynamo_item_has_queryable_attributes(dynamodb: Any) -> None:
    store = DynamoTriageStore(TABLE, dynamodb)
    store.put(full_record())
    store.put(full_record("tri-000000000000", runbook_id="", status="failed"))

    item = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "TRIAGE#tri-0123456789ab"}})["Item"]
    unmatched = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "TRIAGE#tri-000000000000"}})["Item"]

    assert item["runbook_id"] == {"S": "jobs-004"}
    assert item["status"] == {"S": "ok"}
    assert item["total_tokens"] == {"N": "1000"}
    assert item["created_at"] == {"S": "2026-11-20T03:13:00+00:00"}
    assert (unmatched["runbook_id"], unmatched["status"]) == ({"S": "-"}, {"S": "failed"})
    roundtrip = store.get("tri-000000000000")
    assert roundtrip is not None
    assert roundtrip.runbook_id == ""
