"""Triage records and their ratings in one SQLite file (local runs, the CLI and tests)."""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from app.alerts import alert_key
from app.models import JobKind, Rating, TriageRecord
from app.storage.ratings import RatedRecord, created_time, merge_rating

_COLUMNS = {"channel": "TEXT", "thread_ts": "TEXT", "kind": "TEXT", "status": "TEXT", "alert_key": "TEXT"}
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS triage (id TEXT PRIMARY KEY, created_at TEXT, runbook_id TEXT, body TEXT)",
    "CREATE TABLE IF NOT EXISTS ratings (record_id TEXT NOT NULL, user TEXT NOT NULL, rated_at REAL NOT NULL,"
    " body TEXT NOT NULL, PRIMARY KEY (record_id, user))",
)
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS triage_thread ON triage (channel, thread_ts, created_at)",
    "CREATE INDEX IF NOT EXISTS triage_alert ON triage (channel, alert_key, created_at)",
)


class SQLiteTriageStore:
    """Records in one SQLite file; ratings in a second table keyed by record and person."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            self._db.execute(statement)
        present = {row[1] for row in self._db.execute("PRAGMA table_info(triage)")}
        for name, kind in _COLUMNS.items():
            if name not in present:  # a file from an older version: add the lookup columns
                self._db.execute(f"ALTER TABLE triage ADD COLUMN {name} {kind}")
        for statement in _INDEXES:
            self._db.execute(statement)

    def put(self, record: TriageRecord) -> None:
        """Insert or replace a record (its ratings are kept)."""
        job = record.job
        key = alert_key(job.alert) if job.kind is JobKind.ALERT else ""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO triage (id, created_at, runbook_id, body, channel, thread_ts, kind, status,"
                " alert_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id, record.created_at.isoformat(), record.runbook_id, record.model_dump_json(),
                    job.channel, job.thread_ts, job.kind.value, record.status, key,
                ),
            )

    def get(self, record_id: str) -> TriageRecord | None:
        """A record by reference id, or None."""
        return self._one("SELECT body FROM triage WHERE id = ?", (record_id,))

    def latest_in_thread(self, channel: str, thread_ts: str) -> TriageRecord | None:
        """The newest successful record that replied in a thread, or None."""
        return self._one(
            "SELECT body FROM triage WHERE channel = ? AND thread_ts = ? AND status = 'ok'"
            " ORDER BY created_at DESC LIMIT 1",
            (channel, thread_ts),
        )

    def latest_for_alert(self, channel: str, key: str) -> TriageRecord | None:
        """The newest investigation of the alert with this `alert_key` in a channel, or None."""
        return self._one(
            "SELECT body FROM triage WHERE channel = ? AND alert_key = ? ORDER BY created_at DESC LIMIT 1",
            (channel, key),
        )

    def rate(self, rating: Rating) -> list[Rating]:
        """Store one person's rating (merged with their earlier one); returns every rating of that record."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT body FROM ratings WHERE record_id = ? AND user = ?", (rating.record_id, rating.user)
                ).fetchone()
                merged = merge_rating(Rating.model_validate_json(row[0]) if row else None, rating)
                self._db.execute(
                    "INSERT OR REPLACE INTO ratings VALUES (?, ?, ?, ?)",
                    (merged.record_id, merged.user, merged.rated_at, merged.model_dump_json()),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return self.ratings(rating.record_id)

    def ratings(self, record_id: str) -> list[Rating]:
        """Every rating of one record, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM ratings WHERE record_id = ? ORDER BY rated_at", (record_id,)
            ).fetchall()
        return [Rating.model_validate_json(row[0]) for row in rows]

    def rated_records(self, since: datetime | None = None) -> list[RatedRecord]:
        """Every rated record (created at or after ``since``), with its ratings."""
        with self._lock:
            rows = self._db.execute(
                "SELECT r.record_id, r.body, t.created_at, t.runbook_id, t.kind FROM ratings r"
                " LEFT JOIN triage t ON t.id = r.record_id ORDER BY r.record_id, r.rated_at"
            ).fetchall()
        grouped: dict[str, list[Rating]] = defaultdict(list)
        meta: dict[str, tuple[str | None, str, str]] = {}
        for record_id, body, created_at, runbook_id, kind in rows:
            grouped[record_id].append(Rating.model_validate_json(body))
            meta[record_id] = (created_at, runbook_id or "", kind or "")
        found = []
        for record_id, ratings in grouped.items():
            created_at, runbook_id, kind = meta[record_id]
            created = created_time(created_at, ratings[0].rated_at)
            if since is None or created >= since:
                found.append(RatedRecord(record_id, created, runbook_id, kind, ratings))
        return found

    def recent(self, since: datetime, limit: int = 500) -> list[TriageRecord]:
        """Records created at or after ``since``, newest first, at most ``limit``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM triage WHERE created_at >= ? ORDER BY created_at DESC LIMIT ?",
                (since.isoformat(), limit),
            ).fetchall()
        return [TriageRecord.model_validate_json(row[0]) for row in rows]

    def _one(self, query: str, params: tuple[str, ...]) -> TriageRecord | None:
        with self._lock:
            row = self._db.execute(query, params).fetchone()
        return TriageRecord.model_validate_json(row[0]) if row else None
