"""Plain-text view of Slack messages, for the terminal (the demo and ``aiops triage``)."""

from __future__ import annotations

import re
from typing import Any

_LINK = re.compile(r"<([^|>]+)\|([^>]+)>")


def message_to_text(message: dict[str, Any]) -> str:
    """A message as a person would read it: blocks when there are any, else text and attachments."""
    blocks = message.get("blocks") or []
    if blocks:
        return "\n".join(line for block in blocks for line in _block(block))
    lines = [str(message.get("text") or "")]
    for attachment in message.get("attachments") or []:
        lines += [str(attachment.get(k)) for k in ("title", "text") if attachment.get(k)]
        lines += [f"{f.get('title')}: {f.get('value')}" for f in attachment.get("fields") or []]
    return _unescape("\n".join(line for line in lines if line))


def _block(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [f"== {block['text']['text']} =="]
    if kind == "section":
        accessory = block.get("accessory") or {}
        button = f"  [ {accessory['text']['text']} ]" if accessory.get("type") == "button" else ""
        return [_unescape(block["text"]["text"]) + button]
    if kind == "context":
        return ["  " + _unescape(" ".join(e.get("text", "") for e in block.get("elements", [])))]
    if kind == "actions":
        return ["  " + " ".join(f"[ {e['text']['text']} ]" for e in block.get("elements", []))]
    return []


def _unescape(text: str) -> str:
    text = _LINK.sub(r"\2 (\1)", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
