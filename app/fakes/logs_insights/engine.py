"""Runs a parsed query over log events: each command is one pass over the records, so a query costs events × commands.

Results are what ``GetQueryResults`` returns: one list of ``{field, value}`` per row, every value a string,
fields without a value left out of their row. Raw events come newest first unless the query sorts them; a
row keeps ``@ptr`` unless ``stats`` made it; with neither ``fields`` nor ``display`` a row shows every field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.fakes.logs_insights.commands import (
    MAX_LIMIT,
    Columns,
    Dedup,
    Filter,
    Limit,
    Parse,
    Sort,
    Stats,
    parse_query,
)
from app.fakes.logs_insights.events import LogEvent, event_record
from app.fakes.logs_insights.expressions import Field, Node, Record, number, text, truth
from app.fakes.logs_insights.stats import aggregate

_HIDDEN = ("@ingestionTime",)
_CHUNKS = re.compile(r"\d+|\D+")


@dataclass
class QueryResult:
    """The rows and the statistics Insights reports with them."""

    rows: list[list[dict[str, str]]]
    records_matched: int
    records_scanned: int
    bytes_scanned: int

    def statistics(self) -> dict[str, float]:
        """The ``statistics`` object of ``GetQueryResults``."""
        return {
            "recordsMatched": float(self.records_matched),
            "recordsScanned": float(self.records_scanned),
            "bytesScanned": float(self.bytes_scanned),
        }


@dataclass
class _State:
    records: list[Record]
    columns: list[str] = field(default_factory=list)
    shown: list[str] | None = None
    aggregated: bool = False
    limited: bool = False
    matched: int | None = None


def run_query(query: str, events: Iterable[LogEvent], *, account: str, limit: int | None = None) -> QueryResult:
    """Run ``query`` over ``events`` (already cut to the query's time range).

    Args:
        query: The Logs Insights query text.
        events: The events of the queried log groups.
        account: The account id shown in ``@log``.
        limit: ``StartQuery``'s own ``limit``: the most rows when the query has no ``limit`` command.

    Raises:
        QueryError: The query cannot be compiled.
    """
    commands = parse_query(query)
    scanned = list(events)
    records = [event_record(event, account) for event in sorted(scanned, key=lambda e: e.timestamp, reverse=True)]
    state = _State(records)
    for command in commands:
        _APPLY[type(command)](command, state)
    matched = len(state.records) if state.matched is None else state.matched
    if not state.limited:
        state.records = state.records[: min(limit or MAX_LIMIT, MAX_LIMIT)]
    return QueryResult(
        rows=[_row(record, _names(state, record)) for record in state.records],
        records_matched=matched,
        records_scanned=len(scanned),
        bytes_scanned=sum(len(event.message.encode()) for event in scanned),
    )


def _names(state: _State, record: Record) -> list[str]:
    if state.shown is not None:
        names = list(state.shown)
    elif state.columns:
        names = list(state.columns)
    else:
        names = [name for name in record if name not in _HIDDEN and name != "@ptr"]
    if not state.aggregated and "@ptr" not in names:
        names.append("@ptr")
    return names


def _row(record: Record, names: list[str]) -> list[dict[str, str]]:
    return [{"field": name, "value": text(record[name])} for name in names if record.get(name) is not None]


def _columns(command: Columns, state: _State) -> None:
    for name, node in command.items:
        if not (isinstance(node, Field) and node.name == name):
            for record in state.records:
                _set(record, name, node.evaluate(record))
    names = [name for name, _ in command.items]
    if command.display:
        state.shown = names
    else:
        state.columns += [name for name in names if name not in state.columns]


def _set(record: Record, name: str, value: Any) -> None:
    if value is None:
        record.pop(name, None)
    else:
        record[name] = value


def _filter(command: Filter, state: _State) -> None:
    state.records = [record for record in state.records if truth(command.condition.evaluate(record))]


def _parse(command: Parse, state: _State) -> None:
    named = bool(command.pattern.groupindex)
    for record in state.records:
        value = command.source.evaluate(record)
        found = None if value is None else command.pattern.search(text(value))
        if found is None:
            continue
        captured = found.groupdict() if named else dict(zip(command.names, found.groups(), strict=False))
        for name, part in captured.items():
            _set(record, name, part)


def _stats(command: Stats, state: _State) -> None:
    state.records, seen = aggregate(command, state.records)
    if state.matched is None:
        state.matched = seen
    state.aggregated = True
    state.columns = [name for name, _ in command.groups] + [item.name for item in command.aggregates]
    state.shown = None


def _sort(command: Sort, state: _State) -> None:
    for node, descending in reversed(command.keys):
        state.records.sort(key=_sort_key(node, descending), reverse=descending)


def _sort_key(node: Node, descending: bool) -> Callable[[Record], tuple[Any, ...]]:
    """Insights' natural order: text before numbers, digit runs by length then value; missing values last."""

    def key(record: Record) -> tuple[Any, ...]:
        value = node.evaluate(record)
        if value is None:
            return (0 if descending else 2,)
        found = number(value)
        if found is not None:
            return (1, 1, found)
        parts = _CHUNKS.findall(text(value))
        return (1, 0, [(48, len(part), part) if part.isdigit() else (ord(part[0]), 0, part) for part in parts])

    return key


def _limit(command: Limit, state: _State) -> None:
    if state.matched is None:
        state.matched = len(state.records)
    state.records = state.records[: command.count]
    state.limited = True


def _dedup(command: Dedup, state: _State) -> None:
    seen: set[tuple[str | None, ...]] = set()
    kept = []
    for record in state.records:
        key = tuple(None if (value := node.evaluate(record)) is None else text(value) for node in command.fields)
        if key not in seen:
            seen.add(key)
            kept.append(record)
    state.records = kept


_APPLY: dict[type, Callable[[Any, _State], None]] = {
    Columns: _columns, Filter: _filter, Parse: _parse, Stats: _stats, Sort: _sort, Limit: _limit, Dedup: _dedup,
}
