"""Proposals move from one status to the next once, however many clicks or workers race for them."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.models import AuditEntry, Proposal
from app.storage.actions import ActionStore, DynamoActionStore, SQLiteActionStore

TABLE = "aiops-triage"


def proposal(number: int = 1) -> Proposal:
    return Proposal(id=f"act-{number}", record_id="tri-1", runbook_id="ecs-001", action_id="retry-job",
                    title="Retry", tool="jobs_retry_job", args={"job_id": "5521"},
                    expires_at=datetime(2026, 11, 20, tzinfo=UTC) + timedelta(minutes=30),
                    history=[AuditEntry(event="proposed", by="verdict")])


@pytest.fixture
def dynamodb(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName=TABLE, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")
        yield client


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ActionStore:
    if request.param == "sqlite":
        return SQLiteActionStore(tmp_path / "actions.sqlite3")
    return DynamoActionStore(TABLE, request.getfixturevalue("dynamodb"))


def test_a_move_happens_only_from_an_expected_status(store: ActionStore) -> None:
    store.put(proposal())

    approved = store.move("act-1", ["proposed"], "approved", AuditEntry(event="approved", by="U1"))
    again = store.move("act-1", ["proposed"], "approved", AuditEntry(event="approved", by="U2"))

    assert approved is not None and approved.status == "approved"
    assert again is None
    kept = store.get("act-1")
    assert kept is not None and [(e.event, e.by) for e in kept.history] == [("proposed", "verdict"), ("approved", "U1")]


def test_racing_approvers_decide_once(store: ActionStore) -> None:
    store.put(proposal())
    barrier = threading.Barrier(8)
    wins: list[str] = []

    def approve(user: str) -> None:
        barrier.wait()
        if store.move("act-1", ["proposed"], "approved", AuditEntry(event="approved", by=user)) is not None:
            wins.append(user)

    threads = [threading.Thread(target=approve, args=(f"U{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(wins) == 1
    final = store.get("act-1")
    assert final is not None and [e.by for e in final.history if e.event == "approved"] == wins


def test_notes_are_audited_and_all_lists_every_proposal(store: ActionStore) -> None:
    store.put(proposal(1))
    store.put(proposal(2))

    store.note("act-2", AuditEntry(event="refused", by="U9", detail="not an approver"))

    assert [p.id for p in store.all()] == ["act-1", "act-2"]
    second = store.get("act-2")
    assert second is not None and second.status == "proposed" and second.history[-1].detail == "not an approver"


def test_the_sqlite_file_is_private(tmp_path: Path) -> None:
    SQLiteActionStore(tmp_path / "actions.sqlite3")

    assert stat.S_IMODE((tmp_path / "actions.sqlite3").stat().st_mode) == 0o600
