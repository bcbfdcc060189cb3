"""Claims and spend counters in SQLite.

Each change is one ``BEGIN IMMEDIATE`` transaction, so processes and threads that share the file take turns and
never both own a claim.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from app.storage.claims import MAX_MEMBERS, Claim, Member, Spend
from app.storage.ratings import StoreError

_T = TypeVar("_T")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS claims (name TEXT PRIMARY KEY, channel TEXT NOT NULL, thread_ts TEXT NOT NULL,"
    " origin_ts TEXT NOT NULL, started REAL NOT NULL, count INTEGER NOT NULL, grp TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS claim_members (name TEXT NOT NULL, position INTEGER NOT NULL, body TEXT NOT NULL,"
    " PRIMARY KEY (name, position))",
    "CREATE TABLE IF NOT EXISTS spend (scope TEXT PRIMARY KEY, tokens INTEGER NOT NULL, usd REAL NOT NULL)",
)
_COLUMNS = "name, channel, thread_ts, origin_ts, started, count, grp"


class SQLiteClaimStore:
    """Claims and spend in one SQLite file (it may be the triage store's file)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            self._db.execute(statement)

    def join(self, claim: Claim, window: float, member: Member) -> Claim:
        """Own the name if it is free or expired at ``claim.started``, else join it (see `ClaimStore.join`)."""

        def change(db: sqlite3.Connection) -> Claim:
            row = db.execute(f"SELECT {_COLUMNS} FROM claims WHERE name = ?", (claim.name,)).fetchone()  # noqa: S608
            if row is None or claim.started >= row[4] + window:
                db.execute("DELETE FROM claim_members WHERE name = ?", (claim.name,))
                db.execute(
                    f"INSERT OR REPLACE INTO claims ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, 1, ?)",  # noqa: S608
                    (claim.name, claim.channel, claim.thread_ts, claim.origin_ts, claim.started, claim.group),
                )
                return replace(claim, count=1, members=(), owner=True)
            count = int(row[5]) + 1
            db.execute("UPDATE claims SET count = ? WHERE name = ?", (count, claim.name))
            if count - 1 <= MAX_MEMBERS:
                db.execute("INSERT INTO claim_members VALUES (?, ?, ?)", (claim.name, count, member.to_json()))
            joined = _read(db, claim.name)
            if joined is None:  # cannot happen inside the transaction that just updated it
                raise StoreError(f"claim {claim.name} vanished while it was joined")
            return joined

        return self._transaction(change)

    def get(self, name: str) -> Claim | None:
        """The claim, or None."""
        return self._transaction(lambda db: _read(db, name))

    def retarget(self, name: str, thread_ts: str, group: str) -> None:
        """Point a claim at another thread and storm group."""
        self._transaction(
            lambda db: db.execute("UPDATE claims SET thread_ts = ?, grp = ? WHERE name = ?", (thread_ts, group, name))
        )

    def close(self, name: str) -> Claim | None:
        """Remove a claim; returns what it was."""

        def change(db: sqlite3.Connection) -> Claim | None:
            found = _read(db, name)
            db.execute("DELETE FROM claims WHERE name = ?", (name,))
            db.execute("DELETE FROM claim_members WHERE name = ?", (name,))
            return found

        return self._transaction(change)

    def reserve(self, scope: str, tokens: int, usd: float, limit: Spend) -> Spend | None:
        """Add to the counters only within the limit (see `ClaimStore.reserve`)."""

        def change(db: sqlite3.Connection) -> Spend | None:
            now = _spend(db, scope)
            total = Spend(now.tokens + tokens, now.usd + usd)
            if (limit.tokens and total.tokens > limit.tokens) or (limit.usd and total.usd > limit.usd):
                return None
            _write_spend(db, scope, total)
            return total

        return self._transaction(change)

    def settle(self, scope: str, tokens: int, usd: float) -> Spend:
        """Add to the counters unconditionally."""

        def change(db: sqlite3.Connection) -> Spend:
            now = _spend(db, scope)
            total = Spend(now.tokens + tokens, round(now.usd + usd, 6))
            _write_spend(db, scope, total)
            return total

        return self._transaction(change)

    def spend(self, scope: str) -> Spend:
        """A day's counters."""
        return self._transaction(lambda db: _spend(db, scope))

    def _transaction(self, change: Callable[[sqlite3.Connection], _T]) -> _T:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = change(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result


def _read(db: sqlite3.Connection, name: str) -> Claim | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM claims WHERE name = ?", (name,)).fetchone()  # noqa: S608
    if row is None:
        return None
    members = db.execute("SELECT body FROM claim_members WHERE name = ? ORDER BY position", (name,)).fetchall()
    return Claim(
        name=row[0], channel=row[1], thread_ts=row[2], origin_ts=row[3], started=float(row[4]), count=int(row[5]),
        members=tuple(Member.from_json(body) for (body,) in members), group=row[6],
    )


def _spend(db: sqlite3.Connection, scope: str) -> Spend:
    row = db.execute("SELECT tokens, usd FROM spend WHERE scope = ?", (scope,)).fetchone()
    return Spend(int(row[0]), float(row[1])) if row else Spend()


def _write_spend(db: sqlite3.Connection, scope: str, total: Spend) -> None:
    db.execute("INSERT OR REPLACE INTO spend VALUES (?, ?, ?)", (scope, total.tokens, total.usd))
