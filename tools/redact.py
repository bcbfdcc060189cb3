"""Mask secrets before text reaches the model, Slack or the logs."""

from __future__ import annotations

import re
from typing import Any

MASK = "[REDACTED]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL), MASK),
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), MASK),
    (
        re.compile(r"(?i)(aws_secret_access_key|secret_access_key|SecretAccessKey)(\W{1,4})[A-Za-z0-9/+=]{40}"),
        r"\1\2" + MASK,
    ),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{8,}"), MASK),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"), MASK),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}://[^\s:/@]+):[^\s@/]+@"), r"\1:" + MASK + "@"),
    (
        re.compile(r"(?i)\b(password|passwd|pwd|secret|api[_-]?key|token|client_secret)(\"?\s*[:=]\s*\"?)[^\s\"',;&]+"),
        r"\1\2" + MASK,
    ),
)


def redact(text: str) -> str:
    """The text with keys, tokens, passwords, private keys and connection-string credentials masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_data(value: Any) -> Any:
    """A copy of JSON-like data (Block Kit, tool input) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_data(item) for item in value]
    return value
