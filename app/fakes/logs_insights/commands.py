"""The query's commands, parsed from ``command | command | …``: what each one does lives in the engine."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.fakes.logs_insights.expressions import Field, Node
from app.fakes.logs_insights.lexer import QueryError, Token
from app.fakes.logs_insights.syntax import AGGREGATES, Parser, compile_regex

MAX_LIMIT = 10_000
_NOT_SERVED = frozenset({
    "unmask", "pattern", "diff", "filterindex", "source", "anomaly", "lookup", "unnest", "sql", "fieldindex",
})


@dataclass
class Columns:
    """``fields`` (adds columns, may compute them) or ``display`` (the only columns shown)."""

    items: list[tuple[str, Node]]
    display: bool = False


@dataclass
class Filter:
    """``filter CONDITION``."""

    condition: Node


@dataclass
class Parse:
    """``parse FIELD "glob * pattern" as a, b`` or ``parse FIELD /(?<a>…)/``."""

    source: Node
    pattern: re.Pattern[str]
    names: list[str]


@dataclass
class Aggregate:
    """One ``stats`` function: its name, argument (None for ``count()``/``count(*)``), column and percentile."""

    function: str
    argument: Node | None
    name: str
    percentile: float = 0.0


@dataclass
class Stats:
    """``stats AGG [as name], … [by GROUP [as name], …]``."""

    aggregates: list[Aggregate]
    groups: list[tuple[str, Node]] = field(default_factory=list)


@dataclass
class Sort:
    """``sort EXPR [asc|desc], …`` (descending unless told)."""

    keys: list[tuple[Node, bool]]


@dataclass
class Limit:
    """``limit N``."""

    count: int


@dataclass
class Dedup:
    """``dedup FIELD, …``: the first record of each distinct combination."""

    fields: list[Node]


Command = Columns | Filter | Parse | Stats | Sort | Limit | Dedup


def parse_query(text: str) -> list[Command]:
    """The commands of a query, in order.

    Raises:
        QueryError: The query is empty, malformed, or uses syntax this interpreter does not serve.
    """
    parser = Parser(text)
    commands: list[Command] = []
    while True:
        token = parser.take()
        word = token.word()
        if word in _NOT_SERVED:
            message = f"the {token.value} command is not supported by this Logs Insights"
            raise QueryError(message, token.start, token.end)
        if word not in _PARSERS:
            raise parser.unexpected(token, "expected a command (fields, display, filter, parse, stats, sort, limit)")
        commands.append(_PARSERS[word](parser))
        after = parser.take()
        if after.kind == "end":
            return commands
        if after.value != "|":
            raise parser.unexpected(after, "commands are separated by |")


def _named_list(parser: Parser) -> list[tuple[str, Node]]:
    items = []
    while True:
        node = parser.expression()
        default = node.name if isinstance(node, Field) else node.source
        alias = _alias(parser) if parser.accept("as") else default
        items.append((alias, node))
        if not parser.accept(","):
            return items


def _alias(parser: Parser) -> str:
    token = parser.take()
    if token.kind != "name":
        raise parser.unexpected(token, "a field name follows 'as'")
    return token.value


def _fields(parser: Parser) -> Command:
    return Columns(_named_list(parser))


def _display(parser: Parser) -> Command:
    return Columns(_named_list(parser), display=True)


def _filter(parser: Parser) -> Command:
    return Filter(parser.expression())


def _parse(parser: Parser) -> Command:
    start = parser.peek(operand=True)
    source: Node = Field("@message")
    if start.kind == "name":
        source = Field(parser.take().value)
    token = parser.take(operand=True)
    if token.kind == "regex":
        pattern = compile_regex(token)
        names = list(pattern.groupindex)
        if not names:
            raise QueryError("parse with a regex needs named groups such as (?<name>…)", token.start, token.end)
        return Parse(source, pattern, names)
    if token.kind != "string":
        raise parser.unexpected(token, 'parse takes a "glob * pattern" or a /regex/')
    parser.expect("as")
    names = [name for name, _ in _named_list(parser)]
    return Parse(source, _glob(token, len(names)), names)


def _glob(token: Token, names: int) -> re.Pattern[str]:
    parts = token.value.split("*")
    if len(parts) - 1 != names:
        raise QueryError(f"the pattern has {len(parts) - 1} '*' but {names} names follow 'as'", token.start, token.end)
    captures = ["(.*?)"] * (len(parts) - 1)
    if parts[-1] == "":
        captures[-1] = "(.*)"
    pieces = zip(captures, parts[1:], strict=True)
    pattern = re.escape(parts[0]) + "".join(capture + re.escape(part) for capture, part in pieces)
    return re.compile(pattern, re.DOTALL)


def _stats(parser: Parser) -> Command:
    aggregates = [_aggregate(parser)]
    while parser.accept(","):
        aggregates.append(_aggregate(parser))
    groups = _named_list(parser) if parser.accept("by") else []
    return Stats(aggregates, groups)


def _aggregate(parser: Parser) -> Aggregate:
    name = parser.take()
    function = name.word()
    if function not in AGGREGATES:
        raise parser.unexpected(name, "stats takes functions such as count(), sum(f), avg(f), max(f)")
    parser.expect("(")
    argument: Node | None = None
    if function == "count" and (parser.accept("*") or parser.peek().value == ")"):
        argument = None
    else:
        argument = parser.expression()
    percentile = 0.0
    if function == "pct":
        parser.expect(",")
        percentile = float(parser.number(parser.take()))
    parser.expect(")")
    column = parser.source_since(name.start)
    if parser.accept("as"):
        column = _alias(parser)
    return Aggregate(function, argument, column, percentile)


def _sort(parser: Parser) -> Command:
    keys = []
    while True:
        node = parser.expression()
        direction = parser.accept("asc", "desc")
        keys.append((node, direction is None or direction.word() == "desc"))
        if not parser.accept(","):
            return Sort(keys)


def _limit(parser: Parser) -> Command:
    token = parser.take()
    count = parser.number(token) if token.kind == "number" else 0
    if not isinstance(count, int) or not 1 <= count <= MAX_LIMIT:
        raise parser.unexpected(token, f"limit takes a whole number from 1 to {MAX_LIMIT}")
    return Limit(count)


def _dedup(parser: Parser) -> Command:
    return Dedup([node for _, node in _named_list(parser)])


_PARSERS: dict[str, Callable[[Parser], Command]] = {
    "fields": _fields, "display": _display, "filter": _filter, "parse": _parse, "stats": _stats,
    "sort": _sort, "limit": _limit, "dedup": _dedup,
}
