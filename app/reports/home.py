"""What a person's App Home shows, computed from the stored records and ratings (pure: data in, summary out)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.models import JobKind, Rating, TriageRecord
from app.reports.ratings import NO_RUNBOOK, Distribution, iso_week, summarise
from app.storage.ratings import RatedRecord

WEEKS = 4
LATEST = 8
GROUPS = 5
LOW_SHARE = 0.5
"""A runbook needs work when under this share of its ratings are "as good as I would have done" or better…"""
_VARYING = re.compile(r"\b[0-9a-f]*\d[0-9a-f]*\b")
LOW_MIN_RATINGS = 2
"""…counted from this many ratings up."""


@dataclass(frozen=True)
class Unmatched:
    """Alerts alike (same source and title) that matched no runbook."""

    title: str
    count: int
    last_seen: datetime
    last_ref: str
    channel: str


@dataclass
class HomeSummary:
    """Everything one person's App Home shows."""

    now: datetime
    latest: list[tuple[TriageRecord, list[Rating]]] = field(default_factory=list)
    by_runbook: dict[str, Distribution] = field(default_factory=dict)
    by_runbook_week: dict[str, dict[str, Distribution]] = field(default_factory=dict)
    spend_today: float = 0.0
    tokens_today: int = 0
    investigations_today: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)
    low_rated: dict[str, Distribution] = field(default_factory=dict)
    note: str = ""


def since(now: datetime) -> datetime:
    """The start of the window the App Home looks at."""
    return now - timedelta(weeks=WEEKS)


def home_summary(
    records: Iterable[TriageRecord], rated: Iterable[RatedRecord], channels: set[str], now: datetime, note: str = ""
) -> HomeSummary:
    """The App Home of a person in ``channels``: only investigations in those channels are listed by name.

    Ratings by runbook and today's spend are the team's totals (counts, no alert text).
    """
    records = sorted(records, key=lambda record: record.created_at, reverse=True)
    rated = list(rated)
    ratings = {item.record_id: item.ratings for item in rated}
    visible = [record for record in records if record.job.channel in channels]
    runbooks = summarise(rated).by_runbook
    today = [record for record in records if record.created_at.date() == now.date()]
    return HomeSummary(
        now=now,
        latest=[(record, ratings.get(record.id, [])) for record in visible[:LATEST]],
        by_runbook=runbooks,
        by_runbook_week=weekly(rated),
        spend_today=round(sum(record.usage.estimated_cost_usd for record in today), 6),
        tokens_today=sum(record.usage.total_tokens for record in today),
        investigations_today=len(today),
        unmatched=unmatched_groups(visible)[:GROUPS],
        low_rated={
            name: group for name, group in runbooks.items()
            if name != NO_RUNBOOK and group.total >= LOW_MIN_RATINGS and group.as_good_or_better < LOW_SHARE
        },
        note=note,
    )


def shape(record: TriageRecord) -> str:
    """Alerts alike share a shape: their source and first line, with numbers and hex ids blanked out."""
    alert = record.job.alert
    first = alert.title or (alert.text.strip().splitlines() or [""])[0]
    return f"{alert.source.lower()}|{_VARYING.sub('#', first.lower()).strip()}"


def weekly(rated: Iterable[RatedRecord]) -> dict[str, dict[str, Distribution]]:
    """Each runbook's ratings by ISO week of the rated reply (``2026-W47``), oldest week first."""
    found: dict[str, dict[str, Distribution]] = {}
    for item in rated:
        weeks = found.setdefault(item.runbook_id or NO_RUNBOOK, {})
        group = weeks.setdefault(iso_week(item.created_at), Distribution())
        for rating in item.ratings:
            group.add(rating)
    return {name: dict(sorted(weeks.items())) for name, weeks in found.items()}


def unmatched_groups(records: Iterable[TriageRecord]) -> list[Unmatched]:
    """Alerts that matched no runbook, grouped by source and title, most frequent first (newest records first in)."""
    groups: dict[str, list[TriageRecord]] = {}
    for record in records:
        if record.job.kind is JobKind.ALERT and not record.runbook_id and record.status == "ok":
            groups.setdefault(shape(record), []).append(record)
    found = []
    for members in groups.values():
        newest = max(members, key=lambda record: record.created_at)
        alert = newest.job.alert
        title = alert.title or (alert.text.strip().splitlines() or [""])[0]
        found.append(Unmatched(title[:150], len(members), newest.created_at, newest.id, newest.job.channel))
    return sorted(found, key=lambda group: (-group.count, -group.last_seen.timestamp()))
