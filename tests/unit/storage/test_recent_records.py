"""``recent``: the records of a window, newest first, from both stores (the App Home and ``/aiops status`` read it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.models import Alert, Job, JobKind, Rating, RatingLevel, TriageRecord
from app.storage.triage import DynamoTriageStore, SQLiteTriageStore, TriageStore

TABLE = "aiops-triage"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def record(n: int, hours_ago: float) -> TriageRecord:
    job = Job(kind=JobKind.ALERT, event_id=f"Ev{n}", channel="C1", ts=f"{n}.1", thread_ts=f"{n}.1",
              alert=Alert(title=f"alert {n}"))
    return TriageRecord(id=f"tri-{n:012d}", job=job, created_at=NOW - timedelta(hours=hours_ago))


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path, aws_env: None) -> Iterator[TriageStore]:
    if request.param == "sqlite":
        yield SQLiteTriageStore(tmp_path / "triage.db")
        return
    with mock_aws():
        client: Any = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield DynamoTriageStore(TABLE, client)


def test_recent_returns_the_window_newest_first_and_at_most_the_limit(store: TriageStore) -> None:
    for n, hours in ((1, 50), (2, 3), (3, 1), (4, 2), (5, 0.5)):
        store.put(record(n, hours))
    store.rate(Rating(record_id="tri-000000000003", user="U1", level=RatingLevel.SAME, rated_at=1.0))

    found = store.recent(NOW - timedelta(hours=24))

    assert [r.id for r in found] == ["tri-000000000005", "tri-000000000003", "tri-000000000004", "tri-000000000002"]
    assert [r.id for r in store.recent(NOW - timedelta(hours=24), limit=2)] == ["tri-000000000005", "tri-000000000003"]
    assert store.recent(NOW) == []
