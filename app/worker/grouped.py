"""What people see of repeats and storms.

A one-line link in each joining alert's thread, and the earlier report showing how often its alert was seen and
which alike alerts it covers.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from app.language import Language, detect_language
from app.models import Job, TriageRecord
from app.slack import render
from app.slack.poster import Poster, SlackPostError
from app.slack.render import escape
from app.storage.claims import Claim, ClaimStore
from app.storage.triage import TriageStore
from app.worker.correlate import Correlation, Joined, repeat_name

logger = logging.getLogger(__name__)

_LISTED = 20  # members named in the report; the rest are counted
_REWRITES = 3
_WORDS: dict[str, tuple[str, str]] = {
    "repeat": (
        ":repeat: Same alert as <{link}|the earlier thread>: seen {count}× since {since}. No new investigation.",
        ":repeat: <{link}|先のスレッド>と同じアラートです ({since} 以降 {count} 回)。新たな調査は行いません。",
    ),
    "storm": (
        ":cyclone: One of {count} alike alerts since {since} (runbook `{runbook}`): investigated together in "
        "<{link}|this thread>.",
        ":cyclone: {since} 以降の同種のアラート {count} 件の一つです (Runbook `{runbook}`)。"
        "<{link}|こちらのスレッド>でまとめて調査します。",
    ),
    "seen": (":repeat: Seen {count}× since {since}", ":repeat: {since} 以降 {count} 回発生"),
    "members": (
        ":cyclone: Grouped: {count} alike alerts since {since}: {members}",
        ":cyclone: まとめて調査: {since} 以降の同種のアラート {count} 件: {members}",
    ),
    "more": ("+{count} more", "ほか {count} 件"),
    "member_resolved": (
        ":white_check_mark: Resolved: {title} (one of the alerts grouped in this thread).",
        ":white_check_mark: 解消しました: {title} (このスレッドでまとめて調査したアラートの一つ)。",
    ),
}


def thread_link(settings: Correlation, channel: str, ts: str) -> str:
    """A link to a message's thread."""
    return f"{settings.archive_url.rstrip('/')}/{channel}/p{ts.replace('.', '')}"


def link_reply(job: Job, joined: Joined, slack: Poster, settings: Correlation) -> str:
    """Post the one-line reply in the joining alert's thread; returns its ts."""
    claim = joined.claim
    language = detect_language(job.alert.full_text())
    runbook = claim.name.split(":")[2] if joined.kind == "storm" else ""
    line = _say(
        joined.kind, language, link=thread_link(settings, claim.channel, claim.thread_ts), count=claim.count,
        since=since_text(claim.started), runbook=runbook,
    )
    return slack.post(job.channel, job.thread_ts, line)


def refresh_report(
    channel: str, thread_ts: str, store: TriageStore, claims: ClaimStore, slack: Poster, settings: Correlation
) -> bool:
    """Show the repeat count and the storm's members on the report in a thread; False when there is none yet.

    The report of a running investigation is not there yet: it reads the claims itself when it finishes.
    """
    record = store.latest_in_thread(channel, thread_ts)
    if record is None or not record.reply_ts:
        return False
    shown: list[str] = []
    for _ in range(_REWRITES):  # another worker may have written an older count in between: write until it holds
        lines = report_lines(record, claims, settings)
        if lines == shown:
            break
        _show(record, lines, store, slack)
        shown = lines
    return True


def _show(record: TriageRecord, lines: list[str], store: TriageStore, slack: Poster) -> None:
    blocks = render.report_blocks(record, store.ratings(record.id))
    blocks.insert(1, {"type": "context", "elements": [{"type": "mrkdwn", "text": line[:2900]} for line in lines]})
    try:
        slack.update(record.job.channel, record.reply_ts, render.report_text(record), blocks)
    except SlackPostError as exc:  # the links in the members' threads still say where the investigation is
        logger.warning("could not show repeats on %s: %s", record.id, exc)


def report_lines(record: TriageRecord, claims: ClaimStore, settings: Correlation) -> list[str]:
    """The "seen N× since …" and grouped-members lines for a report, from the claims."""
    language = detect_language(record.job.alert.full_text())
    lines = []
    repeat = claims.get(repeat_name(record.job))
    if repeat is not None and repeat.thread_ts == record.job.thread_ts and repeat.count > 1:
        lines.append(_say("seen", language, count=repeat.count, since=since_text(repeat.started)))
    storm = claims.get(repeat.group) if repeat is not None and repeat.group else None
    if storm is not None and storm.thread_ts == record.job.thread_ts and storm.count > 1:
        lines.append(_members_line(storm, language, settings))
    return lines


def member_resolved(job: Job, claim: Claim, slack: Poster) -> None:
    """Tell the grouped investigation's thread that one of its members resolved."""
    language = detect_language(job.alert.full_text())
    title = escape(job.alert.title or job.alert.text[:100])
    slack.post(claim.channel, claim.thread_ts, _say("member_resolved", language, title=title))


def since_text(started: float) -> str:
    """``03:12 UTC`` today, ``2026-11-30 03:12 UTC`` on an earlier day."""
    moment = datetime.fromtimestamp(started, UTC)
    same_day = moment.date() == datetime.now(UTC).date()
    return moment.strftime("%H:%M UTC" if same_day else "%Y-%m-%d %H:%M UTC")


def _members_line(storm: Claim, language: Language, settings: Correlation) -> str:
    named = []
    for member in storm.members[:_LISTED]:
        label = ", ".join(f"{key} {value}" for key, value in sorted(member.fields.items())) or member.ts
        named.append(f"<{thread_link(settings, storm.channel, member.ts)}|{escape(label)}>")
    hidden = storm.count - 1 - len(named)
    if hidden > 0:
        named.append(_say("more", language, count=hidden))
    return _say("members", language, count=storm.count, since=since_text(storm.started), members=" · ".join(named))


def _say(name: str, language: Language, **values: object) -> str:
    english, japanese = _WORDS[name]
    return (japanese if language == "ja" else english).format(**values)
