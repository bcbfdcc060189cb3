"""The ``stats`` command: aggregate functions over groups of records, in one pass."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Any

from app.fakes.logs_insights.commands import Aggregate, Stats
from app.fakes.logs_insights.expressions import Record, Time, number, text


class _Accumulator:
    """Collects one aggregate's values for one group."""

    def __init__(self, aggregate: Aggregate) -> None:
        self.aggregate = aggregate
        self.count = 0
        self.values: list[float] = []
        self.distinct: set[str] = set()
        self.best: Any = None
        self.moment: tuple[int, Any] | None = None

    def add(self, record: Record) -> None:
        argument = self.aggregate.argument
        value = None if argument is None else argument.evaluate(record)
        if argument is not None and value is None:
            return
        self.count += 1
        function = self.aggregate.function
        if function == "count_distinct":
            self.distinct.add(text(value))
        elif function in ("earliest", "latest"):
            self._keep_moment(int(record.get("@timestamp") or 0), value)
        elif function in ("min", "max"):
            self._keep_best(value)
        elif function != "count" and (found := number(value)) is not None:
            self.values.append(found)

    def _keep_moment(self, stamp: int, value: Any) -> None:
        earliest = self.aggregate.function == "earliest"
        if self.moment is None or (stamp < self.moment[0] if earliest else stamp > self.moment[0]):
            self.moment = (stamp, value)

    def _keep_best(self, value: Any) -> None:
        found = number(value)
        if found is None:
            return
        current = number(self.best)
        if current is None or (found < current if self.aggregate.function == "min" else found > current):
            self.best = value if isinstance(value, Time) else found

    def result(self) -> Any:
        function = self.aggregate.function
        if function == "count":
            return self.count
        if function == "count_distinct":
            return len(self.distinct)
        if function in ("earliest", "latest"):
            return None if self.moment is None else self.moment[1]
        if function in ("min", "max"):
            return self.best
        return _summary(function, self.values, self.aggregate.percentile)


def _summary(function: str, values: list[float], percentile: float) -> Any:
    if not values:
        return None
    if function == "sum":
        return math.fsum(values)
    if function == "avg":
        return math.fsum(values) / len(values)
    if function == "stddev":
        return statistics.stdev(values) if len(values) > 1 else 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(percentile / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def aggregate(command: Stats, records: Iterable[Record]) -> tuple[list[Record], int]:
    """One row per group (groups in the order first seen), and how many records went in.

    Each row holds the group columns, then the aggregates, leaving out columns with no value.
    """
    groups: dict[tuple[str | None, ...], tuple[list[Any], list[_Accumulator]]] = {}
    seen = 0
    for record in records:
        seen += 1
        values = [node.evaluate(record) for _, node in command.groups]
        key = tuple(None if value is None else text(value) for value in values)
        if key not in groups:
            groups[key] = (values, [_Accumulator(item) for item in command.aggregates])
        for accumulator in groups[key][1]:
            accumulator.add(record)
    rows = []
    for values, accumulators in groups.values():
        columns = zip(command.groups, values, strict=True)
        row: Record = {name: value for (name, _), value in columns if value is not None}
        for accumulator in accumulators:
            result = accumulator.result()
            if result is not None:
                row[accumulator.aggregate.name] = result
        rows.append(row)
    return rows, seen
