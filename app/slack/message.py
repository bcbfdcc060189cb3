"""Read a Slack message the way a person does: its text, attachments and Block Kit, in reading order (pure)."""

from __future__ import annotations

import re
from typing import Any

_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_MARKUP = re.compile(r"(?<![\w*_~`])[*_~`]+|[*_~`]+(?![\w*_~`])")
_SPACES = re.compile(r"\s+")


def message_text(message: dict[str, Any]) -> str:
    """All human-readable text of a message: its text, attachments and blocks, in reading order.

    Links become ``label (url)`` and HTML entities are decoded; bold and italic markers are kept. The top-level
    ``text`` is left out when it only repeats what the blocks say (it is the notification fallback then).
    """
    blocks = list(message.get("blocks") or [])
    block_lines = [line for block in blocks for line in block_lines_of(block)]
    parts: list[str] = []
    text = str(message.get("text") or "")
    if text and not _repeated(text, blocks, block_lines):
        parts.append(text)
    for attachment in message.get("attachments") or []:
        parts.extend(_attachment_lines(attachment))
    parts.extend(block_lines)
    readable = (readable_text(part) for part in parts)
    return "\n".join(part for part in dict.fromkeys(readable) if part.strip())


def readable_text(text: str) -> str:
    """Slack's wire format as people read it: links as ``label (url)``, entities decoded."""
    text = _SPECIAL.sub(lambda found: "@" + found.group(1), text)
    text = _LINK.sub(_link_text, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(text: str) -> str:
    """Readable text without mrkdwn markers and emoji codes, whitespace collapsed (for titles and keys)."""
    text = _LINK.sub(lambda found: found.group(2) or found.group(1), text)
    text = re.sub(r":[a-z][a-z0-9_+-]*:", " ", text)
    text = readable_text(_MARKUP.sub("", text))
    return _SPACES.sub(" ", text).strip()


def links(message: dict[str, Any]) -> list[str]:
    """The URLs a message points to: attachment title links, then button and rich-text links, then text links."""
    found = [str(a["title_link"]) for a in message.get("attachments") or [] if a.get("title_link")]
    blocks = list(message.get("blocks") or [])
    for attachment in message.get("attachments") or []:
        blocks.extend(attachment.get("blocks") or [])
    found.extend(_block_urls(blocks))
    raw = "\n".join([str(message.get("text") or ""), *(_raw_texts(message))])
    found.extend(match.group(1) for match in _LINK.finditer(raw))
    return list(dict.fromkeys(found))


def field_pairs(message: dict[str, Any]) -> list[tuple[str, str]]:
    """Key/value pairs of attachment fields and of section fields written as ``*Key*`` then the value."""
    pairs: list[tuple[str, str]] = []
    for attachment in message.get("attachments") or []:
        for field in attachment.get("fields") or []:
            if field.get("title"):
                pairs.append((plain_text(str(field["title"])), plain_text(_plain(field.get("value")))))
    for block in message.get("blocks") or []:
        for field in block.get("fields") or [] if block.get("type") == "section" else []:
            pair = _field_pair(_plain(field))
            if pair:
                pairs.append(pair)
    return pairs


def block_lines_of(block: dict[str, Any]) -> list[str]:
    """The text lines of one block (header, section, context, rich_text); other blocks have none."""
    kind = block.get("type")
    if kind in ("section", "header"):
        lines = [_plain(block.get("text"))]
        lines.extend(_plain(field) for field in block.get("fields") or [])
        return lines
    if kind == "context":
        return [" ".join(_plain(element) for element in block.get("elements") or [])]
    if kind == "rich_text":
        return ["".join(_rich_text(element) for element in block.get("elements") or []).rstrip("\n")]
    return []


def _attachment_lines(attachment: dict[str, Any]) -> list[str]:
    lines = [str(attachment.get(key) or "") for key in ("pretext", "title", "text")]
    for field in attachment.get("fields") or []:
        lines.append(f"{field.get('title', '')}: {_plain(field.get('value'))}")
    for block in attachment.get("blocks") or []:
        lines.extend(block_lines_of(block))
    if not any(line.strip() for line in lines) and attachment.get("fallback"):
        lines.append(str(attachment["fallback"]))
    return lines


def _rich_text(element: dict[str, Any], bullet: str = "") -> str:
    kind = element.get("type")
    if kind == "rich_text_list":
        marker = "1. " if element.get("style") == "ordered" else "• "
        return "".join(_rich_text(child, marker) for child in element.get("elements") or [])
    if "elements" not in element:
        return _rich_leaf(element)
    joined = "".join(_rich_text(child) for child in element["elements"])
    if kind == "rich_text_quote":
        joined = "> " + joined
    return bullet + joined + ("" if joined.endswith("\n") else "\n")


def _rich_leaf(element: dict[str, Any]) -> str:
    kind = element.get("type")
    if kind == "user":
        return f"<@{element.get('user_id', '')}>"
    if kind == "channel":
        return f"<#{element.get('channel_id', '')}>"
    if kind == "emoji":
        return f":{element.get('name', '')}:"
    if kind == "broadcast":
        return f"@{element.get('range', '')}"
    if kind == "link":
        url, label = str(element.get("url") or ""), str(element.get("text") or "")
        return f"{label} ({url})" if label and label != url else url
    return str(element.get("text") or "")


def _repeated(text: str, blocks: list[dict[str, Any]], block_lines: list[str]) -> bool:
    """True when the blocks already say what the text says (it is then only the notification fallback).

    Rich text is what the person typed; other blocks must hold all of the text (ignoring markup and spacing).
    """
    if any(block.get("type") == "rich_text" for block in blocks):
        return True
    if not block_lines:
        return False
    return plain_text(text) in plain_text("\n".join(block_lines))


def _field_pair(text: str) -> tuple[str, str] | None:
    head, _, rest = text.partition("\n")
    if rest.strip() and head.strip().startswith("*"):
        return plain_text(head).rstrip(":").strip(), plain_text(rest)
    found = re.match(r"^\*([^*\n]{1,60}?):?\*:?\s+(.+)$", text.strip(), re.DOTALL)
    if found:
        return found.group(1).strip().rstrip(":"), plain_text(found.group(2))
    return None


def _block_urls(value: Any) -> list[str]:
    """URLs of buttons and rich-text links anywhere inside blocks."""
    if isinstance(value, list):
        return [url for item in value for url in _block_urls(item)]
    if not isinstance(value, dict):
        return []
    own = [str(value["url"])] if value.get("type") in ("button", "link") and value.get("url") else []
    return own + [url for key, item in value.items() if key != "url" for url in _block_urls(item)]


def _raw_texts(message: dict[str, Any]) -> list[str]:
    texts: list[str] = []
    for attachment in message.get("attachments") or []:
        texts += [str(attachment.get(key) or "") for key in ("pretext", "title", "text")]
    for block in message.get("blocks") or []:
        texts += block_lines_of(block)
    return texts


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or "")
    return "" if value is None else str(value)


def _link_text(found: re.Match[str]) -> str:
    url, label = found.group(1), found.group(2)
    return f"{label} ({url})" if label and label != url else url
