"""Triage records and ratings: DynamoDB in AWS, SQLite locally. Both keep the record as JSON under its id."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from app.config import Settings
from app.models import Rating, TriageRecord
from app.storage.dynamo import DynamoTriageStore
from app.storage.ratings import RatedRecord, StoreError
from app.storage.sqlite import SQLiteTriageStore

__all__ = ["DynamoTriageStore", "RatedRecord", "SQLiteTriageStore", "StoreError", "TriageStore", "store_from_settings"]


class TriageStore(Protocol):
    """Where investigations and their ratings are recorded."""

    def put(self, record: TriageRecord) -> None:
        """Insert or replace a record; its ratings are kept."""
        ...

    def get(self, record_id: str) -> TriageRecord | None:
        """A record by reference id, or None."""
        ...

    def latest_in_thread(self, channel: str, thread_ts: str) -> TriageRecord | None:
        """The newest successful record that replied in a thread, or None."""
        ...

    def latest_for_alert(self, channel: str, key: str) -> TriageRecord | None:
        """The newest investigation of an alert (by `app.alerts.alert_key`) in a channel, or None."""
        ...

    def rate(self, rating: Rating) -> list[Rating]:
        """Store one person's rating of a record (one per person; newer wins); returns all of its ratings."""
        ...

    def ratings(self, record_id: str) -> list[Rating]:
        """Every rating of one record, oldest first."""
        ...

    def rated_records(self, since: datetime | None = None) -> list[RatedRecord]:
        """Every rated record created at or after ``since``, with its ratings."""
        ...

    def recent(self, since: datetime, limit: int = 500) -> list[TriageRecord]:
        """Records created at or after ``since``, newest first, at most ``limit``."""
        ...


def store_from_settings(settings: Settings) -> TriageStore:
    """DynamoDB when a triage table is configured, otherwise the SQLite file in the state folder."""
    if settings.triage_table:
        import boto3

        client = boto3.client("dynamodb", region_name=settings.aws_region)
        return DynamoTriageStore(settings.triage_table, client)
    return SQLiteTriageStore(settings.state_dir / "triage.sqlite3")
