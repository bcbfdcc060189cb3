"""``aiops ratings report``: the distribution overall, by runbook, by week and by kind, and the chart."""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from matplotlib import image

from app.cli import main
from app.fakes.ratings import seed_ratings
from app.models import Rating, RatingLevel
from app.reports.ratings import iso_week, report_text, summarise
from app.storage.ratings import RatedRecord
from app.storage.triage import SQLiteTriageStore

LABELS = {
    RatingLevel.BETTER: "Better than I would have done",
    RatingLevel.SAME: "As good as I would have done",
    RatingLevel.PARTLY: "Partly useful",
    RatingLevel.WRONG: "Wrong or useless",
}


@pytest.fixture
def state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AIOPS_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def seeded(state: Path) -> SQLiteTriageStore:
    store = SQLiteTriageStore(state / "triage.sqlite3")
    seed_ratings(store)
    return store


def overall_counts(out: str) -> dict[RatingLevel, int]:
    counts = {}
    for level, label in LABELS.items():
        found = re.search(rf"^  {re.escape(label)} +(\d+) ", out, re.MULTILINE)
        assert found, (label, out)
        counts[level] = int(found.group(1))
    return counts


def test_report_counts_every_rating_in_the_store(seeded: SQLiteTriageStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ratings", "report"]) == 0

    out = capsys.readouterr().out
    ratings = [rating for record in seeded.rated_records() for rating in record.ratings]
    expected = Counter(rating.level for rating in ratings)
    assert overall_counts(out) == {level: expected[level] for level in RatingLevel}
    assert out.startswith(f"Ratings of {len(seeded.rated_records())} replies ({len(ratings)} ratings)\n")
    good = (expected[RatingLevel.BETTER] + expected[RatingLevel.SAME]) / len(ratings)
    assert f"as good as a person or better: {good:.0%}" in out
    for heading in ("By runbook", "By week", "By kind", "Latest comments"):
        assert re.search(rf"^{heading}\b", out, re.MULTILINE), heading


def test_report_by_runbook_row_matches_the_store(
    seeded: SQLiteTriageStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ratings", "report"]) == 0
    out = capsys.readouterr().out

    levels = [r.level for rec in seeded.rated_records() if rec.runbook_id == "jobs-004" for r in rec.ratings]
    counts = Counter(levels)
    row = re.search(r"^  jobs-004 +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)%$", out, re.MULTILINE)
    assert row is not None
    assert [int(value) for value in row.groups()[:5]] == [len(levels), *(counts[level] for level in RatingLevel)]
    assert "(no runbook)" in out


def test_since_keeps_only_newer_replies(seeded: SQLiteTriageStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ratings", "report", "--since", "2026-11-09"]) == 0

    out = capsys.readouterr().out
    newer = seeded.rated_records(datetime(2026, 11, 9, tzinfo=UTC))
    assert out.startswith(f"Ratings of {len(newer)} replies (")
    assert " since 2026-11-09\n" in out.splitlines()[0] + "\n"
    weeks = re.findall(r"^  (\d{4}-W\d{2}) ", out, re.MULTILINE)
    assert weeks == sorted({iso_week(record.created_at) for record in newer})
    assert all(week >= "2026-W45" for week in weeks)


def test_chart_is_a_png_of_a_sensible_size(
    seeded: SQLiteTriageStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "chart.png"

    assert main(["ratings", "report", "--png", str(chart)]) == 0

    assert capsys.readouterr().out.rstrip().endswith(f"chart written to {chart}")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = image.imread(chart)
    height, width = pixels.shape[:2]
    assert (width, height) == (1950, 975)
    assert pixels.std() > 0.1  # not a blank picture


def test_an_empty_store_says_so_and_draws_nothing(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "chart.png"

    assert main(["ratings", "report", "--png", str(chart)]) == 1

    captured = capsys.readouterr()
    assert captured.out.strip() == "No ratings."
    assert captured.err.strip() == "aiops ratings report: no chart written: no ratings to draw"
    assert not chart.exists()


def test_an_unwritable_chart_path_is_a_clear_error(
    seeded: SQLiteTriageStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ratings", "report", "--png", str(tmp_path / "missing" / "chart.png")]) == 1
    assert "aiops ratings report: no chart written: cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "21/11/2026"])
def test_a_bad_date_is_refused(state: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["ratings", "report", "--since", value])
    assert raised.value.code == 2
    assert f"not a date (YYYY-MM-DD): {value!r}" in capsys.readouterr().err


def test_summary_of_a_handmade_history() -> None:
    def record(record_id: str, runbook: str, day: int, *levels: str) -> RatedRecord:
        created = datetime(2026, 11, day, tzinfo=UTC)
        ratings = [Rating(record_id=record_id, user=f"U{n}", level=RatingLevel(level), rated_at=float(n))
                   for n, level in enumerate(levels)]
        return RatedRecord(record_id, created, runbook, "alert", ratings)

    history = [
        record("a", "jobs-004", 2, "better", "same"),
        record("b", "jobs-004", 10, "wrong"),
        record("c", "", 10, "partly", "same"),
    ]
    summary = summarise(history)

    assert (summary.replies, summary.overall.total) == (3, 5)
    assert summary.overall.as_good_or_better == pytest.approx(0.6)
    assert list(summary.by_runbook) == ["jobs-004", "(no runbook)"]
    assert summary.by_runbook["jobs-004"].counts[RatingLevel.WRONG] == 1
    assert list(summary.by_week) == ["2026-W45", "2026-W46"]
    assert summary.by_week["2026-W46"].total == 3
    text = report_text(summary)
    assert "\n  (no runbook)    2       0       1       1       0      50%\n" in text
    assert "\n  2026-W45    2       1       1       0       0     100%\n" in text

