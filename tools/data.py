"""Tool results as data: the parsed JSON a backend returned, redacted, kept beside the text people read.

Evidence steps keep this data so a runbook's facts can be read from it (JMESPath); the model reads the text.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tools.redact import redact

MASK = "[redacted]"
_SECRET_KEY = re.compile(
    r"(?i)(?:^|[_\-.])(?:password|passwd|pwd|secret|secrets|token|api[_-]?key|apikey|private[_-]?key|credentials?"
    r"|session[_-]?token|secret[_-]?access[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?secret"
    r"|connection[_-]?string|authorization|cookie)$"
)
_MAX_DEPTH = 64


def data_block(value: Any) -> dict[str, Any]:
    """A ToolResult content block carrying ``value`` as JSON (the model is shown only text blocks)."""
    return {"json": value}


def success(text: str, data: Any) -> dict[str, Any]:
    """A successful ToolResult with the text people and the model read, and the data behind it."""
    return {"status": "success", "content": [{"text": text}, data_block(data)]}


def redact_data(value: Any, depth: int = 0) -> Any:
    """``value`` with secrets masked: strings go through the text redaction, secret-named keys are masked whole."""
    if depth > _MAX_DEPTH:
        return MASK
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            str(key): MASK if _secret_key(key, item) else redact_data(item, depth + 1) for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_data(item, depth + 1) for item in value]
    return value


def _secret_key(key: Any, item: Any) -> bool:
    return isinstance(key, str) and _SECRET_KEY.search(key) is not None and isinstance(item, str | int) and item != ""


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types (datetimes and other objects as strings)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def trim_data(value: Any, max_chars: int) -> tuple[Any, bool]:
    """``value`` cut to at most about ``max_chars`` characters of JSON (long lists lose their tail); and whether cut."""
    if len(json.dumps(value, default=str, ensure_ascii=False)) <= max_chars:
        return value, False
    return _trim(value, max_chars), True


def _trim(value: Any, room: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= room else value[: max(room, 0)] + "…"
    if isinstance(value, list):
        kept: list[Any] = []
        used = 2
        for item in value:
            item = _trim(item, max(room - used, 0) // 2 or 1)
            size = len(json.dumps(item, default=str, ensure_ascii=False)) + 1
            if used + size > room:
                break
            kept.append(item)
            used += size
        return kept
    if isinstance(value, dict):
        share = max(room // max(len(value), 1), 16)
        return {key: _trim(item, share) for key, item in value.items()}
    return value
