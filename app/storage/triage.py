"""Triage records: DynamoDB in AWS, SQLite locally. Both store the record as JSON under its reference id."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.models import TriageRecord

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class TriageStore(Protocol):
    """Where investigations are recorded."""

    def put(self, record: TriageRecord) -> None:
        """Insert or replace a record."""
        ...

    def get(self, record_id: str) -> TriageRecord | None:
        """A record by reference id, or None."""
        ...


class SQLiteTriageStore:
    """Records in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS triage (id TEXT PRIMARY KEY, created_at TEXT, runbook_id TEXT, body TEXT)"
        )

    def put(self, record: TriageRecord) -> None:
        """Insert or replace a record."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO triage VALUES (?, ?, ?, ?)",
                (record.id, record.created_at.isoformat(), record.runbook_id, record.model_dump_json()),
            )

    def get(self, record_id: str) -> TriageRecord | None:
        """A record by reference id, or None."""
        with self._lock:
            row = self._db.execute("SELECT body FROM triage WHERE id = ?", (record_id,)).fetchone()
        return TriageRecord.model_validate_json(row[0]) if row else None


class DynamoTriageStore:
    """Records in a DynamoDB table keyed by ``pk`` = ``TRIAGE#<id>``."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def put(self, record: TriageRecord) -> None:
        """Insert or replace a record."""
        self._client.put_item(
            TableName=self._table,
            Item={
                "pk": {"S": f"TRIAGE#{record.id}"},
                "created_at": {"S": record.created_at.isoformat()},
                "runbook_id": {"S": record.runbook_id or "-"},
                "status": {"S": record.status},
                "total_tokens": {"N": str(record.usage.total_tokens)},
                "body": {"S": record.model_dump_json()},
            },
        )

    def get(self, record_id: str) -> TriageRecord | None:
        """A record by reference id, or None."""
        item = self._client.get_item(TableName=self._table, Key={"pk": {"S": f"TRIAGE#{record_id}"}}).get("Item")
        return TriageRecord.model_validate_json(item["body"]["S"]) if item else None
