"""Expressions of the query language, evaluated against one record (a dict of field values).

A field an event does not have is ``None``: every comparison with it is false, as it is in Insights, where a
filter on a missing field drops the event.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Record = dict[str, Any]
_NUMERIC = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class Time(int):
    """Epoch milliseconds that print as Insights prints times: ``2026-11-21 03:00:00.000``."""

    def __str__(self) -> str:
        moment = datetime.fromtimestamp(int(self) / 1000, UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{int(self) % 1000:03d}"


def number(value: Any) -> float | None:
    """The value as a number when it is one (or a string that holds only one), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _NUMERIC.fullmatch(value.strip()):
        return float(value)
    return None


def text(value: Any) -> str:
    """The value as Insights returns it: a string, integral numbers without a fraction."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.10g}"
    return str(value)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def compare(op: str, left: Any, right: Any) -> bool:
    """``left op right``: numerically when both are numbers, else as strings; false when either is missing."""
    if left is None or right is None:
        return False
    first, second = number(left), number(right)
    if first is not None and second is not None:
        return _COMPARE[op](first, second)
    return _COMPARE[op](text(left), text(right))


class Node:
    """An expression; ``source`` is its text in the query (the default name of a column it makes)."""

    source: str = ""

    def evaluate(self, record: Record) -> Any:
        """The expression's value for one record."""
        raise NotImplementedError


@dataclass
class Field(Node):
    """A field's value (``@message``, ``TaskId``, ``detail.state``)."""

    name: str

    def evaluate(self, record: Record) -> Any:
        """The field's value, or None when the record lacks it."""
        return record.get(self.name)


@dataclass
class Literal(Node):
    """A string or number written in the query."""

    value: Any

    def evaluate(self, record: Record) -> Any:
        """The literal itself."""
        return self.value


@dataclass
class Like(Node):
    """``f like /regex/``, ``f like "substring"``, ``f =~ /regex/`` and their ``not like`` forms."""

    operand: Node
    pattern: re.Pattern[str] | str
    negate: bool = False

    def evaluate(self, record: Record) -> Any:
        """Whether the operand's text contains the pattern (false for a missing field)."""
        value = self.operand.evaluate(record)
        if value is None:
            return False
        subject = text(value)
        found = self.pattern.search(subject) is not None if isinstance(self.pattern, re.Pattern) else (
            self.pattern in subject
        )
        return found != self.negate


@dataclass
class Comparison(Node):
    """A comparison: ``a = b``, ``a != b``, ``a < b`` and the like."""

    op: str
    left: Node
    right: Node

    def evaluate(self, record: Record) -> Any:
        """The comparison's truth for the record."""
        return compare(self.op, self.left.evaluate(record), self.right.evaluate(record))


@dataclass
class Membership(Node):
    """``f in ["a", "b"]`` and ``f not in [...]``."""

    operand: Node
    items: list[Node]
    negate: bool = False

    def evaluate(self, record: Record) -> Any:
        """Whether the value equals one of the items (false for a missing field)."""
        value = self.operand.evaluate(record)
        if value is None:
            return False
        return any(compare("=", value, item.evaluate(record)) for item in self.items) != self.negate


@dataclass
class Logic(Node):
    """``a and b``, ``a or b``."""

    op: str
    left: Node
    right: Node

    def evaluate(self, record: Record) -> Any:
        """Both (``and``) or either (``or``) of the operands hold."""
        if self.op == "and":
            return truth(self.left.evaluate(record)) and truth(self.right.evaluate(record))
        return truth(self.left.evaluate(record)) or truth(self.right.evaluate(record))


@dataclass
class Not(Node):
    """``not a``."""

    operand: Node

    def evaluate(self, record: Record) -> Any:
        """The operand does not hold."""
        return not truth(self.operand.evaluate(record))


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "%": operator.mod,
}


@dataclass
class Arithmetic(Node):
    """``a + b``, ``a - b``, ``a * b``, ``a / b``, ``a % b`` over numbers (missing or non-numeric: missing)."""

    op: str
    left: Node
    right: Node

    def evaluate(self, record: Record) -> Any:
        """The arithmetic result, or None when an operand is not a number or a division is by zero."""
        first, second = number(self.left.evaluate(record)), number(self.right.evaluate(record))
        if first is None or second is None or (self.op in "/%" and second == 0):
            return None
        return _ARITHMETIC[self.op](first, second)


@dataclass
class Bin(Node):
    """``bin(30m)``: the start of the period that holds the record's @timestamp."""

    period_ms: int

    def evaluate(self, record: Record) -> Any:
        """The period's start as a time."""
        stamp = record.get("@timestamp")
        return None if stamp is None else Time(int(stamp) // self.period_ms * self.period_ms)


def _present(value: Any) -> bool:
    return value is not None


def _blank(value: Any) -> bool:
    return value is None or text(value).strip() == ""


def _math(function: Callable[[float], Any]) -> Callable[[Any], Any]:
    def apply(value: Any) -> Any:
        found = number(value)
        return None if found is None else function(found)

    return apply


FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "ispresent": (1, _present),
    "isempty": (1, lambda value: value is None or text(value) == ""),
    "isblank": (1, _blank),
    "tolower": (1, lambda value: None if value is None else text(value).lower()),
    "toupper": (1, lambda value: None if value is None else text(value).upper()),
    "trim": (1, lambda value: None if value is None else text(value).strip()),
    "strlen": (1, lambda value: None if value is None else len(text(value))),
    "strcontains": (2, lambda value, part: value is not None and part is not None and text(part) in text(value)),
    "abs": (1, _math(abs)),
    "floor": (1, _math(math.floor)),
    "ceil": (1, _math(math.ceil)),
}
"""Scalar functions by name: (number of arguments, implementation over argument values)."""


@dataclass
class Call(Node):
    """A scalar function call such as ``ispresent(TaskId)``."""

    name: str
    args: list[Node]

    def evaluate(self, record: Record) -> Any:
        """The function applied to the arguments' values."""
        return FUNCTIONS[self.name][1](*(arg.evaluate(record) for arg in self.args))


def truth(value: Any) -> bool:
    """Whether a value makes a filter hold (missing, false, zero and "" do not)."""
    return bool(value) and value is not None
