"""``aiops spend``: the day's model spend from the local store, against the configured budgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.storage.claims import Spend
from app.storage.claims_sqlite import SQLiteClaimStore

pytestmark = pytest.mark.usefixtures("aiops_env")


def test_spend_shows_the_day_against_the_budgets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIOPS_DAILY_BUDGET_TOKENS", "1000000")
    monkeypatch.setenv("AIOPS_DAILY_BUDGET_USD", "20")
    store = SQLiteClaimStore(tmp_path / "state" / "triage.sqlite3")
    store.reserve("T1:2026-12-01", 123_456, 1.5, Spend())
    store.reserve("T1:C9:2026-12-01", 23_456, 0.25, Spend())

    assert main(["spend", "--team", "T1", "--channel", "C9", "--date", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "workspace  T1:2026-12-01: 123,456 tokens of 1,000,000 · $1.50 of $20.00" in out
    assert "channel    T1:C9:2026-12-01: 23,456 tokens · $0.25" in out

    assert main(["spend", "--team", "T1", "--date", "2026-12-02", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert (view["day"], view["workspace"]["tokens"], view["workspace"]["limit_usd"]) == ("2026-12-02", 0, 20.0)
    assert "channel" not in view


def test_spend_rejects_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["spend", "--date", "yesterday"])
    assert exit_info.value.code == 2
    assert "not a date" in capsys.readouterr().err
