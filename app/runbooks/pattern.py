"""Runbook regexes on a linear-time engine, so that no rule or alert can stall an investigation.

Rules and ``extract`` patterns run on RE2 (the ``google-re2`` binding): matching time grows with the text, never
exponentially, whatever the pattern. RE2 has no backreferences and no lookaround; a pattern that uses them, or
that compiles to more than RE2's memory budget, is refused with the reason. Where no RE2 wheel exists, Python's
``re`` is used behind a screen that refuses the constructs that backtrack badly (a repeat inside a repeat,
backreferences, lookaround) and a cap on the text searched.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

try:
    import re2
except ImportError:  # pragma: no cover - every supported platform has a wheel; see README "Runbook format"
    re2 = None

MAX_PATTERN_CHARS = 2000
"""Longer patterns are refused."""
MAX_TEXT_CHARS = 200_000
"""Only this much of a text is searched (alerts are far shorter; this bounds the fallback engine)."""
_RE2_MAX_MEM = 8 << 20  # bytes of compiled program per pattern
ENGINE = "re2" if re2 is not None else "re (screened)"
"""The engine in use: ``re2``, or ``re (screened)`` without the RE2 wheel."""


class PatternError(ValueError):
    """A pattern the engine refuses, with the reason."""


class Pattern:
    """A compiled runbook regex."""

    def __init__(self, source: str) -> None:
        """Compile ``source``.

        Raises:
            PatternError: Too long, not valid, or a construct the linear-time engine does not support.
        """
        if len(source) > MAX_PATTERN_CHARS:
            raise PatternError(f"pattern is {len(source)} characters long; the limit is {MAX_PATTERN_CHARS}")
        self.source = source
        self._compiled: Any = _compile_re2(source) if re2 is not None else _compile_screened(source)

    def search(self, text: str) -> bool:
        """Whether the pattern occurs in the text."""
        return self._compiled.search(text[:MAX_TEXT_CHARS]) is not None

    def first(self, text: str) -> str | None:
        """The first capture group of the first match (the whole match without groups), or None."""
        found = self._compiled.search(text[:MAX_TEXT_CHARS])
        if found is None:
            return None
        value: str | None = found.group(1) if self._compiled.groups else found.group(0)
        return value

    def all(self, text: str, limit: int = 50) -> list[str]:
        """The first capture group (or the whole match) of each match, in order, at most ``limit``."""
        values: list[str] = []
        for found in self._compiled.finditer(text[:MAX_TEXT_CHARS]):
            value = found.group(1) if self._compiled.groups else found.group(0)
            if value:
                values.append(str(value))
            if len(values) == limit:
                break
        return values


def compile_pattern(source: str) -> Pattern:
    """A compiled pattern (see :class:`Pattern`).

    Raises:
        PatternError: The pattern is refused.
    """
    return Pattern(source)


def _compile_re2(source: str) -> Any:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _RE2_MAX_MEM
    try:
        return re2.compile(source, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(f"not a regex the linear-time engine (RE2) accepts: {reason}") from exc


def _compile_screened(source: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(source)
    except re.error as exc:
        raise PatternError(f"invalid regex: {exc}") from exc
    parser: Any = importlib.import_module("re._parser")  # the parser of this interpreter's own engine
    for problem in _risky(parser.parse(source), 0):
        raise PatternError(f"refused without RE2: {problem}")
    return compiled


def _risky(items: Any, repeats: int) -> Iterator[str]:
    """Constructs that make a backtracking engine slow: nested repeats, backreferences, lookaround."""
    for op, value in items:
        name = str(op)
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            yield "a backreference"
        elif name in ("ASSERT", "ASSERT_NOT"):
            yield "lookaround"
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if repeats and value[1] > 1:
                yield "a repeat inside a repeat"
            yield from _risky(value[2], repeats + (1 if value[1] > 1 else 0))
        elif name == "SUBPATTERN":
            yield from _risky(value[3], repeats)
        elif name == "BRANCH":
            for branch in value[1]:
                yield from _risky(branch, repeats)


class PatternSet:
    """Many patterns searched in one pass: RE2's filtered matching skips the patterns whose literals are absent."""

    def __init__(self, patterns: list[Pattern]) -> None:
        """Prepare the patterns (already compiled, so already validated)."""
        self._patterns = patterns
        self._filter: Any = None
        if re2 is not None and patterns:
            options = re2.Options()
            options.log_errors = False
            options.max_mem = _RE2_MAX_MEM
            self._filter = re2.Filter()
            for pattern in patterns:
                self._filter.Add(pattern.source, options)
            self._filter.Compile()

    def matching(self, text: str) -> list[int]:
        """Positions (in the list given) of the patterns that occur in the text, in order."""
        if self._filter is None:
            return [n for n, pattern in enumerate(self._patterns) if pattern.search(text)]
        return sorted(self._filter.Match(text[:MAX_TEXT_CHARS]) or [])
