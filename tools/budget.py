"""Caps on tool results: keep the most useful part and say what was cut and how to narrow the query."""

from __future__ import annotations

import re

_ERROR_LINE = re.compile(r"(?i)\b(error|exception|traceback|fatal|failed|critical|timeout|killed|oom)\b")


def estimate_tokens(text: str) -> int:
    """A cheap token estimate (about four characters a token)."""
    return (len(text) + 3) // 4


def cap_text(text: str, max_chars: int, *, hint: str = "narrow the query (shorter window, stricter filter)") -> str:
    """Text no longer than about ``max_chars``: error lines first, then the head, with a note on what was cut."""
    if len(text) <= max_chars:
        return text
    lines = text.splitlines()
    errors = [index for index, line in enumerate(lines) if _ERROR_LINE.search(line)]
    budget = max_chars - 200
    kept: list[str] = []
    taken: set[int] = set()
    used = 0
    for index in [*errors, *range(len(lines))]:
        if index in taken:
            continue
        if used + len(lines[index]) + 1 > budget:
            break
        taken.add(index)
        kept.append(lines[index])
        used += len(lines[index]) + 1
    if not kept:
        kept = [text[:budget]]
        used = budget
    note = (
        f"[cut: showed {used:,} of {len(text):,} characters ({len(errors):,} error lines first); {hint}]"
    )
    return "\n".join(kept) + "\n" + note
