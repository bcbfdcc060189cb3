"""Turn interactive payloads (rating buttons, the rating modal) into rating jobs (pure: no clients, no I/O)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from app.alerts import message_text
from app.language import detect_language
from app.models import Alert, ApprovalClick, Job, JobKind, Rating, RatingLevel
from app.slack.rating_blocks import RatedMessage, rated_message, read_submission

RATE_ACTION = re.compile(r"^rate_(better|same|partly|wrong)$")


class InteractionError(Exception):
    """A signed interactive payload lacks what a rating needs; the person sees the click fail."""


def rating_job_from_action(body: dict[str, Any], now: float) -> Job:
    """The rating job for a click on one of the four rating buttons (timed by Slack's ``action_ts``, else ``now``).

    Raises:
        InteractionError: The payload has no rating action, person, report id or message.
    """
    action = _first_action(body)
    found = RATE_ACTION.match(str(action.get("action_id") or ""))
    if found is None:
        raise InteractionError(f"not a rating action: {action.get('action_id')!r}")
    target = rated_target(body, action)
    try:
        rating = Rating(
            record_id=target.record_id,
            user=str((body.get("user") or {}).get("id") or ""),
            level=RatingLevel(found.group(1)),
            rated_at=float(action.get("action_ts") or now),
        )
    except (ValidationError, ValueError) as exc:
        raise InteractionError(f"rating payload is incomplete: {exc}") from exc
    return _job(body, target, rating)


def rating_job_from_view(body: dict[str, Any], now: float) -> Job:
    """The rating job for a submitted rating modal; ``now`` is when the ingress received it.

    Raises:
        SubmissionError: A level or score is missing or invalid, or the form names no report.
    """
    view: dict[str, Any] = body.get("view") or {}
    target = rated_message(view)
    user = str((body.get("user") or {}).get("id") or "")
    return _job(body, target, read_submission(view, target, user, now))


def rated_target(body: dict[str, Any], action: dict[str, Any] | None = None) -> RatedMessage:
    """The report a button click is about: its record id (the button's value) and where its message is.

    Raises:
        InteractionError: The payload names no report or no message.
    """
    action = action or _first_action(body)
    container: dict[str, Any] = body.get("container") or {}
    message: dict[str, Any] = body.get("message") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    ts = str(container.get("message_ts") or message.get("ts") or "")
    record_id = str(action.get("value") or "")
    if not (record_id and channel and ts):
        raise InteractionError("the click names no report or no message")
    thread_ts = str(container.get("thread_ts") or message.get("thread_ts") or ts)
    return RatedMessage(record_id, channel, ts, thread_ts, detect_language(message_text(message)))


def _first_action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or []
    if not actions or not isinstance(actions[0], dict):
        raise InteractionError("the payload has no action")
    first: dict[str, Any] = actions[0]
    return first


def _job(body: dict[str, Any], target: RatedMessage, rating: Rating) -> Job:
    """Dedupe on the interaction's trigger id, which Slack makes unique per click or submission."""
    unique = str(body.get("trigger_id") or f"{rating.user}-{rating.rated_at}")
    return Job(
        kind=JobKind.RATING,
        event_id=f"rating-{unique}",
        team=str((body.get("team") or {}).get("id") or ""),
        channel=target.channel,
        ts=target.ts,
        thread_ts=target.thread_ts,
        user=rating.user,
        alert=Alert(),
        rating=rating,
    )


APPROVAL_ACTION = re.compile(r"^action_(approve|reject)$")


def approval_job_from_action(body: dict[str, Any], now: float) -> Job:
    """The approval job for a click on a proposed action's Approve or Reject button.

    Raises:
        InteractionError: The payload has no approval action, person, proposal or message.
    """
    action = _first_action(body)
    found = APPROVAL_ACTION.match(str(action.get("action_id") or ""))
    if found is None:
        raise InteractionError(f"not an approval action: {action.get('action_id')!r}")
    target = rated_target(body, action)
    record_id, _, proposal_id = target.record_id.partition(":")
    try:
        click = ApprovalClick(
            record_id=record_id, proposal_id=proposal_id, user=str((body.get("user") or {}).get("id") or ""),
            approve=found.group(1) == "approve", channel=target.channel, message_ts=target.ts,
            clicked_at=float(action.get("action_ts") or now),
        )
    except (ValidationError, ValueError) as exc:
        raise InteractionError(f"approval payload is incomplete: {exc}") from exc
    alert = Alert(title=f"approval of {proposal_id}")
    return Job(kind=JobKind.APPROVAL, event_id=str(body.get("trigger_id") or f"approval-{proposal_id}-{now}"),
               team=str((body.get("team") or {}).get("id") or ""), channel=target.channel, ts=target.ts,
               thread_ts=target.thread_ts, user=click.user, alert=alert, approval=click)
