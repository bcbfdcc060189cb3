"""Triage records and their ratings in one DynamoDB table keyed by ``pk`` (no sort key, no index needed).

Items: ``TRIAGE#<id>`` holds the record (JSON ``body`` plus queryable attributes) and a ``ratings`` map of
person → rating JSON, so one read gives a report and its tally. ``THREAD#<channel>#<thread_ts>`` and
``ALERT#<channel>#<alert key>`` point at the newest record of a thread and of an alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from app.alerts import alert_key
from app.models import JobKind, Rating, TriageRecord
from app.storage.ratings import RatedRecord, StoreError, created_time, merge_rating

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_ATTEMPTS = 5
_CONFLICT = "ConditionalCheckFailedException"


class DynamoTriageStore:
    """Records, pointers and ratings in a DynamoDB table."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def put(self, record: TriageRecord) -> None:
        """Insert or replace a record without touching its ratings; point its thread and alert at it."""
        job = record.job
        self._client.update_item(
            TableName=self._table,
            Key=_key(f"TRIAGE#{record.id}"),
            UpdateExpression="SET created_at = :c, runbook_id = :r, #s = :s, total_tokens = :t, body = :b,"
            " kind = :k, channel = :ch, thread_ts = :th",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":c": {"S": record.created_at.isoformat()},
                ":r": {"S": record.runbook_id or "-"},
                ":s": {"S": record.status},
                ":t": {"N": str(record.usage.total_tokens)},
                ":b": {"S": record.model_dump_json()},
                ":k": {"S": job.kind.value},
                ":ch": {"S": job.channel},
                ":th": {"S": job.thread_ts},
            },
        )
        if record.status == "ok":
            self._point(f"THREAD#{job.channel}#{job.thread_ts}", record)
        if job.kind is JobKind.ALERT:
            self._point(f"ALERT#{job.channel}#{alert_key(job.alert)}", record)

    def get(self, record_id: str) -> TriageRecord | None:
        """A record by reference id, or None."""
        item = self._client.get_item(TableName=self._table, Key=_key(f"TRIAGE#{record_id}")).get("Item")
        return TriageRecord.model_validate_json(item["body"]["S"]) if item and "body" in item else None

    def latest_in_thread(self, channel: str, thread_ts: str) -> TriageRecord | None:
        """The newest successful record that replied in a thread, or None."""
        return self._follow(f"THREAD#{channel}#{thread_ts}")

    def latest_for_alert(self, channel: str, key: str) -> TriageRecord | None:
        """The newest investigation of the alert with this `alert_key` in a channel, or None."""
        return self._follow(f"ALERT#{channel}#{key}")

    def rate(self, rating: Rating) -> list[Rating]:
        """Store one person's rating (merged with their earlier one); returns every rating of that record.

        Raises:
            StoreError: Other writers kept changing the same rating.
        """
        for _ in range(_ATTEMPTS):
            current = self._ratings_map(rating.record_id)
            old = (current or {}).get(rating.user)
            merged = merge_rating(Rating.model_validate_json(old) if old else None, rating).model_dump_json()
            try:
                self._write_rating(rating, current is None, old, merged)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != _CONFLICT:
                    raise
                continue  # someone else wrote in between: read again and merge again
            current = {**(current or {}), rating.user: merged}
            return sorted((Rating.model_validate_json(v) for v in current.values()), key=lambda r: r.rated_at)
        raise StoreError(f"rating of {rating.record_id} by {rating.user} kept conflicting; not stored")

    def ratings(self, record_id: str) -> list[Rating]:
        """Every rating of one record, oldest first."""
        current = self._ratings_map(record_id) or {}
        return sorted((Rating.model_validate_json(v) for v in current.values()), key=lambda r: r.rated_at)

    def rated_records(self, since: datetime | None = None) -> list[RatedRecord]:
        """Every rated record (created at or after ``since``), with its ratings (a filtered scan)."""
        found = []
        for item in self._scan_rated():
            ratings = sorted(
                (Rating.model_validate_json(v["S"]) for v in item["ratings"]["M"].values()), key=lambda r: r.rated_at
            )
            if not ratings:
                continue
            created = created_time(item.get("created_at", {}).get("S"), ratings[0].rated_at)
            if since is not None and created < since:
                continue
            runbook = item.get("runbook_id", {}).get("S", "")
            found.append(
                RatedRecord(
                    record_id=item["pk"]["S"].removeprefix("TRIAGE#"),
                    created_at=created,
                    runbook_id="" if runbook == "-" else runbook,
                    kind=item.get("kind", {}).get("S", ""),
                    ratings=ratings,
                )
            )
        return found

    def recent(self, since: datetime, limit: int = 500) -> list[TriageRecord]:
        """Records created at or after ``since``, newest first, at most ``limit`` (a filtered scan)."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": "begins_with(pk, :p) AND created_at >= :since AND attribute_exists(body)",
            "ProjectionExpression": "body",
            "ExpressionAttributeValues": {":p": {"S": "TRIAGE#"}, ":since": {"S": since.isoformat()}},
        }
        records: list[TriageRecord] = []
        while True:
            page = self._client.scan(**request)
            records += [TriageRecord.model_validate_json(item["body"]["S"]) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        records.sort(key=lambda record: record.created_at, reverse=True)
        return records[:limit]

    def _scan_rated(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": "begins_with(pk, :p) AND attribute_exists(ratings)",
            "ProjectionExpression": "pk, created_at, runbook_id, kind, ratings",
            "ExpressionAttributeValues": {":p": {"S": "TRIAGE#"}},
        }
        while True:
            page = self._client.scan(**request)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _ratings_map(self, record_id: str) -> dict[str, str] | None:
        item = self._client.get_item(
            TableName=self._table, Key=_key(f"TRIAGE#{record_id}"), ProjectionExpression="ratings"
        ).get("Item")
        if not item or "ratings" not in item:
            return None
        return {user: value["S"] for user, value in item["ratings"]["M"].items()}

    def _write_rating(self, rating: Rating, first: bool, old: str | None, merged: str) -> None:
        request: dict[str, Any] = {"TableName": self._table, "Key": _key(f"TRIAGE#{rating.record_id}")}
        if first:
            request.update(
                UpdateExpression="SET ratings = :m",
                ConditionExpression="attribute_not_exists(ratings)",
                ExpressionAttributeValues={":m": {"M": {rating.user: {"S": merged}}}},
            )
        else:
            request.update(
                UpdateExpression="SET ratings.#u = :r",
                ConditionExpression="attribute_not_exists(ratings.#u)" if old is None else "ratings.#u = :old",
                ExpressionAttributeNames={"#u": rating.user},
                ExpressionAttributeValues={":r": {"S": merged}, **({":old": {"S": old}} if old else {})},
            )
        self._client.update_item(**request)

    def _point(self, pk: str, record: TriageRecord) -> None:
        created = {"S": record.created_at.isoformat()}
        try:
            self._client.put_item(
                TableName=self._table,
                Item={"pk": {"S": pk}, "record_id": {"S": record.id}, "created_at": created},
                ConditionExpression="attribute_not_exists(pk) OR created_at <= :c",
                ExpressionAttributeValues={":c": created},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != _CONFLICT:
                raise  # a newer record already owns the pointer otherwise

    def _follow(self, pk: str) -> TriageRecord | None:
        item = self._client.get_item(TableName=self._table, Key=_key(pk)).get("Item")
        return self.get(item["record_id"]["S"]) if item else None


def _key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}
