"""The App Home view (pure: a summary in, a ``home`` view out, within Slack's 100 blocks and 3,000 characters)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.models import Rating, RatingLevel, TriageRecord
from app.reports.home import WEEKS, HomeSummary
from app.slack.render import escape

MAX_BLOCKS = 100
_SECTION_CHARS = 3000
_DECISION_ICON = {"close": "✅", "monitor": "👀", "escalate": "🚨", "act": "🛠️", "unknown": "❔"}
_LEVEL_ICON = {"better": "🌟", "same": "👍", "partly": "🤏", "wrong": "👎"}


def home_view(summary: HomeSummary) -> dict[str, Any]:
    """The ``home`` view for ``views.publish``."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Runbook AIOps"}},
        _context(f"Updated {summary.now:%Y-%m-%d %H:%M} UTC · the last {WEEKS} weeks"
                 + (f" · :warning: {escape(summary.note)}" if summary.note else "")),
        _section("*Latest investigations in your channels*"),
        *_latest(summary.latest, summary.now),
        {"type": "divider"},
        _section(f"*Ratings by runbook* (last {WEEKS} weeks)\n" + _runbooks(summary)),
        {"type": "divider"},
        _section(_spend(summary)),
        {"type": "divider"},
        _section("*Runbooks needing work*\n" + _needing_work(summary)),
    ]
    return {"type": "home", "callback_id": "aiops_home", "blocks": blocks[:MAX_BLOCKS]}


def _latest(latest: Sequence[tuple[TriageRecord, list[Rating]]], now: datetime) -> list[dict[str, Any]]:
    if not latest:
        return [_context("No investigation in your channels yet. Alerts in alert channels, @mentions and the "
                         "*Investigate with the bot* shortcut start one.")]
    return [_section(_latest_line(record, ratings, now)) for record, ratings in latest]


def _latest_line(record: TriageRecord, ratings: list[Rating], now: datetime) -> str:
    report = record.report
    decision = report.decision.value if report else "unknown"
    title = report.title if report else (record.job.alert.title or record.job.alert.text[:80] or "Investigation")
    if record.status == "failed":
        decision = "failed"
    icon = _DECISION_ICON.get(decision, "❌")
    runbook = f"`{escape(record.runbook_id)}`" if record.runbook_id else "no runbook"
    first = f"{icon} *{escape(title[:150])}* · `{decision}`"
    if report is not None:
        first += f" · {report.confidence} confidence"
    second = f"<#{record.job.channel}> · {runbook} · {_ago(record.created_at, now)} · ref `{record.id}` · "
    return f"{first}\n{second}{_tally(ratings)}"


def _tally(ratings: list[Rating]) -> str:
    if not ratings:
        return "not rated"
    counts = {level: sum(1 for rating in ratings if rating.level is level) for level in RatingLevel}
    return " ".join(f"{_LEVEL_ICON[level.value]}{count}" for level, count in counts.items() if count)


def _runbooks(summary: HomeSummary) -> str:
    if not summary.by_runbook:
        return "No ratings yet."
    lines = []
    for name, group in list(summary.by_runbook.items())[:15]:
        counts = " ".join(f"{_LEVEL_ICON[level.value]}{group.counts[level]}" for level in RatingLevel)
        weeks = summary.by_runbook_week.get(name, {})
        trend = " · ".join(f"{week[-3:]} {part.as_good_or_better:.0%}" for week, part in weeks.items())
        lines.append(f"`{escape(name)}` {group.total} · {group.as_good_or_better:.0%} as good or better · {counts}"
                     + (f" · by week: {trend}" if len(weeks) > 1 else ""))
    return "\n".join(lines)


def _spend(summary: HomeSummary) -> str:
    cost = f"≈ ${summary.spend_today:.4f}" if 0 < summary.spend_today < 0.01 else f"${summary.spend_today:.2f}"
    return (f"*Today's spend* {cost} · {summary.investigations_today} investigations · "
            f"{summary.tokens_today:,} tokens")


def _needing_work(summary: HomeSummary) -> str:
    lines = ["_Alerts that matched no runbook_"]
    lines += [
        f"×{group.count} {escape(group.title)} · <#{group.channel}> · last {_ago(group.last_seen, summary.now)} "
        f"(ref `{group.last_ref}`: *Draft a runbook* on its reply)"
        for group in summary.unmatched
    ] or ["none: every alert found its runbook"]
    lines.append("_Runbooks with low ratings_")
    lines += [
        f"`{escape(name)}` {group.as_good_or_better:.0%} as good or better of {group.total} ratings"
        for name, group in summary.low_rated.items()
    ] or ["none"]
    return "\n".join(lines)


def _ago(moment: datetime, now: datetime) -> str:
    minutes = max(int((now - moment).total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def _section(value: str) -> dict[str, Any]:
    cut = value if len(value) <= _SECTION_CHARS else value[: _SECTION_CHARS - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut}}


def _context(value: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": value[:_SECTION_CHARS]}]}
