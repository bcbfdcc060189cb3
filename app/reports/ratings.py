"""The ratings report: how operators rated the bot's replies, overall, by runbook, by week and by kind (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.models import Rating, RatingLevel
from app.slack.rating_blocks import SCORES
from app.slack.texts import level_label
from app.storage.ratings import RatedRecord

NO_RUNBOOK = "(no runbook)"
_SHORT = {"better": "better", "same": "same", "partly": "partly", "wrong": "wrong"}
_BAR = 30


@dataclass
class Distribution:
    """How many ratings fell on each level."""

    counts: dict[RatingLevel, int] = field(default_factory=lambda: dict.fromkeys(RatingLevel, 0))

    def add(self, rating: Rating) -> None:
        """Count one rating."""
        self.counts[rating.level] += 1

    @property
    def total(self) -> int:
        """All ratings counted."""
        return sum(self.counts.values())

    def share(self, level: RatingLevel) -> float:
        """The share of one level, 0 when nothing was counted."""
        return self.counts[level] / self.total if self.total else 0.0

    @property
    def as_good_or_better(self) -> float:
        """The share rated as good as a person or better."""
        return self.share(RatingLevel.BETTER) + self.share(RatingLevel.SAME)


@dataclass
class RatingsSummary:
    """Everything the report prints and draws."""

    since: datetime | None
    replies: int = 0
    overall: Distribution = field(default_factory=Distribution)
    by_runbook: dict[str, Distribution] = field(default_factory=dict)
    by_week: dict[str, Distribution] = field(default_factory=dict)
    by_kind: dict[str, Distribution] = field(default_factory=dict)
    scores: dict[str, list[int]] = field(default_factory=lambda: {name: [] for name in SCORES})
    comments: list[tuple[str, Rating]] = field(default_factory=list)


def summarise(records: Iterable[RatedRecord], since: datetime | None = None) -> RatingsSummary:
    """Count every rating of every rated record (the store already applied ``since``)."""
    summary = RatingsSummary(since=since)
    by_runbook: dict[str, Distribution] = defaultdict(Distribution)
    by_week: dict[str, Distribution] = defaultdict(Distribution)
    by_kind: dict[str, Distribution] = defaultdict(Distribution)
    for record in records:
        summary.replies += 1
        week = iso_week(record.created_at)
        for rating in record.ratings:
            for group in (summary.overall, by_runbook[record.runbook_id or NO_RUNBOOK], by_week[week],
                          by_kind[record.kind or "unknown"]):
                group.add(rating)
            for name in SCORES:
                value = getattr(rating, name)
                if value is not None:
                    summary.scores[name].append(value)
            if rating.comment:
                summary.comments.append((record.runbook_id or NO_RUNBOOK, rating))
    summary.by_runbook = dict(sorted(by_runbook.items(), key=lambda item: (-item[1].total, item[0])))
    summary.by_week = dict(sorted(by_week.items()))
    summary.by_kind = dict(sorted(by_kind.items()))
    summary.comments.sort(key=lambda item: -item[1].rated_at)
    return summary


def iso_week(moment: datetime) -> str:
    """``2026-W47``: the ISO year and week of a time."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def report_text(summary: RatingsSummary, comments: int = 5) -> str:
    """The report as plain text for the terminal."""
    overall = summary.overall
    since = f" since {summary.since.date().isoformat()}" if summary.since else ""
    if not overall.total:
        return f"No ratings{since}."
    lines = [f"Ratings of {summary.replies} replies ({overall.total} ratings){since}", ""]
    for level in RatingLevel:
        bar = "█" * round(overall.share(level) * _BAR)
        lines.append(f"  {level_label(level):<32}{overall.counts[level]:>5}  {overall.share(level):>4.0%}  {bar}")
    lines.append(f"  as good as a person or better: {overall.as_good_or_better:.0%}")
    scored = [f"{name} {sum(values) / len(values):.1f}" for name, values in summary.scores.items() if values]
    if scored:
        count = max(len(values) for values in summary.scores.values())
        lines.append(f"  detail scores (1–4, {count} ratings): {' · '.join(scored)}")
    for title, groups in (("runbook", summary.by_runbook), ("week", summary.by_week), ("kind", summary.by_kind)):
        lines += ["", *_table(f"By {title}", groups)]
    if summary.comments and comments:
        lines += ["", "Latest comments"]
        for runbook, rating in summary.comments[:comments]:
            said = " ".join((rating.comment or "").split())
            lines.append(f"  [{runbook} · {rating.level.value}] {said}")
    return "\n".join(lines)


def _table(title: str, groups: dict[str, Distribution]) -> list[str]:
    width = max([len(title), *(len(name) + 2 for name in groups)])
    levels = "".join(f"{_SHORT[level.value]:>8}" for level in RatingLevel)
    lines = [f"{title:<{width}}{'n':>5}{levels}{'≥ same':>9}"]
    for name, group in groups.items():
        counts = "".join(f"{group.counts[level]:>8}" for level in RatingLevel)
        lines.append(f"  {name:<{width - 2}}{group.total:>5}{counts}{group.as_good_or_better:>9.0%}")
    return lines
