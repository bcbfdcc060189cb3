"""Fixtures shared by the worker pipeline tests: the local Slack fake and a SQLite triage store."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.fakes.slack_api import FakeSlackAPI
from app.storage.triage import SQLiteTriageStore


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as api:
        yield api


@pytest.fixture
def store(tmp_path: Path) -> SQLiteTriageStore:
    return SQLiteTriageStore(tmp_path / "state" / "triage.sqlite3")
