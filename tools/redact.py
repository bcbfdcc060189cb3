"""Mask secrets before text reaches the model, Slack, the logs or the stored records.

The formats are listed in ``tools.secret_rules``: private key blocks (PEM, PGP, PuTTY), vendor tokens with a
fixed prefix (AWS, Slack, GitHub, GitLab, Google, Stripe, OpenAI, Anthropic, npm, PyPI, SendGrid, Vault,
Twilio, Azure), JWTs, authorization headers, cookies, ``curl -u``, credentials inside connection strings,
``key=value`` / ``"key": "value"`` / ``<Key>value</Key>`` pairs whose key names a password, secret, token or
key (also escaped JSON inside JSON), and bare 40-character AWS secret keys. Pagination tokens
(``NextToken``, ``pageToken``…) are kept: they are not secrets, and the model needs them to read on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from tools.secret_rules import (
    AWS_SECRET_SHAPE,
    BLOCK_RULES,
    COOKIE_HEADER,
    COOKIE_VALUE,
    INFIX_RULES,
    KEYED,
    KEYED_NEEDLES,
    KEYWORD_REACH,
    LABELLED_RULES,
    MASK,
    PAGINATION_KEYS,
    TOKEN_RULES,
    XML_ELEMENT,
)

__all__ = ["MASK", "redact", "redact_data"]

_WORD = re.compile(r"[A-Za-z0-9_/]")
_LOWER_TWINS = {
    pattern: re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
    for pattern in (*(rule[2] for rule in LABELLED_RULES), COOKIE_HEADER)
}
_KEY_NAME = re.compile(r"[A-Za-z0-9_.-]*$")


def redact(text: str) -> str:
    """The text with keys, tokens, passwords, private keys and connection-string credentials masked.

    Each rule runs only when one of its needles occurs, so large log results stay cheap to clean.
    """
    if not text:
        return text
    low = text.lower()
    for rules, whole_word in ((BLOCK_RULES, False), (TOKEN_RULES, True), (INFIX_RULES, False)):
        for _name, needles, pattern, replacement in rules:
            if any(needle in text for needle in needles):
                text = _substitute(pattern.finditer(text), pattern, replacement, text, whole_word)
    for _name, needles, pattern, replacement in LABELLED_RULES:
        if any(needle in low for needle in needles):
            text = _substitute_labelled(pattern, replacement, text)
    if "cookie" in low:
        text = _substitute_labelled(COOKIE_HEADER, _cookie_replacement, text)
    if "</" in text or "&lt;/" in text:
        text = XML_ELEMENT.sub(_xml_replacement, text)
    return _mask_keyed(_mask_bare_aws_secrets(text))


Replacement = str | Callable[[re.Match[str]], str]


def _substitute(
    hits: Iterable[re.Match[str]], pattern: re.Pattern[str], replacement: Replacement, text: str, whole_word: bool
) -> str:
    """Replace each hit (a match of ``pattern`` in ``text`` or in a text of the same length), left to right.

    With ``whole_word``, a hit that continues a word (a letter, digit, ``_`` or ``/`` before it) is kept.
    """
    pieces: list[str] = []
    done = 0
    for hit in hits:
        start = hit.start()
        if start < done or (whole_word and start and _WORD.match(text, start - 1)):
            continue
        found = hit if hit.string is text else pattern.match(text, start)
        if found is None:
            continue
        masked = replacement(found) if callable(replacement) else found.expand(replacement)
        pieces += [text[done:start], masked]
        done = found.end()
    return "".join(pieces) + text[done:] if pieces else text


def _substitute_labelled(pattern: re.Pattern[str], replacement: Replacement, text: str) -> str:
    """A case-insensitive rule: found in the lower-cased text by its case-sensitive twin, masked in the original."""
    low = text.lower()
    if len(low) != len(text):  # lower() changed some lengths: positions would not line up
        return _substitute(pattern.finditer(text), pattern, replacement, text, True)
    return _substitute(_LOWER_TWINS[pattern].finditer(low), pattern, replacement, text, True)


def _mask_bare_aws_secrets(text: str) -> str:
    """Mask 40-character base64 runs shaped like an AWS secret key (upper, lower and digits, nothing more)."""
    found = [run.span() for run in AWS_SECRET_SHAPE.finditer(text) if _looks_like_aws_secret(run.group(0))]
    if not found:
        return text
    pieces, done = [], 0
    for start, end in found:
        pieces += [text[done:start], MASK]
        done = end
    return "".join(pieces) + text[done:]


def _mask_keyed(text: str) -> str:
    """Mask ``key=value`` pairs, trying the exact pattern only near a needle."""
    low = text.lower()
    if len(low) != len(text):  # lower() changed some lengths: positions would not line up
        return KEYED.sub(_keyed_replacement, text)
    pieces: list[str] = []
    done = 0
    for position in _needle_positions(low):
        if position < done:
            continue
        for start in range(max(done, position - KEYWORD_REACH), position + 1):
            found = KEYED.match(text, start)
            if found is not None:
                pieces += [text[done : found.start()], _keyed_replacement(found)]
                done = found.end()
                break
    return "".join(pieces) + text[done:] if pieces else text


def _needle_positions(low: str) -> list[int]:
    """Where the keyed rule's needles occur, in order (``str.find`` per needle beats one alternation regex)."""
    positions: list[int] = []
    for needle in KEYED_NEEDLES:
        at = low.find(needle)
        while at >= 0:
            positions.append(at)
            at = low.find(needle, at + 1)
    return sorted(positions)


def _is_pagination(found: re.Match[str], keyword: str) -> bool:
    before = found.string[max(0, found.start() - 40) : found.start()]
    prefix = _KEY_NAME.search(before)
    return ((prefix.group(0) if prefix else "") + keyword).lower() in PAGINATION_KEYS


def _keyed_replacement(found: re.Match[str]) -> str:
    if _is_pagination(found, found.group(1)):
        return found.group(0)
    quote = found.group(3)
    if quote is not None:
        return found.group(1) + found.group(2) + quote + (MASK if found.group(4) else "")
    return found.group(1) + found.group(2) + MASK


def _xml_replacement(found: re.Match[str]) -> str:
    if found.group(2).lower() in PAGINATION_KEYS:
        return found.group(0)
    return found.group(1) + found.group(2) + found.group(3) + MASK


def _cookie_replacement(found: re.Match[str]) -> str:
    return found.group(1) + COOKIE_VALUE.sub(r"\1" + MASK, found.group(2))


def _looks_like_aws_secret(value: str) -> bool:
    if len(value) != 40 or value.endswith("="):
        return False
    return any(c.isupper() for c in value) and any(c.islower() for c in value) and any(c.isdigit() for c in value)


def redact_data(value: Any) -> Any:
    """A copy of JSON-like data (Block Kit, tool input) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_data(item) for item in value]
    return value
