"""A subset of the Cloud Logging query language, evaluated over LogEntry dictionaries (for the local fake).

Supported: comparisons ``path OP value`` with ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``:`` (has, case-
insensitive substring; ``path:*`` means present), ``=~`` and ``!~`` (regular expressions); bare values (searched
in the whole entry); ``AND``, ``OR``, ``NOT`` / ``-``, parentheses, and juxtaposition as AND. ``timestamp``
compares as a time and ``severity`` by level; other paths are dotted (``jsonPayload.job.id``, ``resource.type``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SEVERITY_RANK = {
    name: rank
    for rank, name in enumerate(
        ("DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")
    )
}
_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op>>=|<=|!=|=~|!~|[=<>:])|(?P<paren>[()])'
    r"|(?P<minus>-(?=[A-Za-z\"(]))|(?P<word>(?:[^\s()\"=<>:!~]|(?<=\.)\"(?:[^\"\\]|\\.)*\")+))"
)
_PATH_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|([^."]+)')
Predicate = Callable[[dict[str, Any]], bool]


class FilterError(ValueError):
    """The filter cannot be parsed."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def tokenize(text: str) -> list[_Token]:
    """The filter's tokens.

    Raises:
        FilterError: A character that starts no token.
    """
    tokens: list[_Token] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise FilterError(f"unexpected character at position {position}: {text[position:position + 20]!r}")
        kind = found.lastgroup or ""
        value = found.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append(_Token(kind, value))
        position = found.end()
    return tokens


def compile_filter(text: str) -> Predicate:
    """A predicate over entries for the filter text (an empty filter matches everything).

    Raises:
        FilterError: The filter cannot be parsed.
    """
    parser = _Parser(tokenize(text))
    if not parser.tokens:
        return lambda entry: True
    predicate = parser.expression()
    if parser.peek() is not None:
        raise FilterError(f"unexpected {parser.peek().text!r}")  # type: ignore[union-attr]
    return predicate


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FilterError("the filter ends too early")
        self.index += 1
        return token

    def expression(self) -> Predicate:
        terms = [self.conjunction()]
        while self._keyword("OR"):
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else (lambda entry: any(term(entry) for term in terms))

    def conjunction(self) -> Predicate:
        terms = [self.unary()]
        while (token := self.peek()) is not None and not (token.kind == "paren" and token.text == ")"):
            if token.kind == "word" and token.text == "OR":
                break
            self._keyword("AND")
            terms.append(self.unary())
        return terms[0] if len(terms) == 1 else (lambda entry: all(term(entry) for term in terms))

    def unary(self) -> Predicate:
        token = self.peek()
        if token is not None and (token.kind == "minus" or (token.kind == "word" and token.text == "NOT")):
            self.take()
            inner = self.unary()
            return lambda entry: not inner(entry)
        return self.primary()

    def primary(self) -> Predicate:
        token = self.take()
        if token.kind == "paren" and token.text == "(":
            inner = self.expression()
            closing = self.take()
            if closing.text != ")":
                raise FilterError(f"expected ')' but found {closing.text!r}")
            return inner
        if token.kind not in ("word", "string"):
            raise FilterError(f"unexpected {token.text!r}")
        following = self.peek()
        if following is not None and following.kind == "op":
            operator = self.take().text
            value = self.take()
            if value.kind not in ("word", "string"):
                raise FilterError(f"expected a value after {token.text}{operator}")
            return _comparison(token.text, operator, value.text)
        return lambda entry: token.text.lower() in json.dumps(entry, default=str).lower()

    def _keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text == word:
            self.index += 1
            return True
        return False


def _comparison(path: str, operator: str, expected: str) -> Predicate:
    if operator in ("=~", "!~"):
        return _matches(path, expected, want=operator == "=~")
    if operator == ":":
        return _has(path, expected)
    if path == "timestamp":
        parse_timestamp(expected)  # a bad time is a bad filter, whatever the entries
    if path == "severity" and expected.upper() not in SEVERITY_RANK:
        raise FilterError(f"unknown severity {expected!r}")
    return lambda entry: _compare(path, _lookup(entry, path), operator, expected)


def _matches(path: str, expected: str, *, want: bool) -> Predicate:
    try:
        pattern = re.compile(expected)
    except re.error as exc:
        raise FilterError(f"bad regular expression {expected!r}: {exc}") from exc

    def predicate(entry: dict[str, Any]) -> bool:
        text = _text(_lookup(entry, path))
        return text is not None and bool(pattern.search(text)) == want

    return predicate


def _has(path: str, expected: str) -> Predicate:
    if expected == "*":
        return lambda entry: _lookup(entry, path) is not None
    needle = expected.lower()
    return lambda entry: needle in (_text(_lookup(entry, path)) or "").lower()


def _compare(path: str, actual: Any, operator: str, expected: str) -> bool:
    if actual is None:
        return operator == "!="
    left, right = _comparable(path, actual, expected)
    outcome: bool = {
        "=": left == right,
        "!=": left != right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[operator]
    return outcome


def _comparable(path: str, actual: Any, expected: str) -> tuple[Any, Any]:
    if path == "timestamp":
        return parse_timestamp(str(actual)), parse_timestamp(expected)
    if path == "severity":
        return SEVERITY_RANK.get(str(actual).upper(), 0), SEVERITY_RANK.get(expected.upper(), -1)
    if isinstance(actual, int | float) and not isinstance(actual, bool):
        try:
            return float(actual), float(expected)
        except ValueError:
            return str(actual), expected
    return _text(actual), expected


def parse_timestamp(value: str) -> datetime:
    """An aware time from an RFC 3339 string.

    Raises:
        FilterError: The value is not a time.
    """
    text = re.sub(r"(\.\d{6})\d+", r"\1", value.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise FilterError(f"not a timestamp: {value!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _lookup(entry: dict[str, Any], path: str) -> Any:
    value: Any = entry
    for quoted, plain in _PATH_PART.findall(path):  # labels."k8s-pod/app" names a key with dots in it
        part = quoted or plain
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)
