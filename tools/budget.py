"""Caps on tool results: keep the most useful part and say what was cut and how to narrow the query.

A result is capped both in characters and in estimated tokens. Lines that look like errors are kept first,
then the other lines from the top; tools list their results newest first, so the top is the newest part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ERROR_LINE = re.compile(  # also CamelCase names such as OutOfMemoryError or NullPointerException
    r"(?i)(?:errors?|exception)\b|\b(?:traceback|fatal|failed|critical|timeout|timed out|killed|oom|oomkilled|panic)\b"
)
_NOTE_ROOM = 200  # characters kept free for the note that says what was cut
DEFAULT_HINT = "narrow the query (shorter window, stricter filter)"


def estimate_tokens(text: str) -> int:
    """A cheap token estimate: about four ASCII characters a token, one token per other character."""
    wide = sum(1 for char in text if ord(char) > 127) if not text.isascii() else 0
    return (len(text) - wide + 3) // 4 + wide


def is_error_line(line: str) -> bool:
    """Whether a line reads like an error (error, exception, fatal, killed, OOM…)."""
    return _ERROR_LINE.search(line) is not None


def clip_line(line: str, max_chars: int) -> str:
    """One line no longer than about ``max_chars``: its head, and when error words sit past it, those too."""
    if len(line) <= max_chars:
        return line
    half = max_chars // 2
    found = _ERROR_LINE.search(line, half)
    if found is None:
        return f"{line[:max_chars]}…[+{len(line) - max_chars:,} chars]"
    start = max(half, found.start() - half // 4)
    window = line[start : start + half]
    return f"{line[:half]} … {window}…[+{len(line) - half - len(window):,} chars]"


@dataclass(frozen=True)
class _Limit:
    chars: int
    tokens: int

    def fits(self, chars: int, tokens: int) -> bool:
        return chars <= self.chars and tokens <= self.tokens


def cap_text(text: str, max_chars: int, *, max_tokens: int | None = None, hint: str = DEFAULT_HINT) -> str:
    """Text within ``max_chars`` characters and ``max_tokens`` estimated tokens (plus a short note).

    Error lines come first, then the other lines from the top. With several lines, no one line takes more than
    an eighth of the room, and less when there are many error lines, so that each of them shows. The last line
    says how much was shown, how many error lines there were, and ``hint``.
    """
    tokens = estimate_tokens(text) if max_tokens is not None else 0
    if len(text) <= max_chars and (max_tokens is None or tokens <= max_tokens):
        return text
    room_chars = max(max_chars - _NOTE_ROOM, 1)
    room_tokens = max((max_tokens if max_tokens is not None else room_chars) - _NOTE_ROOM // 4, 1)
    limit = _Limit(room_chars, room_tokens)
    lines = text.splitlines()
    errors = [index for index, line in enumerate(lines) if is_error_line(line)]
    line_cap = room_chars if len(lines) == 1 else max(min(room_chars // 8, room_chars // (len(errors) + 2)), 160)
    kept, used = _fill(lines, [*errors, *range(len(lines))], limit, line_cap)
    note = (
        f"[cut: showed {used:,} of {len(text):,} characters ({len(errors):,} error lines first); "
        f"kept {len(kept):,} of {len(lines):,} lines; {hint}]"
    )
    return "\n".join(kept) + "\n" + note


def _fill(lines: list[str], order: list[int], limit: _Limit, line_cap: int) -> tuple[list[str], int]:
    """Lines in priority ``order`` (each clipped to ``line_cap``) until the limit is reached."""
    kept: list[str] = []
    taken: set[int] = set()
    chars = tokens = 0
    for index in order:
        if index in taken:
            continue
        line = clip_line(lines[index], line_cap)
        line_tokens = estimate_tokens(line) + 1
        if not limit.fits(chars + len(line) + 1, tokens + line_tokens):
            if not kept:  # not even one line fits: keep the head of the first
                line = _head(line, limit)
                kept.append(line)
                chars += len(line) + 1
            break
        taken.add(index)
        kept.append(line)
        chars += len(line) + 1
        tokens += line_tokens
    return kept, chars


def _head(line: str, limit: _Limit) -> str:
    """The longest head of ``line`` within the limit."""
    line = line[: limit.chars]
    while line and estimate_tokens(line) > limit.tokens:
        line = line[: len(line) * limit.tokens // estimate_tokens(line)]
    return line
