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

from app.models import Alert
from app.slack.message import field_pairs, links, message_text, plain_text

__all__ = ["alert_key", "message_text", "normalise", "strip_mentions"]

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]+)?>")
_STATUS_PREFIX = re.compile(
    r"^\s*(?:\[(?P<bracket>[A-Za-z_]+)(?::\d+)?\]|(?P<word>re-triggered|triggered|recovered|resolved|"
    r"firing|alarm|ok|warn|warning|no data|insufficient_data)\b\s*[:\-]?)\s*",
    re.IGNORECASE,
)
_RESOLVED_WORDS = frozenset({"resolved", "recovered", "ok"})
_STATE_KEYS = ("state", "new state", "status", "newstatevalue")
_SEVERITY_KEYS = ("severity", "priority", "urgency", "level", "sev")
_SEVERITY_WORDS = {
    "critical": "critical", "crit": "critical", "fatal": "critical", "emergency": "critical", "p1": "critical",
    "sev1": "critical", "high": "high", "error": "high", "major": "high", "p2": "high", "sev2": "high",
    "warning": "medium", "warn": "medium", "medium": "medium", "moderate": "medium", "p3": "medium",
    "sev3": "medium", "low": "low", "minor": "low", "info": "low", "p4": "low", "p5": "low", "sev4": "low",
}
_SEVERITY_IN_TEXT = re.compile(r"(?i)\b(critical|high|warning|medium|low|info|p[1-5]|sev-?[1-4])\b")
# Linear in the message: no part can run past its line, and the value cannot end where spaces could be retried.
_LABEL_LINE = re.compile(
    r"^[ \t]*[•\-*][ \t]+\*?([A-Za-z_][\w.\- ]{0,40}?)\*?[ \t]*[:=]\*?[ \t]+`?([^`\n]*[^`\s])`?[ \t\r]*$", re.M
)
_GREEN = ("good", "#2eb886", "#36a64f", "#28a745", "#2fa44f", "#7cd197")


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
    return Alert(
        title=title,
        text=text,
        source=_source(message, first),
        labels=labels,
        severity=_severity(labels, title, text),
        time=_time(first.get("ts") or message.get("ts")),
        link=found_links[0] if found_links else "",
        status="resolved" if _is_resolved(title, labels, first) else "firing",
    )


def alert_key(alert: Alert) -> str:
    """The same key for an alert's firing and resolved notifications: source and title without the status."""
    title = plain_text(alert.title).lower()
    while True:
        stripped = _STATUS_PREFIX.sub("", title, count=1)
        if stripped == title:
            break
        title = stripped
    basis = f"{alert.source.lower()}|{title.strip()}"
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


def _severity(labels: dict[str, str], title: str, text: str) -> str:
    for key, value in labels.items():
        if key.lower() in _SEVERITY_KEYS:
            word = value.strip().lower().replace("-", "")
            if word in _SEVERITY_WORDS:
                return _SEVERITY_WORDS[word]
    found = _SEVERITY_IN_TEXT.search(title) or _SEVERITY_IN_TEXT.search(text)
    return _SEVERITY_WORDS.get(found.group(1).lower().replace("-", ""), "") if found else ""


def _is_resolved(title: str, labels: dict[str, str], first: dict[str, Any]) -> bool:
    found = _STATUS_PREFIX.match(title)
    if found and (found.group("bracket") or found.group("word") or "").lower() in _RESOLVED_WORDS:
        return True
    for key, value in labels.items():
        if key.lower() in _STATE_KEYS and value.strip().lower() in _RESOLVED_WORDS:
            return True
    return str(first.get("color") or "").lower() in _GREEN


def _time(ts: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)
