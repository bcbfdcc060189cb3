"""Fixtures shared by the worker pipeline tests: a SQLite triage store."""

from pathlib import Path

import pytest

from app.storage.triage import SQLiteTriageStore


@pytest.fixture
def store(tmp_path: Path) -> SQLiteTriageStore:
    return SQLiteTriageStore(tmp_path / "state" / "triage.sqlite3")
