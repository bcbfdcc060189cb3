"""Jobs for the Slack surfaces: App Home opened, ``/aiops``, the message shortcut, the draft button (pure)."""

from __future__ import annotations

from typing import Any

from app.alerts import message_text, normalise
from app.ingress.interactions import InteractionError, rated_target
from app.models import Alert, Job, JobKind, SlackRequest


def home_job(body: dict[str, Any]) -> Job | None:
    """A job that publishes the person's App Home; None for the Messages and About tabs."""
    event: dict[str, Any] = body.get("event") or {}
    if event.get("tab") != "home" or not event.get("user"):
        return None
    return Job(
        kind=JobKind.HOME,
        event_id=str(body.get("event_id") or ""),
        team=str(body.get("team_id") or ""),
        channel=str(event.get("channel") or ""),
        ts=str(event.get("event_ts") or ""),
        thread_ts="",
        user=str(event["user"]),
        alert=Alert(),
        request=SlackRequest(action="home"),
    )


def command_job(command: dict[str, Any], action: str, argument: str) -> Job:
    """A job that answers ``/aiops match TEXT`` or ``/aiops status`` on the command's response URL.

    Raises:
        InteractionError: The payload has no response URL or trigger id.
    """
    if not command.get("response_url") or not command.get("trigger_id"):
        raise InteractionError("the command has no response_url or trigger_id")
    if action not in ("match", "status"):
        raise InteractionError(f"not a command the worker answers: {action!r}")
    return Job(
        kind=JobKind.COMMAND,
        event_id=f"command-{command['trigger_id']}",
        team=str(command.get("team_id") or ""),
        channel=str(command.get("channel_id") or ""),
        ts="",
        thread_ts="",
        user=str(command.get("user_id") or ""),
        alert=Alert(),
        request=SlackRequest(action="match" if action == "match" else "status", text=argument,
                             response_url=str(command["response_url"])),
    )


def shortcut_job(body: dict[str, Any]) -> Job:
    """An investigation of the message the shortcut was used on, replying in that message's thread.

    The message is read as an alert, whatever channel it is in; a "resolved" look does not stop it, since a
    person asked.

    Raises:
        InteractionError: The payload names no message, or the message has no text to investigate.
    """
    message: dict[str, Any] = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or "")
    ts = str(message.get("ts") or body.get("message_ts") or "")
    if not (channel and ts):
        raise InteractionError("the shortcut names no message")
    if not message_text(message).strip():
        raise InteractionError("that message has no text to investigate")
    return Job(
        kind=JobKind.ALERT,
        event_id=f"shortcut-{body.get('trigger_id') or ts}",
        team=str((body.get("team") or {}).get("id") or ""),
        channel=channel,
        ts=ts,
        thread_ts=str(message.get("thread_ts") or ts),
        user=str((body.get("user") or {}).get("id") or ""),
        alert=normalise(message).model_copy(update={"status": "firing"}),
        request=SlackRequest(action="shortcut", response_url=str(body.get("response_url") or "")),
    )


def draft_job(body: dict[str, Any]) -> Job:
    """A job that drafts a runbook from the report the button is on, into that report's thread.

    Raises:
        InteractionError: The click names no report or no message.
    """
    target = rated_target(body)
    return Job(
        kind=JobKind.DRAFT,
        event_id=f"draft-{body.get('trigger_id') or target.ts}",
        team=str((body.get("team") or {}).get("id") or ""),
        channel=target.channel,
        ts=target.ts,
        thread_ts=target.thread_ts,
        user=str((body.get("user") or {}).get("id") or ""),
        alert=Alert(),
        request=SlackRequest(action="draft", record_id=target.record_id),
    )
