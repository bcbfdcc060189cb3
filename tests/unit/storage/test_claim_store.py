"""Claims and spend counters: SQLite locally, DynamoDB (under moto) in AWS, raced by real threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.fakes.dynamo_atomic import atomic_writes
from app.storage.claims import MAX_MEMBERS, Claim, ClaimStore, Member, Spend
from app.storage.claims_dynamo import DynamoClaimStore
from app.storage.claims_sqlite import SQLiteClaimStore

TABLE = "aiops-triage"
Factory = Callable[[], ClaimStore]


@pytest.fixture(params=["sqlite", "dynamo"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Factory]:
    """A factory of stores over one database: each call is another worker's own connection or client."""
    if request.param == "sqlite":
        yield lambda: SQLiteClaimStore(tmp_path / "triage.sqlite3")
        return
    request.getfixturevalue("aws_env")
    with mock_aws(), atomic_writes():
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        )
        yield lambda: DynamoClaimStore(TABLE, boto3.client("dynamodb", region_name="us-east-1"))


def claim(ts: str, started: float, name: str = "storm:C1:jobs-004:abc") -> Claim:
    return Claim(name=name, channel="C1", thread_ts=ts, origin_ts=ts, started=started)


def test_first_owns_later_join_within_the_window(stores: Factory) -> None:
    store = stores()
    first = store.join(claim("1.0", 1000.0), 300, Member("1.0"))
    second = store.join(claim("2.0", 1100.0), 300, Member("2.0", {"job_id": "7"}))

    assert first.owner and not second.owner
    assert (second.thread_ts, second.count, second.members) == ("1.0", 2, (Member("2.0", {"job_id": "7"}),))


def test_an_alert_after_the_window_owns_a_new_claim(stores: Factory) -> None:
    store = stores()
    store.join(claim("1.0", 1000.0), 300, Member("1.0"))
    store.join(claim("2.0", 1299.0), 300, Member("2.0"))
    later = store.join(claim("3.0", 1300.0), 300, Member("3.0"))

    assert later.owner
    assert store.get(later.name) == Claim(later.name, "C1", "3.0", "3.0", 1300.0)


def test_close_frees_the_name_and_retarget_moves_it(stores: Factory) -> None:
    store = stores()
    store.join(claim("1.0", 1000.0, "repeat:C1:k"), 600, Member("1.0"))
    store.retarget("repeat:C1:k", "9.0", "storm:C1:x")
    closed = store.close("repeat:C1:k")

    assert closed is not None and (closed.thread_ts, closed.group, closed.origin_ts) == ("9.0", "storm:C1:x", "1.0")
    assert store.get("repeat:C1:k") is None
    assert store.close("repeat:C1:k") is None
    assert store.join(claim("2.0", 1001.0, "repeat:C1:k"), 600, Member("2.0")).owner


def test_members_past_the_cap_are_counted_not_listed(stores: Factory) -> None:
    store = stores()
    for number in range(MAX_MEMBERS + 3):
        joined = store.join(claim(f"{number}.0", 1000.0 + number / 1000), 300, Member(f"{number}.0"))
    assert (joined.count, len(joined.members)) == (MAX_MEMBERS + 3, MAX_MEMBERS)


@pytest.mark.parametrize("workers", [8])
def test_racing_workers_never_both_own_a_group(stores: Factory, workers: int) -> None:
    own = [stores() for _ in range(workers)]
    gate = threading.Barrier(workers)

    def race(number: int) -> Claim:
        gate.wait()
        return own[number].join(claim(f"{number}.0", 1000.0 + number), 300, Member(f"{number}.0"))

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(race, range(workers)))

    owners = [result for result in results if result.owner]
    assert len(owners) == 1
    assert sorted(result.count for result in results if not result.owner) == list(range(2, workers + 1))
    stored = own[0].get(owners[0].name)
    assert stored is not None and stored.count == workers and stored.thread_ts == owners[0].thread_ts


def test_reservations_stop_at_the_limit_and_settle_adjusts(stores: Factory) -> None:
    store = stores()
    limit = Spend(tokens=100_000, usd=1.0)

    assert store.reserve("T1:2026-12-01", 60_000, 0.5, limit) == Spend(60_000, 0.5)
    assert store.reserve("T1:2026-12-01", 60_000, 0.5, limit) is None
    assert store.settle("T1:2026-12-01", -40_000, -0.3) == Spend(20_000, pytest.approx(0.2))
    assert store.reserve("T1:2026-12-01", 60_000, 0.5, limit) == Spend(80_000, pytest.approx(0.7))
    assert store.reserve("T1:2026-12-01", 1000, 0.31, limit) is None  # the dollars would pass the limit
    assert store.spend("T1:2026-12-02") == Spend()


def test_racing_reservations_never_pass_the_limit(stores: Factory) -> None:
    own = [stores() for _ in range(8)]
    gate = threading.Barrier(8)

    def race(number: int) -> Any:
        gate.wait()
        return own[number].reserve("T1:day", 30_000, 0.0, Spend(tokens=100_000))

    with ThreadPoolExecutor(8) as pool:
        granted = [result for result in pool.map(race, range(8)) if result is not None]

    assert len(granted) == 3
    assert own[0].spend("T1:day").tokens == 90_000
