"""Mask secrets before text reaches the model, Slack or the logs.

Covered: private keys (also cut-off ones), AWS access keys and secret keys, bearer and basic authorization,
JWTs, Slack, GitHub and Google tokens, Slack webhook URLs, credentials inside connection strings
(``scheme://user:password@host``), and ``key=value`` / ``"key": "value"`` pairs whose key names a password,
secret, token, API key or account key. Pagination tokens (``NextToken``, ``pageToken``…) are kept: they are
not secrets, and the model needs them to read on.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "[REDACTED]"

_RULES: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    # (needles: lower-case strings one of which must occur for the rule to run, pattern, replacement)
    (
        ("private key-----",),
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
        MASK,
    ),
    (("private key-----",), re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[A-Za-z0-9+/=\s]|\\n)*"), MASK),
    (("akia", "asia"), re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), MASK),
    (
        ("secret_access_key", "secretaccesskey"),
        re.compile(r"(?i)(aws_secret_access_key|secret_access_key|SecretAccessKey)(\W{1,4})[A-Za-z0-9/+=]{40}"),
        r"\1\2" + MASK,
    ),
    (("bearer",), re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    (("basic",), re.compile(r"(?i)\b(authorization\W{1,4}basic)\s+[A-Za-z0-9+/=]{8,}"), r"\1 " + MASK),
    (("eyj",), re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), MASK),
    (("xox",), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{8,}"), MASK),
    (("hooks.slack.com",), re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+"), MASK),
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"), MASK),
    (("github_pat_",), re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"), MASK),
    (("ya29.",), re.compile(r"\bya29\.[A-Za-z0-9._-]{20,}"), MASK),
    (("aiza",), re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), MASK),
    (("://",), re.compile(r"://([^\s:/@]*):[^\s@/]+@"), r"://\1:" + MASK + "@"),
)
_KEYED = re.compile(
    r"(?i)(password|passwd|pwd|secret|api[_-]?key|token|private[_-]?key|account[_-]?key|access[_-]?key)"
    r"(\"?\s*[:=]\s*\"?)[^\s\"',;&]+"
)
_KEYED_NEEDLE = re.compile(r"passw|pwd|secret|key|token")  # on lower-case text: fast, literal alternatives
_KEYWORD_REACH = 8  # the longest keyword starts at most this many characters before its needle
_KEY_NAME = re.compile(r"[A-Za-z0-9_.-]*$")
_PAGINATION_KEYS = frozenset(
    {"nexttoken", "next_token", "pagetoken", "page_token", "nextpagetoken", "next_page_token",
     "continuationtoken", "paginationtoken", "nextforwardtoken", "nextbackwardtoken", "nextsequencetoken"}
)


def redact(text: str) -> str:
    """The text with keys, tokens, passwords, private keys and connection-string credentials masked.

    Each rule runs only when one of its needles occurs, so large log results stay cheap to clean.
    """
    low = text.lower()
    for needles, pattern, replacement in _RULES:
        if any(needle in low for needle in needles):
            text = pattern.sub(replacement, text)
    return _mask_keyed(text)


def _mask_keyed(text: str) -> str:
    """Mask ``key=value`` pairs, trying the exact pattern only near a needle."""
    low = text.lower()
    if len(low) != len(text):  # lower() changed some lengths: positions would not line up
        return _KEYED.sub(_keyed_replacement, text)
    pieces: list[str] = []
    done = 0
    for needle in _KEYED_NEEDLE.finditer(low):
        if needle.start() < done:
            continue
        for start in range(max(done, needle.start() - _KEYWORD_REACH), needle.start() + 1):
            found = _KEYED.match(text, start)
            if found is not None:
                pieces += [text[done : found.start()], _keyed_replacement(found)]
                done = found.end()
                break
    return "".join(pieces) + text[done:] if pieces else text


def _keyed_replacement(found: re.Match[str]) -> str:
    before = found.string[max(0, found.start() - 40) : found.start()]
    prefix = _KEY_NAME.search(before)
    key = ((prefix.group(0) if prefix else "") + found.group(1)).lower()
    if key in _PAGINATION_KEYS:
        return found.group(0)
    return found.group(1) + found.group(2) + MASK


def redact_data(value: Any) -> Any:
    """A copy of JSON-like data (Block Kit, tool input) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_data(item) for item in value]
    return value
