"""Ratings stored with the triage record (one per person per report), and the thread and alert lookups.

Every test runs against both stores: SQLite, and DynamoDB under moto.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from test_triage_store import TABLE, full_record

from app.alerts import alert_key
from app.fakes.dynamo_atomic import atomic_writes
from app.models import Alert, Job, JobKind, Rating, RatingLevel
from app.storage.triage import DynamoTriageStore, SQLiteTriageStore, TriageStore

REF = "tri-0123456789ab"


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TriageStore]:
    if request.param == "sqlite":
        yield SQLiteTriageStore(tmp_path / "triage.sqlite3")
        return
    request.getfixturevalue("aws_env")
    with mock_aws(), atomic_writes():  # DynamoDB applies conditional writes atomically; moto needs the lock
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield DynamoTriageStore(TABLE, client)


def rating(user: str, level: str, at: float, **details: Any) -> Rating:
    return Rating(record_id=REF, user=user, level=RatingLevel(level), rated_at=at, **details)


def levels(ratings: list[Rating]) -> dict[str, str]:
    return {item.user: item.level.value for item in ratings}


def test_a_second_click_by_the_same_person_changes_their_rating(store: TriageStore) -> None:
    store.put(full_record())
    assert levels(store.rate(rating("U1", "better", 100.0))) == {"U1": "better"}
    assert levels(store.rate(rating("U2", "partly", 101.0))) == {"U1": "better", "U2": "partly"}

    after = store.rate(rating("U1", "wrong", 102.0))

    assert levels(after) == {"U1": "wrong", "U2": "partly"}
    assert levels(store.ratings(REF)) == {"U1": "wrong", "U2": "partly"}


def test_a_late_older_click_does_not_undo_a_newer_one(store: TriageStore) -> None:
    store.put(full_record())
    store.rate(rating("U1", "same", 200.0))

    assert levels(store.rate(rating("U1", "wrong", 150.0))) == {"U1": "same"}


def test_a_click_after_the_modal_keeps_the_scores_and_comment(store: TriageStore) -> None:
    store.put(full_record())
    store.rate(rating("U1", "partly", 100.0, accuracy=4, clarity=3, coverage=2, comment="missed the rerun"))

    (changed,) = store.rate(rating("U1", "same", 110.0))

    assert (changed.level, changed.accuracy, changed.clarity, changed.coverage, changed.comment) == (
        RatingLevel.SAME, 4, 3, 2, "missed the rerun"
    )


def test_storing_the_record_again_keeps_its_ratings(store: TriageStore) -> None:
    store.put(full_record())
    store.rate(rating("U1", "better", 100.0))

    store.put(full_record(status="failed", error="late failure"))

    assert levels(store.ratings(REF)) == {"U1": "better"}
    stored = store.get(REF)
    assert stored is not None and stored.status == "failed"


def test_a_rating_that_arrives_before_its_record_is_kept(store: TriageStore) -> None:
    store.rate(rating("U1", "same", 100.0))
    assert store.get(REF) is None

    store.put(full_record())

    assert levels(store.ratings(REF)) == {"U1": "same"}
    assert store.get(REF) == full_record()


def test_rated_records_join_ratings_with_runbook_kind_and_time(store: TriageStore) -> None:
    store.put(full_record())
    store.put(full_record("tri-unrated00000"))
    store.rate(rating("U1", "better", 100.0))
    store.rate(rating("U2", "wrong", 101.0))

    (rated,) = store.rated_records()

    assert (rated.record_id, rated.runbook_id, rated.kind) == (REF, "jobs-004", "alert")
    assert rated.created_at == datetime(2026, 11, 20, 3, 13, tzinfo=UTC)
    assert levels(rated.ratings) == {"U1": "better", "U2": "wrong"}


def test_rated_records_since_a_date(store: TriageStore) -> None:
    old = datetime(2026, 10, 1, tzinfo=UTC)
    store.put(full_record("tri-old000000000", created_at=old))
    store.put(full_record())
    for record_id in ("tri-old000000000", REF):
        store.rate(Rating(record_id=record_id, user="U1", level=RatingLevel.SAME, rated_at=1.0))

    recent = store.rated_records(datetime(2026, 11, 1, tzinfo=UTC))

    assert [item.record_id for item in recent] == [REF]
    assert {item.record_id for item in store.rated_records()} == {REF, "tri-old000000000"}


def test_latest_in_thread_is_the_newest_successful_reply(store: TriageStore) -> None:
    first = full_record("tri-first0000000")
    later = full_record("tri-later0000000", created_at=first.created_at + timedelta(minutes=5))
    failed = full_record("tri-failed000000", created_at=first.created_at + timedelta(minutes=9), status="failed")
    for record in (first, later, failed):
        store.put(record)

    found = store.latest_in_thread("C1", first.job.thread_ts)

    assert found is not None and found.id == "tri-later0000000"
    assert store.latest_in_thread("C1", "1.000000") is None
    assert store.latest_in_thread("C2", first.job.thread_ts) is None


def test_latest_for_alert_finds_the_investigation_of_that_alert(store: TriageStore) -> None:
    record = full_record()
    store.put(record)
    question = full_record(
        "tri-question0000",
        job=record.job.model_copy(update={"kind": JobKind.QUESTION, "thread_ts": "9.000000"}),
    )
    store.put(question)
    resolved = Alert(title="[RESOLVED] healthcheck", text="back to normal")

    found = store.latest_for_alert("C1", alert_key(Alert(title="[ERROR] healthcheck")))

    assert found is not None and found.id == REF
    assert store.latest_for_alert("C1", alert_key(Alert(title="another alert"))) is None
    assert store.latest_for_alert("C9", alert_key(resolved)) is None


def test_concurrent_ratings_by_different_people_are_all_kept(store: TriageStore) -> None:
    store.put(full_record())
    people = [f"U{n}" for n in range(8)]
    threads = [threading.Thread(target=store.rate, args=(rating(user, "same", 100.0),)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(levels(store.ratings(REF))) == people


def test_an_older_sqlite_file_gets_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE triage (id TEXT PRIMARY KEY, created_at TEXT, runbook_id TEXT, body TEXT)")
        db.execute("INSERT INTO triage VALUES (?, ?, ?, ?)", (REF, "2026-11-20T03:13:00+00:00", "jobs-004",
                                                            full_record().model_dump_json()))

    store = SQLiteTriageStore(path)
    store.put(full_record("tri-new000000000"))

    assert store.get(REF) == full_record()
    assert store.latest_in_thread("C1", full_record().job.thread_ts) is not None


def test_rating_jobs_need_a_rating() -> None:
    with pytest.raises(ValueError, match="a rating job needs a rating"):
        Job(kind=JobKind.RATING, event_id="e", channel="C", ts="1", thread_ts="1", alert=Alert())


class InterleavingClient:
    """A DynamoDB client that lets another writer rate just before this one's first rating write."""

    def __init__(self, client: Any, other: DynamoTriageStore, other_rating: Rating) -> None:
        self._client, self._other, self._other_rating = client, other, other_rating
        self.conflicts = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def update_item(self, **request: Any) -> Any:
        if "ratings" in request.get("UpdateExpression", "") and self._other_rating is not None:
            pending, self._other_rating = self._other_rating, None  # type: ignore[assignment]
            self._other.rate(pending)
            try:
                return self._client.update_item(**request)
            except self._client.exceptions.ConditionalCheckFailedException:
                self.conflicts += 1
                raise
        return self._client.update_item(**request)


@pytest.mark.parametrize("first_rating_of_record", [True, False])
def test_dynamodb_rating_written_in_between_is_merged_not_lost(
    aws_env: None, first_rating_of_record: bool
) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        other = DynamoTriageStore(TABLE, client)
        other.put(full_record())
        if not first_rating_of_record:
            other.rate(rating("U0", "same", 90.0))
        racing = InterleavingClient(client, other, rating("U1", "better", 100.0))
        store = DynamoTriageStore(TABLE, racing)  # type: ignore[arg-type]

        after = store.rate(rating("U1", "wrong", 101.0))

        expected = {"U1": "wrong"} | ({} if first_rating_of_record else {"U0": "same"})
        assert levels(after) == expected
        assert levels(store.ratings(REF)) == expected
        assert racing.conflicts == 1
