"""The third act of ``aiops demo``: the bot beyond alert threads, through the real ingress and worker.

A message shortcut on a person's message in a help channel, ``/aiops match``, the "Draft a runbook" button on
the reply that matched no runbook, and the App Home a person sees when they open the app.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from app.fakes.local_ingress import LocalIngress
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import (
    FORM,
    button_click,
    command_body,
    event_callback,
    home_opened_event,
    http_event,
    interaction_body,
    message_event,
    shortcut_payload,
)
from app.slack.draft_blocks import DRAFT_ACTION
from app.slack.transcript import message_to_text

Out = Callable[[str], None]
Render = Callable[[list[dict[str, Any]]], str]
BOB_SAYS = "seeing `started_at has no value tasks:normal-4` again for job_id=16852935 — is the health checker flaky?"
MATCH_TEXT = "Disk usage 91% on bastion-2 (/var) for 10 minutes"
DRAFT_LINES = 14


def show_surfaces(
    local: LocalIngress, slack: FakeSlackAPI, channels: tuple[str, str], unmatched: tuple[str, str],
    render: Render, out: Out,
) -> None:
    """Run the shortcut, the command, the draft and the App Home; ``channels`` are the alert and help channels."""
    alerts, help_channel = channels
    slack.join(alerts, "U0ALICE")
    slack.join(help_channel, "U0ALICE", "U0BOB")
    _shortcut(local, slack, help_channel, render, out)
    _command(local, slack, help_channel, out)
    _draft(local, slack, unmatched, out)
    status = local.send(event_callback(home_opened_event("U0ALICE")))
    local.dispatcher.drain()
    out(f"\nalice opens the app's Home tab → HTTP {status}; views.publish shows her:")
    view = slack.home_view("U0ALICE") or {"blocks": []}
    out("\n".join("    " + line for line in message_to_text(view).splitlines()))


def _shortcut(local: LocalIngress, slack: FakeSlackAPI, channel: str, render: Render, out: Out) -> None:
    ts = slack.add_message(channel, BOB_SAYS, user="U0BOB")
    message = {**message_event(channel, ts, BOB_SAYS), "user": "U0BOB"}
    payload = shortcut_payload(message, channel=channel, user="U0ALICE", response_url=slack.response_url("shortcut"))
    status = local.send(interaction_body(payload), content_type=FORM)
    out(f"\nalice uses the message shortcut \"Investigate with the bot\" on bob's message → HTTP {status}")
    local.dispatcher.drain()
    out(render(slack.thread(channel, ts)))


def _command(local: LocalIngress, slack: FakeSlackAPI, channel: str, out: Out) -> None:
    url = slack.response_url("match")
    body = command_body(f"match {MATCH_TEXT}", user="U0ALICE", channel=channel, response_url=url)
    response = local.ingress.handle(http_event(body, local.secret, content_type=FORM))
    local.dispatcher.drain()
    ack = json.loads(str(response["body"]) or "{}").get("text", "")
    out(f"\nalice types `/aiops match {MATCH_TEXT}` → HTTP {response['statusCode']} ({ack})")
    for answer in slack.responses("match"):
        out("\n".join("    (only alice sees) " + line for line in str(answer.get("text")).splitlines()))


def _draft(local: LocalIngress, slack: FakeSlackAPI, unmatched: tuple[str, str], out: Out) -> None:
    channel, alert_ts = unmatched
    reply = slack.thread(channel, alert_ts)[1]
    button = next((b["accessory"] for b in reply.get("blocks") or []
                   if (b.get("accessory") or {}).get("action_id") == DRAFT_ACTION), None)
    if button is None:
        out("\n(no \"Draft a runbook\" button on the unmatched reply)")
        return
    status = local.send(interaction_body(_click(channel, reply, button["value"])), content_type=FORM)
    local.dispatcher.drain()
    out(f"\nalice clicks \"Draft a runbook\" on the disk alert's reply → HTTP {status}")
    shared = [m for m in slack.thread(channel, alert_ts) if m.get("files")]
    for message in shared:
        info = message["files"][0]
        content = (slack.file(info["id"]).content or b"").decode("utf-8").splitlines()
        out(f"  ↳ aiops-bot: {message['text']}\n      📎 {info['name']}")
        out("\n".join("      | " + line for line in content[:DRAFT_LINES]) + "\n      | …")


def _click(channel: str, reply: dict[str, Any], record_id: str) -> dict[str, Any]:
    return button_click(reply, channel=channel, user="U0ALICE", action=DRAFT_ACTION, value=record_id)
