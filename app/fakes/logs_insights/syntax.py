"""The expression grammar, by recursive descent: ``or`` < ``and`` < ``not`` < comparison < ``+ -`` < ``* / %``."""

from __future__ import annotations

import re

from app.fakes.logs_insights.expressions import (
    FUNCTIONS,
    Arithmetic,
    Bin,
    Call,
    Comparison,
    Field,
    Like,
    Literal,
    Logic,
    Membership,
    Node,
    Not,
)
from app.fakes.logs_insights.lexer import QueryError, Scanner, Token

AGGREGATES = frozenset({
    "count", "count_distinct", "sum", "avg", "min", "max", "earliest", "latest", "pct", "stddev",
})
_PERIODS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_RESERVED = frozenset({"and", "or", "not", "like", "in", "as", "by", "asc", "desc"})


def compile_regex(token: Token) -> re.Pattern[str]:
    """A query's ``/regex/`` as a Python pattern (``(?<name>…)`` groups are accepted as Insights writes them)."""
    try:
        return re.compile(re.sub(r"\(\?<(?![=!])", "(?P<", token.value))
    except re.error as exc:
        raise QueryError(f"invalid regular expression /{token.value}/: {exc}", token.start, token.end) from exc


class Parser:
    """Parses expressions from a :class:`Scanner`; the command parsers build on it."""

    def __init__(self, text: str) -> None:
        """Parse ``text``."""
        self.scanner = Scanner(text)

    def take(self, operand: bool = False) -> Token:
        """Consume the next token."""
        return self.scanner.next(operand)

    def peek(self, operand: bool = False) -> Token:
        """Look at the next token."""
        return self.scanner.peek(operand)

    def accept(self, *values: str) -> Token | None:
        """Consume the next token when it is one of the operators or (case-insensitive) keywords given."""
        token = self.peek()
        if (token.kind == "op" and token.value in values) or token.word() in values:
            return self.take()
        return None

    def expect(self, value: str) -> Token:
        """Consume the operator or keyword ``value``, or fail naming what was found instead."""
        token = self.accept(value)
        if token is None:
            raise self.unexpected(self.peek(), f"expected {value!r}")
        return token

    def unexpected(self, token: Token, hint: str = "") -> QueryError:
        """The error for a token that cannot stand where it is."""
        found = "end of the query" if token.kind == "end" else repr(token.value)
        return QueryError(f"unexpected {found} at offset {token.start}" + (f": {hint}" if hint else ""),
                          token.start, token.end)

    def source_since(self, start: int) -> str:
        """The query text from ``start`` to the end of the last token consumed."""
        return self.scanner.text[start : self.scanner.position].strip()

    def expression(self) -> Node:
        """An expression, with its source text kept."""
        start = self.peek().start
        node = self._or()
        node.source = self.source_since(start)
        return node

    def _or(self) -> Node:
        node = self._and()
        while self.accept("or"):
            node = Logic("or", node, self._and())
        return node

    def _and(self) -> Node:
        node = self._not()
        while self.accept("and"):
            node = Logic("and", node, self._not())
        return node

    def _not(self) -> Node:
        if self.peek().word() == "not":
            self.take()
            return Not(self._not())
        return self._comparison()

    def _comparison(self) -> Node:
        left = self._sum()
        token = self.peek()
        if token.kind == "op" and token.value in _COMPARISONS:
            self.take()
            return Comparison(token.value, left, self._sum())
        if token.value == "=~" or token.word() == "like":
            self.take()
            return Like(left, self._pattern())
        if token.word() == "in":
            self.take()
            return Membership(left, self._list())
        if token.word() == "not":
            self.take()
            if self.accept("like"):
                return Like(left, self._pattern(), negate=True)
            self.expect("in")
            return Membership(left, self._list(), negate=True)
        return left

    def _pattern(self) -> re.Pattern[str] | str:
        token = self.take(operand=True)
        if token.kind == "regex":
            return compile_regex(token)
        if token.kind == "string":
            return token.value
        raise self.unexpected(token, "like takes a /regex/ or a \"string\"")

    def _list(self) -> list[Node]:
        self.expect("[")
        items = [self._sum()]
        while self.accept(","):
            items.append(self._sum())
        self.expect("]")
        return items

    def _sum(self) -> Node:
        node = self._product()
        while (token := self.accept("+", "-")) is not None:
            node = Arithmetic(token.value, node, self._product())
        return node

    def _product(self) -> Node:
        node = self._unary()
        while (token := self.accept("*", "/", "%")) is not None:
            node = Arithmetic(token.value, node, self._unary())
        return node

    def _unary(self) -> Node:
        if self.accept("-"):
            return Arithmetic("-", Literal(0), self._unary())
        return self._primary()

    def _primary(self) -> Node:
        token = self.take(operand=True)
        if token.kind == "string":
            return Literal(token.value)
        if token.kind == "number":
            return Literal(self.number(token))
        if token.value == "(":
            node = self._or()
            self.expect(")")
            return node
        if token.kind == "name" and token.word() not in _RESERVED:
            return self._call(token) if self.peek().value == "(" else Field(token.value)
        raise self.unexpected(token)

    def number(self, token: Token) -> int | float:
        """A plain number token's value (a unit suffix such as ``30m`` only belongs in ``bin()``)."""
        if not re.fullmatch(r"\d+(?:\.\d+)?", token.value):
            raise self.unexpected(token, "a period such as 30m is only valid inside bin()")
        return float(token.value) if "." in token.value else int(token.value)

    def _call(self, name: Token) -> Node:
        function = name.value.lower()
        self.expect("(")
        if function == "bin":
            return self._bin()
        if function in AGGREGATES:
            raise QueryError(f"{function}() is only valid in a stats command", name.start, name.end)
        if function not in FUNCTIONS:
            raise QueryError(f"unknown function {name.value}()", name.start, name.end)
        args = [] if self.peek().value == ")" else [self._or()]
        while self.accept(","):
            args.append(self._or())
        self.expect(")")
        if len(args) != FUNCTIONS[function][0]:
            raise QueryError(f"{function}() takes {FUNCTIONS[function][0]} argument(s)", name.start, name.end)
        return Call(function, args)

    def _bin(self) -> Node:
        token = self.take()
        found = re.fullmatch(r"(\d+)(ms|s|m|h|d|w)", token.value) if token.kind == "number" else None
        if not found or int(found.group(1)) == 0:
            raise self.unexpected(token, "bin() takes a period such as 5m, 30m, 1h or 1d")
        self.expect(")")
        return Bin(int(found.group(1)) * _PERIODS[found.group(2)])
