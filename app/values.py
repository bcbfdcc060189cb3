"""Values as short readable phrases, for replies and prompts (pure; the ingress may import it)."""

from __future__ import annotations

from typing import Any

_SHOWN_ITEMS = 6


def display(value: Any, limit: int = 160) -> str:
    """A value as a short readable phrase: lists joined, objects as key=value, nothing as ``none``."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        shown = ", ".join(display(item, limit) for item in value[:_SHOWN_ITEMS])
        more = f" (+{len(value) - _SHOWN_ITEMS} more)" if len(value) > _SHOWN_ITEMS else ""
        text = (shown or "none") + more
    elif isinstance(value, dict):
        text = ", ".join(f"{key}={display(item, limit)}" for key, item in list(value.items())[:_SHOWN_ITEMS])
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
