"""Dedupe of Slack retries: Powertools idempotency on DynamoDB in AWS, on an embedded SQLite file locally."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

from app.config import Settings
from app.private_files import private_file

F = TypeVar("F", bound=Callable[..., Any])

_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    id TEXT PRIMARY KEY,
    expiration INTEGER NOT NULL,
    in_progress_expiration INTEGER,
    status TEXT NOT NULL,
    data TEXT,
    validation TEXT
)
"""


class SQLitePersistenceLayer(BasePersistenceLayer):
    """A Powertools persistence layer on one SQLite file, with the DynamoDB layer's conditional-put semantics."""

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        private_file(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def _get_record(self, idempotency_key: str) -> DataRecord:
        with self._lock:
            row = self._db.execute("SELECT * FROM idempotency WHERE id = ?", (idempotency_key,)).fetchone()
        if row is None:
            raise IdempotencyItemNotFoundError
        return _row_to_record(row)

    def _put_record(self, data_record: DataRecord) -> None:
        now = dt.datetime.now()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT * FROM idempotency WHERE id = ?", (data_record.idempotency_key,)
                ).fetchone()
                if row is not None and not _replaceable(row, now):
                    raise IdempotencyItemAlreadyExistsError(old_data_record=_row_to_record(row))
                self._db.execute(
                    "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        data_record.idempotency_key,
                        data_record.expiry_timestamp,
                        data_record.in_progress_expiry_timestamp,
                        data_record.status,
                        data_record.response_data,
                        data_record.payload_hash,
                    ),
                )
            finally:
                self._db.execute("COMMIT")

    def _update_record(self, data_record: DataRecord) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE idempotency SET data = ?, expiration = ?, status = ?, validation = ? WHERE id = ?",
                (
                    data_record.response_data,
                    data_record.expiry_timestamp,
                    data_record.status,
                    data_record.payload_hash,
                    data_record.idempotency_key,
                ),
            )

    def _delete_record(self, data_record: DataRecord) -> None:
        with self._lock:
            self._db.execute("DELETE FROM idempotency WHERE id = ?", (data_record.idempotency_key,))


def _replaceable(row: sqlite3.Row | tuple[Any, ...], now: dt.datetime) -> bool:
    """True when the stored record has expired, or is an in-progress record whose Lambda has timed out."""
    _, expiration, in_progress_expiration, status, _, _ = row
    if expiration < int(now.timestamp()):
        return True
    return bool(
        status == "INPROGRESS"
        and in_progress_expiration is not None
        and in_progress_expiration < int(now.timestamp() * 1000)
    )


def _row_to_record(row: sqlite3.Row | tuple[Any, ...]) -> DataRecord:
    key, expiration, in_progress_expiration, status, data, validation = row
    return DataRecord(
        idempotency_key=key,
        status=status,
        expiry_timestamp=expiration,
        in_progress_expiry_timestamp=in_progress_expiration,
        response_data=data or "",
        payload_hash=validation or "",
    )


def persistence_layer(settings: Settings) -> BasePersistenceLayer:
    """DynamoDB when a table is configured, otherwise the local SQLite file."""
    if settings.idempotency_table:
        import boto3

        client = boto3.client("dynamodb", region_name=settings.aws_region)
        return DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=client)
    return SQLitePersistenceLayer(settings.state_dir / "idempotency.sqlite3")


def once_per_event(function: F, store: BasePersistenceLayer, config: IdempotencyConfig) -> F:
    """Wrap ``function(job=...)`` so that a second call with the same ``job.event_id`` returns the first result."""
    wrapped: F = idempotent_function(data_keyword_argument="job", persistence_store=store, config=config)(function)
    return wrapped


def event_config(ttl_seconds: int) -> IdempotencyConfig:
    """Dedupe on the Events API ``event_id``, remembered for ``ttl_seconds``."""
    return IdempotencyConfig(event_key_jmespath="event_id", expires_after_seconds=ttl_seconds)


class SlackDeadline:
    """Stands in for a Lambda context outside Lambda: Slack's 3-second limit bounds an in-progress record."""

    function_name = "aiops-ingress-local"

    def get_remaining_time_in_millis(self) -> int:
        """Slack retries a request it has not had an answer to within 3 seconds."""
        return 3000
