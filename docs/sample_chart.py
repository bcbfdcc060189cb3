"""Draw docs/ratings-report.png and docs/ratings-report.txt from the reproducible sample history.

Run with ``make sample-chart``. The history comes from `app.fakes.ratings.seed_ratings` (fixed seed), so the
picture changes only when the report or the chart code changes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from app.fakes.ratings import seed_ratings
from app.reports.chart import draw_chart
from app.reports.ratings import report_text, summarise
from app.storage.triage import SQLiteTriageStore

DOCS = Path(__file__).resolve().parent


def main() -> int:
    """Seed a temporary store, then write the chart and the text report next to this file."""
    with tempfile.TemporaryDirectory(prefix="aiops-sample-") as state:
        store = SQLiteTriageStore(Path(state) / "triage.sqlite3")
        seed_ratings(store)
        summary = summarise(store.rated_records())
    draw_chart(summary, DOCS / "ratings-report.png")
    (DOCS / "ratings-report.txt").write_text(report_text(summary) + "\n", encoding="utf-8")
    print(f"wrote {DOCS / 'ratings-report.png'} and {DOCS / 'ratings-report.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
