"""Tokens of the Logs Insights query language, scanned on demand.

The scanner is driven by the parser because ``/`` means two things: a regular expression where an operand
is expected (``like /ERROR/``, ``parse @message /(?<x>.*)/``) and division after one (``@memorySize / 1000``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"(?:\s+|#[^\n]*)+")
_NAME = re.compile(r"@?[A-Za-z_][\w.]*(?<!\.)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[A-Za-z]+)?")
_OPERATORS = ("<=", ">=", "!=", "=~", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",", "[", "]", "|")


class QueryError(ValueError):
    """The query cannot be compiled; ``start`` and ``end`` are character offsets of the offending text."""

    def __init__(self, message: str, start: int = 0, end: int = 0) -> None:
        """Keep the message and where in the query it applies."""
        super().__init__(message)
        self.start = start
        self.end = max(end, start)


@dataclass(frozen=True)
class Token:
    """One token: its kind (name, string, regex, number, op, end), its value and where it starts and ends."""

    kind: str
    value: str
    start: int
    end: int

    def word(self) -> str:
        """The lower-cased name, for keyword comparisons ("" for anything but a name)."""
        return self.value.lower() if self.kind == "name" else ""


class Scanner:
    """Reads tokens from the query text one at a time."""

    def __init__(self, text: str) -> None:
        """Start at the beginning of ``text``."""
        self.text = text
        self.position = 0

    def peek(self, operand: bool = False) -> Token:
        """The next token without consuming it; ``operand`` reads ``/`` as the start of a regex."""
        saved = self.position
        token = self.next(operand)
        self.position = saved
        return token

    def next(self, operand: bool = False) -> Token:
        """Consume and return the next token."""
        skipped = _SPACE.match(self.text, self.position)
        if skipped:
            self.position = skipped.end()
        start = self.position
        if start >= len(self.text):
            return Token("end", "", start, start)
        char = self.text[start]
        if char in "\"'":
            return self._string(char, start)
        if char == "`":
            return self._quoted_name(start)
        if char == "/" and operand:
            return self._regex(start)
        for pattern, kind in ((_NUMBER, "number"), (_NAME, "name")):
            found = pattern.match(self.text, start)
            if found:
                self.position = found.end()
                return Token(kind, found.group(0), start, found.end())
        for operator in _OPERATORS:
            if self.text.startswith(operator, start):
                self.position = start + len(operator)
                return Token("op", operator, start, self.position)
        raise QueryError(f"unexpected character {char!r} at offset {start}", start, start + 1)

    def _string(self, quote: str, start: int) -> Token:
        value, position = self._until(quote, start + 1, "string")
        return Token("string", value, start, position)

    def _quoted_name(self, start: int) -> Token:
        end = self.text.find("`", start + 1)
        if end < 0:
            raise QueryError("unterminated `quoted field name`", start, len(self.text))
        self.position = end + 1
        return Token("name", self.text[start + 1 : end], start, end + 1)

    def _regex(self, start: int) -> Token:
        value, position = self._until("/", start + 1, "regular expression", keep_escapes=True)
        flags = re.match(r"[a-z]*", self.text[position:])
        self.position = position + len(flags.group(0) if flags else "")
        prefix = "(?i)" if flags and "i" in flags.group(0) else ""
        return Token("regex", prefix + value, start, self.position)

    def _until(self, close: str, position: int, what: str, keep_escapes: bool = False) -> tuple[str, int]:
        parts: list[str] = []
        while position < len(self.text):
            char = self.text[position]
            if char == "\\" and position + 1 < len(self.text):
                following = self.text[position + 1]
                parts.append(char + following if keep_escapes and following != close else following)
                position += 2
                continue
            if char == close:
                self.position = position + 1
                return "".join(parts), position + 1
            parts.append(char)
            position += 1
        raise QueryError(f"unterminated {what}", position - 1, len(self.text))
