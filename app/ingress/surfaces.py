"""Listeners for the Slack surfaces beyond alert threads: App Home, ``/aiops``, the message shortcut, the draft button.

Each answers Slack at once: ``/aiops help`` and usage errors from here, everything else is a job for the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from app.ingress.dispatch import DispatchError
from app.ingress.interactions import InteractionError
from app.ingress.surface_jobs import command_job, draft_job, home_job, shortcut_job
from app.models import Job
from app.slack.command_blocks import COMMAND, HELP, SHORTCUT_CALLBACK, parse_command, unknown_text
from app.slack.draft_blocks import DRAFT_ACTION

logger = logging.getLogger(__name__)

Start = Callable[[Job], None]
MATCH_USAGE = "Usage: `/aiops match TEXT` — give the alert text to match against the runbook catalog."


def add_surface_listeners(app: App, start: Start) -> None:
    """Register the App Home, shortcut, command and draft-button listeners (before any catch-all listener)."""

    @app.event("app_home_opened")
    def on_home(body: dict[str, Any]) -> None:
        job = home_job(body)
        if job is not None:
            start(job)

    @app.shortcut(SHORTCUT_CALLBACK)
    def on_shortcut(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        try:
            job = shortcut_job(body)
        except InteractionError as exc:
            ack()
            respond(text=f":warning: {exc}", response_type="ephemeral")
            return
        start(job)
        ack()

    @app.command(COMMAND)
    def on_command(ack: Ack, command: dict[str, Any]) -> None:
        ack(response_type="ephemeral", **command_ack(command, start))

    @app.action(DRAFT_ACTION)
    def on_draft(ack: Ack, body: dict[str, Any]) -> None:
        start(draft_job(body))
        ack()


def command_ack(command: dict[str, Any], start: Start) -> dict[str, Any]:
    """The immediate (ephemeral) answer to ``/aiops``; ``match`` and ``status`` also start a job."""
    action, argument = parse_command(str(command.get("text") or ""))
    if action == "help":
        return {"text": HELP}
    if action not in ("match", "status"):
        return {"text": unknown_text(action)}
    if action == "match" and not argument:
        return {"text": MATCH_USAGE}
    try:
        start(command_job(command, action, argument))
    except (InteractionError, DispatchError) as exc:
        logger.warning("/aiops %s could not be started: %s", action, exc)
        return {"text": f":x: `/aiops {action}` could not be started ({exc}); try again in a moment."}
    return {"text": "Matching against the runbook catalog…" if action == "match" else "Gathering the status…"}
