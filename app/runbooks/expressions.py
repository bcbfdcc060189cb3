"""JMESPath for runbooks: the names an expression reads, and the few functions runbooks need beyond the standard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import jmespath
from jmespath import functions

_LITERAL_NAMES = {"null": None, "true": True, "false": False}
_FIRST_CHILD_ONLY = frozenset(
    {"subexpression", "index_expression", "projection", "value_projection", "filter_projection", "flatten", "pipe"}
)
_FALSY: tuple[Any, ...] = (None, False, "", [], {})


class _RunbookFunctions(functions.Functions):
    """``to_epoch``, ``minutes_between``, ``ratio`` and ``lower``, on top of JMESPath's own functions."""

    @functions.signature({"types": ["string", "number", "null"]})
    def _func_to_epoch(self, value: Any) -> float | None:
        return to_epoch(value)

    @functions.signature({"types": ["string", "number", "null"]}, {"types": ["string", "number", "null"]})
    def _func_minutes_between(self, start: Any, end: Any) -> float | None:
        first, last = to_epoch(start), to_epoch(end)
        return None if first is None or last is None else round((last - first) / 60, 1)

    @functions.signature({"types": ["number", "null"]}, {"types": ["number", "null"]})
    def _func_ratio(self, part: float | None, whole: float | None) -> float | None:
        return None if part is None or not whole else round(part / whole, 3)

    @functions.signature({"types": ["string", "null"]})
    def _func_lower(self, value: str | None) -> str | None:
        return value.lower() if value is not None else None


_OPTIONS = jmespath.Options(custom_functions=_RunbookFunctions())


def search(expression: str, data: Any) -> Any:
    """Evaluate ``expression`` over ``data``; bare ``null``, ``true`` and ``false`` read as literals.

    Raises:
        jmespath.exceptions.JMESPathError: The expression does not apply to the data (e.g. length of null).
    """
    if isinstance(data, dict):
        data = {**_LITERAL_NAMES, **data}
    return jmespath.search(expression, data, options=_OPTIONS)


def holds(value: Any) -> bool:
    """JMESPath truth: false, null and empty strings, lists and objects are false; everything else is true."""
    return not any(value is falsy or (value == falsy and type(value) is type(falsy)) for falsy in _FALSY)


def roots(expression: str) -> set[str]:
    """The top-level names an expression reads (``length(repeats.rows) > `1``` reads ``repeats``)."""
    tree: dict[str, Any] = dict(jmespath.compile(expression).parsed)
    return set(_roots(tree)) - set(_LITERAL_NAMES)


def _roots(node: dict[str, Any]) -> Iterator[str]:
    kind = node.get("type")
    if kind == "field":
        yield str(node["value"])
        return
    if kind == "expref":
        return  # &field in sort_by/max_by is read from each element, not from the top
    children = node.get("children") or []
    if kind in _FIRST_CHILD_ONLY:
        children = children[:1]
    for child in children:
        if isinstance(child, dict):
            yield from _roots(child)


def to_epoch(value: Any) -> float | None:
    """Seconds since the epoch from an ISO-8601 string, a Logs Insights time, or epoch seconds or milliseconds."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) / 1000 if value > 1e11 else float(value)
    text = str(value).strip()
    try:
        return to_epoch(float(text))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
