"""Turn a Slack message event into a normalised `Alert` (pure; used by the ingress and the CLI)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from app.models import Alert

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]+)?>")
_RESOLVED = re.compile(r"(?i)(\[resolved\]|\bresolved\b:?|\bstatus:\s*ok\b|\bOK:\s)")
_SEVERITY = re.compile(r"(?i)\b(critical|high|warning|medium|low|info)\b")


def message_text(message: dict[str, Any]) -> str:
    """All human-readable text of a message: its text, attachments and blocks, in reading order."""
    parts: list[str] = []
    if message.get("text"):
        parts.append(str(message["text"]))
    for attachment in message.get("attachments") or []:
        parts.extend(_attachment_lines(attachment))
    for block in message.get("blocks") or []:
        parts.extend(_block_lines(block))
    return "\n".join(part for part in dict.fromkeys(parts) if part.strip())


def strip_mentions(text: str) -> str:
    """Text without ``<@U123>`` mentions, whitespace collapsed at the ends."""
    return _MENTION.sub("", text).strip()


def normalise(message: dict[str, Any]) -> Alert:
    """A normalised alert from a Slack message event (plain text, attachments or Block Kit)."""
    attachments = message.get("attachments") or []
    first = attachments[0] if attachments else {}
    text = message_text(message)
    title = str(first.get("title") or "") or _first_line(text)
    labels = {str(f.get("title")): _plain(f.get("value")) for f in first.get("fields") or [] if f.get("title")}
    source = str(
        (message.get("bot_profile") or {}).get("name")
        or message.get("username")
        or first.get("author_name")
        or ("bot" if message.get("bot_id") else "")
    )
    severity_match = _SEVERITY.search(title) or _SEVERITY.search(text)
    return Alert(
        title=title,
        text=text,
        source=source,
        labels=labels,
        severity=severity_match.group(1).lower() if severity_match else "",
        time=_ts_time(str(message.get("ts") or "")),
        link=str(first.get("title_link") or ""),
        status="resolved" if _RESOLVED.search(title) or first.get("color") == "good" else "firing",
    )


def _attachment_lines(attachment: dict[str, Any]) -> list[str]:
    lines = [str(attachment.get(key) or "") for key in ("pretext", "title", "text")]
    for field in attachment.get("fields") or []:
        lines.append(f"{field.get('title', '')}: {_plain(field.get('value'))}")
    for block in attachment.get("blocks") or []:
        lines.extend(_block_lines(block))
    if not any(line.strip() for line in lines) and attachment.get("fallback"):
        lines.append(str(attachment["fallback"]))
    return lines


def _block_lines(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind in ("section", "header"):
        lines = [_plain(block.get("text"))]
        lines.extend(_plain(field) for field in block.get("fields") or [])
        return lines
    if kind == "context":
        return [" ".join(_plain(element) for element in block.get("elements") or [])]
    if kind == "rich_text":
        return ["".join(_rich_text(element) for element in block.get("elements") or [])]
    return []


def _rich_text(element: dict[str, Any]) -> str:
    if "elements" in element:
        joined = "".join(_rich_text(child) for child in element["elements"])
        return joined + ("\n" if element.get("type") in ("rich_text_section", "rich_text_preformatted") else "")
    if element.get("type") == "user":
        return f"<@{element.get('user_id', '')}>"
    return str(element.get("text") or element.get("url") or "")


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or "")
    return "" if value is None else str(value)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def _ts_time(ts: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except ValueError:
        return datetime.now(UTC)
