"""Turn a Slack message into a normalised `Alert` (pure; used by the ingress, the worker and the CLI).

Handles the shapes monitoring integrations post: plain text; attachments with title, text, fields, fallback and
colour (Alertmanager, Datadog, CloudWatch via SNS); Block Kit sections, fields, context and rich_text (AWS
Chatbot, Grafana, PagerDuty); firing and resolved notifications of each.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from app.alert_identity import identity, is_resolved, severity
from app.models import Alert
from app.slack.message import field_pairs, links, message_text, plain_text

__all__ = ["alert_key", "message_text", "normalise", "strip_mentions"]

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]+)?>")
# Linear in the message: no part can run past its line, and the value cannot end where spaces could be retried.
_LABEL_LINE = re.compile(
    r"^[ \t]*[•\-*][ \t]+\*?([A-Za-z_][\w.\- ]{0,40}?)\*?[ \t]*[:=]\*?[ \t]+`?([^`\n]*[^`\s])`?[ \t\r]*$", re.M
)


def strip_mentions(text: str) -> str:
    """Text without ``<@U123>`` mentions, whitespace collapsed at the ends."""
    return _MENTION.sub("", text).strip()


def normalise(message: dict[str, Any]) -> Alert:
    """A normalised alert from a Slack message event, whatever shape the integration posted."""
    attachments = message.get("attachments") or []
    first: dict[str, Any] = attachments[0] if attachments else {}
    text = message_text(message)
    labels = _labels(message, text)
    title = _title(message, first, text)
    found_links = links(message)
    source = _source(message, first)
    return Alert(
        title=title,
        text=text,
        source=source,
        labels=labels,
        severity=severity(labels, title, text),
        time=_time(first.get("ts") or message.get("ts")),
        link=found_links[0] if found_links else "",
        status="resolved" if is_resolved(title, text, labels, _colour(attachments), source) else "firing",
        poster=str(message.get("bot_id") or message.get("user") or ""),
    )


def alert_key(alert: Alert) -> str:
    """The same key for an alert's firing and resolved notifications: poster, source and the alert's name.

    The poster is the posting bot's id, which Slack sets; the source is a display name any integration can set,
    so a resolved note from another bot with the same name and title does not match.
    """
    basis = f"{alert.poster}|{alert.source.lower()}|{identity(alert.title, alert.text, alert.source)}"
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def _title(message: dict[str, Any], first: dict[str, Any], text: str) -> str:
    if first.get("title"):
        return plain_text(str(first["title"]))[:200]
    for block in message.get("blocks") or []:
        if block.get("type") in ("header", "section") and isinstance(block.get("text"), dict):
            line = plain_text(str(block["text"].get("text") or "").split("\n", 1)[0])
            if line:
                return line[:200]
    for line in text.splitlines():
        if line.strip():
            return plain_text(line)[:200]
    return ""


def _labels(message: dict[str, Any], text: str) -> dict[str, str]:
    labels = {key: value for key, value in field_pairs(message) if key and value}
    for key, value in _LABEL_LINE.findall(text):
        labels.setdefault(key.strip(), value.strip())
    return labels


def _source(message: dict[str, Any], first: dict[str, Any]) -> str:
    return str(
        (message.get("bot_profile") or {}).get("name")
        or message.get("username")
        or first.get("author_name")
        or first.get("footer")
        or ("bot" if message.get("bot_id") else "")
    )


def _colour(attachments: list[dict[str, Any]]) -> str:
    """The first attachment colour (Slack stores it without ``#``)."""
    return next((str(a["color"]) for a in attachments if a.get("color")), "")


def _time(ts: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)
