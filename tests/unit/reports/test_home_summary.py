"""The App Home summary and view (pure): who sees what, the gaps grouped, Slack's limits kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models import Alert, Job, JobKind, Rating, RatingLevel, TriageRecord, Usage
from app.reports.home import LATEST, home_summary, shape, unmatched_groups
from app.slack.command_blocks import parse_command
from app.slack.home_blocks import MAX_BLOCKS, home_view
from app.storage.ratings import RatedRecord

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def record(n: int, title: str, *, channel: str = "C1", runbook: str = "", hours_ago: float = 1,
           kind: JobKind = JobKind.ALERT, status: str = "ok", cost: float = 0.0) -> TriageRecord:
    job = Job(kind=kind, event_id=f"Ev{n}", channel=channel, ts="1.1", thread_ts="1.1",
              alert=Alert(title=title, source="grafana"))
    return TriageRecord(id=f"tri-{n:012d}", job=job, runbook_id=runbook, status=status,
                        created_at=NOW - timedelta(hours=hours_ago), usage=Usage(estimated_cost_usd=cost))


def test_alike_unmatched_alerts_group_by_shape_and_questions_and_matched_ones_stay_out() -> None:
    records = [
        record(1, "Disk usage 91% on host-1", hours_ago=3),
        record(2, "Disk usage 97% on host-4", hours_ago=1),
        record(3, "TLS certificate expires in 5 days"),
        record(4, "Disk usage 99% on host-2", runbook="disk-001"),
        record(5, "why is job 7 slow?", kind=JobKind.QUESTION),
        record(6, "Disk usage 80% on host-9", status="failed"),
    ]
    groups = unmatched_groups(records)
    assert [(g.title, g.count, g.last_ref) for g in groups] == [
        ("Disk usage 97% on host-4", 2, "tri-000000000002"),
        ("TLS certificate expires in 5 days", 1, "tri-000000000003"),
    ]
    assert shape(records[0]) == "grafana|disk usage #% on host-#"


def test_spend_counts_today_only_and_low_rated_needs_two_ratings() -> None:
    records = [record(1, "a", cost=0.2, hours_ago=1), record(2, "b", cost=0.3, hours_ago=2),
               record(3, "c", cost=9.0, hours_ago=30)]
    wrong = [Rating(record_id="x", user=u, level=RatingLevel.WRONG, rated_at=1.0) for u in ("U1", "U2")]
    rated = [RatedRecord("tri-000000000001", NOW, "rb-bad", "alert", wrong),
             RatedRecord("tri-000000000002", NOW, "rb-once", "alert", wrong[:1])]

    summary = home_summary(records, rated, {"C1"}, NOW)

    assert (summary.spend_today, summary.investigations_today) == (0.5, 2)
    assert list(summary.low_rated) == ["rb-bad"]
    assert [r.id for r, _ in summary.latest] == ["tri-000000000001", "tri-000000000002", "tri-000000000003"]
    assert [rating.user for rating in summary.latest[0][1]] == ["U1", "U2"]


def test_the_view_stays_within_slack_limits_with_many_records() -> None:
    records = [record(n, "x" * 400 + str(n), hours_ago=n / 10) for n in range(300)]
    summary = home_summary(records, [], {"C1"}, NOW)
    view = home_view(summary)
    assert len(summary.latest) == LATEST
    assert view["type"] == "home" and len(view["blocks"]) <= MAX_BLOCKS
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in view["blocks"])


def test_parse_command() -> None:
    assert parse_command("") == ("help", "")
    assert parse_command("  MATCH  disk usage  91% ") == ("match", "disk usage  91%")
    assert parse_command("status") == ("status", "")


def test_ratings_by_runbook_are_also_shown_week_by_week() -> None:
    same = Rating(record_id="x", user="U1", level=RatingLevel.SAME, rated_at=1.0)
    wrong = Rating(record_id="x", user="U2", level=RatingLevel.WRONG, rated_at=1.0)
    rated = [RatedRecord("tri-1", NOW - timedelta(days=8), "rb-1", "alert", [same, wrong]),
             RatedRecord("tri-2", NOW, "rb-1", "alert", [same])]

    summary = home_summary([], rated, set(), NOW)

    weeks = summary.by_runbook_week["rb-1"]
    assert [(week, part.total) for week, part in weeks.items()] == [("2026-W46", 2), ("2026-W47", 1)]
    text = home_view(summary)["blocks"][5]["text"]["text"]
    assert "`rb-1` 3 · 67% as good or better · 🌟0 👍2 🤏0 👎1 · by week: W46 50% · W47 100%" in text
