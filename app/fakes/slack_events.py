"""Build Slack Events API requests as Slack sends them: signed, wrapped in a Function URL event."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"


def sign(secret: str, timestamp: int, body: str) -> str:
    """Slack's v0 request signature for a raw body."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def http_event(
    body: str,
    secret: str,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    content_type: str = "application/json",
    signature: str | None = None,
) -> dict[str, Any]:
    """A Function URL (HTTP API v2) event carrying a signed Slack request."""
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "content-type": content_type,
        "x-slack-request-timestamp": str(stamp),
        "x-slack-signature": signature or sign(secret, stamp, body),
        "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
    if retry_num is not None:
        headers["x-slack-retry-num"] = str(retry_num)
        headers["x-slack-retry-reason"] = "http_timeout"
    return {
        "version": "2.0",
        "rawPath": "/",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {"http": {"method": "POST", "path": "/"}, "requestId": uuid.uuid4().hex},
        "body": body,
        "isBase64Encoded": False,
    }


def event_callback(event: dict[str, Any], *, team_id: str = "T0TEAM", event_id: str | None = None) -> str:
    """The JSON body of an Events API ``event_callback``."""
    envelope = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A0AIOPS",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "U0BOT", "is_bot": True}],
    }
    return json.dumps(envelope)


def message_event(channel: str, ts: str, text: str = "", **extra: Any) -> dict[str, Any]:
    """A ``message`` event as Slack delivers it (add ``bot_id``, ``subtype``, ``attachments``… as needed)."""
    return {"type": "message", "channel": channel, "ts": ts, "event_ts": ts, "text": text, **extra}


def mention_event(channel: str, ts: str, text: str, user: str, thread_ts: str | None = None) -> dict[str, Any]:
    """An ``app_mention`` event."""
    event = {"type": "app_mention", "channel": channel, "ts": ts, "event_ts": ts, "text": text, "user": user}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def interaction_body(payload: dict[str, Any]) -> str:
    """The form body Slack posts for buttons and modals: one ``payload`` field holding the JSON."""
    return urlencode({"payload": json.dumps(payload)})


def home_opened_event(user: str, tab: str = "home", channel: str = "D0HOME") -> dict[str, Any]:
    """An ``app_home_opened`` event (the person opened one of the app's tabs)."""
    stamp = f"{time.time():.6f}"
    return {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab, "event_ts": stamp}


def command_body(
    text: str, *, user: str, channel: str, response_url: str, trigger_id: str | None = None, command: str = "/aiops"
) -> str:
    """The form body Slack posts for a slash command."""
    return urlencode({
        "token": "legacy-verification-token",
        "team_id": "T0TEAM",
        "team_domain": "fake-team",
        "channel_id": channel,
        "channel_name": "somewhere",
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0AIOPS",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or f"{uuid.uuid4().int % 10**13}.{uuid.uuid4().hex}",
    })


def shortcut_payload(
    message: dict[str, Any], *, channel: str, user: str, response_url: str, callback_id: str = "investigate_message"
) -> dict[str, Any]:
    """The payload of a message shortcut (``message_action``) used on ``message`` in ``channel``."""
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": f"{uuid.uuid4().int % 10**13}.{uuid.uuid4().hex}",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": "T0TEAM", "domain": "fake-team"},
        "user": {"id": user, "name": user.lower()},
        "channel": {"id": channel, "name": "somewhere"},
        "message_ts": message.get("ts"),
        "message": message,
        "response_url": response_url,
        "token": "legacy-verification-token",
    }


def button_click(message: dict[str, Any], *, channel: str, user: str, action: str, value: str) -> dict[str, Any]:
    """The ``block_actions`` payload of ``user`` clicking button ``action`` (carrying ``value``) on a bot message.

    ``message`` is the message as ``conversations.replies`` returns it (with ``ts`` and ``thread_ts``).
    """
    stamp = f"{time.time():.6f}"
    return {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T0TEAM"},
        "trigger_id": f"{uuid.uuid4().int % 10**13}.{uuid.uuid4().hex}",
        "container": {"type": "message", "channel_id": channel, "message_ts": message["ts"],
                      "thread_ts": message.get("thread_ts", message["ts"])},
        "channel": {"id": channel},
        "message": message,
        "actions": [{"action_id": action, "value": value, "type": "button", "action_ts": stamp}],
    }
