"""Classify Slack events into jobs (pure: no clients, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.alerts import message_text, normalise, strip_mentions
from app.models import Alert, Job, JobKind

# Message subtypes that can carry an alert; everything else (edits, deletions, joins…) is ignored.
_ALERT_SUBTYPES = frozenset({None, "bot_message"})


@dataclass(frozen=True)
class Identity:
    """Who the bot is in this workspace, to recognise its own messages."""

    user_id: str = ""
    bot_id: str = ""


def alert_job(body: dict[str, Any], alert_channels: tuple[str, ...], me: Identity) -> Job | None:
    """A job for a top-level message in an alert channel, or None when the message is not an alert."""
    event: dict[str, Any] = body.get("event") or {}
    if event.get("channel") not in alert_channels or event.get("subtype") not in _ALERT_SUBTYPES:
        return None
    if _is_own(event, me) or _is_reply(event) or event.get("hidden"):
        return None
    if me.user_id and f"<@{me.user_id}" in str(event.get("text") or ""):
        return None  # a mention of the bot: the app_mention event makes it a question
    if not message_text(event).strip():
        return None
    return Job(
        kind=JobKind.ALERT,
        event_id=str(body.get("event_id") or ""),
        team=str(body.get("team_id") or ""),
        channel=str(event["channel"]),
        ts=str(event.get("ts")),
        thread_ts=str(event.get("ts")),
        user=str(event.get("user") or event.get("bot_id") or ""),
        alert=normalise(event),
    )


def question_job(body: dict[str, Any], me: Identity) -> Job | None:
    """A job for an ``app_mention``: the question is the text without the mention."""
    event: dict[str, Any] = body.get("event") or {}
    if _is_own(event, me) or event.get("subtype") is not None:
        return None
    question = strip_mentions(message_text(event))
    thread_ts = event.get("thread_ts")
    base = normalise(event)
    return Job(
        kind=JobKind.QUESTION,
        event_id=str(body.get("event_id") or ""),
        team=str(body.get("team_id") or ""),
        channel=str(event.get("channel") or ""),
        ts=str(event.get("ts")),
        thread_ts=str(thread_ts or event.get("ts")),
        user=str(event.get("user") or ""),
        alert=Alert(title="", text=question, source="slack-question", time=base.time),
        in_thread=bool(thread_ts and thread_ts != event.get("ts")),
    )


def _is_own(event: dict[str, Any], me: Identity) -> bool:
    return bool((me.user_id and event.get("user") == me.user_id) or (me.bot_id and event.get("bot_id") == me.bot_id))


def _is_reply(event: dict[str, Any]) -> bool:
    thread_ts = event.get("thread_ts")
    return bool(thread_ts and thread_ts != event.get("ts"))
