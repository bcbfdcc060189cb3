"""Proposed runbook actions and their audit trail, with status changes that happen once (compare-and-set).

SQLite locally (``actions`` table beside the triage records); DynamoDB in AWS (items ``ACTION#<id>`` in the triage
table, whose ``status`` attribute is changed only under a condition on its current value). A double click, or two
approvers at once, moves a proposal from ``proposed`` once: only one of them gets ``True``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from botocore.exceptions import ClientError

from app.models import AuditEntry, Proposal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from app.config import Settings

_SCHEMA = "CREATE TABLE IF NOT EXISTS actions (id TEXT PRIMARY KEY, record_id TEXT, status TEXT, body TEXT)"


class ActionStore(Protocol):
    """Where proposals live."""

    def put(self, proposal: Proposal) -> None:
        """Store a new proposal (or replace one)."""
        ...

    def get(self, proposal_id: str) -> Proposal | None:
        """A proposal by id, or None."""
        ...

    def move(self, proposal_id: str, expected: Collection[str], status: str, entry: AuditEntry) -> Proposal | None:
        """Change the status only if it is one of ``expected``, adding ``entry``; the new proposal, else None."""
        ...

    def note(self, proposal_id: str, entry: AuditEntry) -> None:
        """Add an audit entry without a status change."""
        ...

    def all(self) -> list[Proposal]:
        """Every proposal, oldest first."""
        ...


class SQLiteActionStore:
    """Proposals in a SQLite file (created private to the user)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        os.chmod(path, 0o600)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute(_SCHEMA)

    def put(self, proposal: Proposal) -> None:
        """Store a new proposal (or replace one)."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO actions (id, record_id, status, body) VALUES (?, ?, ?, ?)",
                             (proposal.id, proposal.record_id, proposal.status, proposal.model_dump_json()))

    def get(self, proposal_id: str) -> Proposal | None:
        """A proposal by id, or None."""
        row = self._db.execute("SELECT body FROM actions WHERE id = ?", (proposal_id,)).fetchone()
        return Proposal.model_validate_json(row[0]) if row else None

    def move(self, proposal_id: str, expected: Collection[str], status: str, entry: AuditEntry) -> Proposal | None:
        """Change the status only if it is one of ``expected`` (one transaction), adding ``entry``."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT body, status FROM actions WHERE id = ?", (proposal_id,)).fetchone()
                if row is None or row[1] not in expected:
                    self._db.execute("ROLLBACK")
                    return None
                proposal = Proposal.model_validate_json(row[0])
                moved = proposal.model_copy(update={"status": status, "history": [*proposal.history, entry]})
                self._db.execute("UPDATE actions SET status = ?, body = ? WHERE id = ? AND status = ?",
                                 (status, moved.model_dump_json(), proposal_id, row[1]))
                self._db.execute("COMMIT")
            except Exception:
                self._db.execute("ROLLBACK")
                raise
        return moved

    def note(self, proposal_id: str, entry: AuditEntry) -> None:
        """Add an audit entry without a status change."""
        current = self.get(proposal_id)
        if current is not None:
            self.move(proposal_id, [current.status], current.status, entry)

    def all(self) -> list[Proposal]:
        """Every proposal, oldest first."""
        rows = self._db.execute("SELECT body FROM actions").fetchall()
        return sorted((Proposal.model_validate_json(row[0]) for row in rows), key=lambda p: p.history[0].at
                      if p.history else p.expires_at)


class DynamoActionStore:
    """Proposals as ``ACTION#<id>`` items of the triage table; status changes under a condition."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def put(self, proposal: Proposal) -> None:
        """Store a new proposal (or replace one)."""
        self._client.put_item(TableName=self._table, Item=_item(proposal))

    def get(self, proposal_id: str) -> Proposal | None:
        """A proposal by id, or None."""
        item = self._client.get_item(TableName=self._table, Key={"pk": {"S": f"ACTION#{proposal_id}"}},
                                     ConsistentRead=True).get("Item")
        return Proposal.model_validate_json(item["body"]["S"]) if item else None

    def move(self, proposal_id: str, expected: Collection[str], status: str, entry: AuditEntry) -> Proposal | None:
        """Change the status only if DynamoDB still holds one of ``expected`` (a conditional write)."""
        current = self.get(proposal_id)
        if current is None or current.status not in expected:
            return None
        moved = current.model_copy(update={"status": status, "history": [*current.history, entry]})
        try:
            self._client.put_item(TableName=self._table, Item=_item(moved),
                                  ConditionExpression="#s = :was AND #b = :body",
                                  ExpressionAttributeNames={"#s": "status", "#b": "body"},
                                  ExpressionAttributeValues={":was": {"S": current.status},
                                                             ":body": {"S": current.model_dump_json()}})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise
        return moved

    def note(self, proposal_id: str, entry: AuditEntry) -> None:
        """Add an audit entry without a status change (retried once on a concurrent change)."""
        for _ in range(3):
            current = self.get(proposal_id)
            if current is None or self.move(proposal_id, [current.status], current.status, entry) is not None:
                return

    def all(self) -> list[Proposal]:
        """Every proposal, oldest first (a scan: the audit is small)."""
        found: list[Proposal] = []
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(TableName=self._table, FilterExpression="begins_with(pk, :p)",
                                       ExpressionAttributeValues={":p": {"S": "ACTION#"}}):
            found += [Proposal.model_validate_json(item["body"]["S"]) for item in page.get("Items", [])]
        return sorted(found, key=lambda p: p.history[0].at if p.history else p.expires_at)


def _item(proposal: Proposal) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"ACTION#{proposal.id}"}, "status": {"S": proposal.status},
            "record": {"S": proposal.record_id}, "body": {"S": proposal.model_dump_json()}}


def action_store_from_settings(settings: Settings) -> ActionStore:
    """DynamoDB when a triage table is configured, otherwise the SQLite file in the state folder."""
    if settings.triage_table:
        import boto3

        return DynamoActionStore(settings.triage_table, boto3.client("dynamodb", region_name=settings.aws_region))
    return SQLiteActionStore(settings.state_dir / "actions.sqlite3")
