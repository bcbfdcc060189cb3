"""The Logs Insights interpreter on its own: ordering, aggregates, discovered fields, compile errors."""

from __future__ import annotations

import json

import pytest

from app.fakes.logs_insights import LogEvent, QueryError, run_query
from app.fakes.logs_insights.events import MAX_JSON_FIELDS

BASE = 1_795_000_000_000


def _events(*messages: str, group: str = "/app") -> list[LogEvent]:
    return [LogEvent(group, "s", BASE + number * 1000, BASE, text, number) for number, text in enumerate(messages)]


def _rows(query: str, events: list[LogEvent], **extra: int) -> list[dict[str, str]]:
    result = run_query(query, events, account="123456789012", **extra)
    return [{cell["field"]: cell["value"] for cell in row} for row in result.rows]


def test_sort_is_natural_text_before_numbers_and_missing_last() -> None:
    events = _events(*(json.dumps({"v": value}) for value in ["a12", "10", "A9", "2", "a2", "#"]), "{}")

    ascending = _rows("sort v asc | fields v", events)
    descending = _rows("sort v desc | fields v", events)

    assert [row.get("v") for row in ascending] == ["#", "A9", "a2", "a12", "2", "10", None]
    assert [row.get("v") for row in descending] == ["10", "2", "a12", "a2", "A9", "#", None]


def test_earliest_latest_min_max_and_timestamps_print_as_insights_prints_them() -> None:
    events = _events("step=1", "step=3", "step=2")

    rows = _rows('parse @message "step=*" as step | stats earliest(step) as first, latest(step) as last, '
                 "min(@timestamp) as since, sum(step) as total, avg(step) as mean, stddev(step) as spread", events)

    assert rows == [{"first": "1", "last": "2", "since": "2026-11-18 11:06:40.000", "total": "6", "mean": "2",
                     "spread": "1"}]


def test_dedup_keeps_the_newest_of_each_value_and_stats_rows_have_no_ptr() -> None:
    events = _events('{"job": "a", "n": 1}', '{"job": "b", "n": 2}', '{"job": "a", "n": 3}')

    assert _rows("dedup job | fields job, n", events) == [
        {"job": "a", "n": "3", "@ptr": _rows("limit 1", events)[0]["@ptr"]},
        {"job": "b", "n": "2", "@ptr": _rows("sort @timestamp asc | limit 2", events)[1]["@ptr"]},
    ]
    assert _rows("stats count() by job", events) == [{"job": "a", "count()": "2"}, {"job": "b", "count()": "1"}]


def test_json_fields_are_flattened_with_dots_and_capped() -> None:
    nested = json.dumps({"detail": {"containers": [{"exitCode": 137, "ok": False}]}, "gone": None})
    wide = json.dumps({f"k{number}": number for number in range(MAX_JSON_FIELDS + 50)})

    row = _rows("fields detail.containers.0.exitCode as code, `detail.containers.0.ok`, gone", _events(nested))[0]
    widest = _rows("limit 1", _events(wide))[0]

    assert (row["code"], row["detail.containers.0.ok"], "gone" in row) == ("137", "false", False)
    assert sum(1 for name in widest if name.startswith("k")) == MAX_JSON_FIELDS


def test_lambda_fields_only_in_lambda_log_groups() -> None:
    line = "END RequestId: 8d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"

    assert _rows("fields @requestId", _events(line, group="/aws/lambda/f"))[0]["@requestId"].startswith("8d1e")
    assert "@requestId" not in _rows("fields @requestId", _events(line, group="/ecs/f"))[0]


def test_the_start_query_limit_applies_only_without_a_limit_command() -> None:
    events = _events(*(f"line {number}" for number in range(5)))

    assert len(_rows("fields @message", events, limit=2)) == 2
    assert len(_rows("fields @message | limit 4", events, limit=2)) == 4


@pytest.mark.parametrize("query", [
    "fields @message | stats count() by bin(0m)", "filter a = 'unterminated", "sort x | limit 10001",
    "stats count() as", "fields a | filter count() > 1", "filter x like 3", "parse @message /no names/",
    "fields 30m", "filter strlen(a, b)",
])
def test_malformed_queries_raise_with_a_position(query: str) -> None:
    with pytest.raises(QueryError) as raised:
        run_query(query, _events("x"), account="1")

    assert 0 <= raised.value.start <= raised.value.end <= len(query)
