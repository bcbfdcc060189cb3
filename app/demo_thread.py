"""The second act of ``aiops demo``: what happens in an alert's thread after the first reply.

A follow-up question that continues from the earlier findings, the alert's resolved notification, and ratings
(one person changing theirs), all as signed requests through the real ingress.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import FORM, button_click, event_callback, interaction_body, mention_event, message_event

Send = Callable[..., int]
FOLLOW_UP = "did this happen on the previous run as well?"


def continue_thread(
    send: Send, slack: FakeSlackAPI, drain: Callable[[], None], alert: tuple[str, str, dict[str, Any]],
    out: Callable[[str], None],
) -> None:
    """Run the follow-up, the resolution and the ratings in the thread of ``alert`` (channel, ts, message)."""
    channel, alert_ts, message = alert
    asked_ts = slack.add_message(channel, f"<@U0BOT> {FOLLOW_UP}", user="U0ALICE", thread_ts=alert_ts)
    mention = mention_event(channel, asked_ts, f"<@U0BOT> {FOLLOW_UP}", "U0ALICE", thread_ts=alert_ts)
    out(f"follow-up question in the alert's thread → HTTP {send(event_callback(mention))}")
    drain()
    resolved = _resolved(message, float(alert_ts) + 25 * 60)
    resolved_ts = slack.add_message(channel, "", bot_id=message["bot_id"], attachments=resolved["attachments"])
    body = event_callback(message_event(channel, resolved_ts, **resolved))
    out(f"the alert's resolved notification → HTTP {send(body)} (a note in the first thread, no investigation)")
    drain()
    report = slack.thread(channel, alert_ts)[1]
    for user, action in (("U0ALICE", "rate_same"), ("U0BOB", "rate_better"), ("U0ALICE", "rate_better")):
        status = send(interaction_body(_click(channel, report, user, action)), content_type=FORM)
        out(f"{user} clicks {action} on the first reply → HTTP {status}")
        drain()


def _resolved(message: dict[str, Any], at: float) -> dict[str, Any]:
    """The same notification turned green, 25 minutes later (the attachment's ``ts`` is the alert time)."""
    resolved = copy.deepcopy(message)
    for attachment in resolved["attachments"]:
        attachment.update(color="good", text="[INFO] healthcheck passed: every task has started_at", ts=at)
    return resolved


def _click(channel: str, report: dict[str, Any], user: str, action: str, value: str = "") -> dict[str, Any]:
    record_id = value or report["blocks"][-1]["elements"][0]["value"]
    return button_click(report, channel=channel, user=user, action=action, value=record_id)


def approve_action(
    send: Send, slack: FakeSlackAPI, drain: Callable[[], None], alert: tuple[str, str], out: Callable[[str], None],
) -> None:
    """An on-call engineer approves the retry the first reply proposes: it runs once and is verified."""
    channel, alert_ts = alert
    report = slack.thread(channel, alert_ts)[1]
    buttons = next((block for block in report.get("blocks", []) if block.get("block_id", "").startswith("proposal-")),
                   None)
    if buttons is None:
        out("the transient failure's reply proposes no action")
        return
    value = buttons["elements"][0]["value"]
    status = send(interaction_body(_click(channel, report, "U0ONCALL1", "action_approve", value)), content_type=FORM)
    out(f"U0ONCALL1 approves the proposed retry → HTTP {status}")
    drain()
