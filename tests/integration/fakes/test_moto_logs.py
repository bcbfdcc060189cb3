"""Logs Insights queries through the real boto3 client against the patched moto server."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

NOW_S = int(time.time()) // 3600 * 3600 - 3600
"""A whole hour, so bins are predictable."""
NOW_MS = NOW_S * 1000
LAMBDA = "/aws/lambda/jobs-prod-gke-health-checker"
REQUEST = "8f5c2a7e-1b3d-4c9e-a6f0-2d7b9e1c4a53"
OTHER = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def _put(logs: Any, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(logGroupName=group, logStreamName=stream,
                        logEvents=[{"timestamp": NOW_MS + offset * 1000, "message": text} for offset, text in events])


def _query(logs: Any, query: str, groups: list[str], since: int = -86400, until: int = 3600, **extra: Any
           ) -> dict[str, Any]:
    query_id = logs.start_query(logGroupNames=groups, startTime=NOW_S + since, endTime=NOW_S + until,
                                queryString=query, **extra)["queryId"]
    return logs.get_query_results(queryId=query_id)  # type: ignore[no-any-return]


def _rows(results: dict[str, Any]) -> list[dict[str, str]]:
    assert results["status"] == "Complete"
    return [{cell["field"]: cell["value"] for cell in row} for row in results["results"]]


@pytest.fixture
def logs(client: Callable[[str], Any]) -> Any:
    logs = client("logs")
    _put(logs, LAMBDA, "2026/11/21/[$LATEST]a1", [
        (-7 * 3600, "[ERROR]\t2026-11-20T20:00:00.000Z\t" + OTHER + "\tstarted_at has no value for normal-2"),
        (0, f"START RequestId: {REQUEST} Version: $LATEST"),
        (1, f"[ERROR]\t2026-11-21T03:00:01.000Z\t{REQUEST}\tstarted_at has no value for normal-4 of job 16853520"),
        (2, f"END RequestId: {REQUEST}"),
        (3, f"REPORT RequestId: {REQUEST}\tDuration: 1520.50 ms\tBilled Duration: 1521 ms\tMemory Size: 512 MB"
            "\tMax Memory Used: 180 MB"),
        (4, f"REPORT RequestId: {OTHER}\tDuration: 300.00 ms\tBilled Duration: 300 ms\tMemory Size: 512 MB"
            "\tMax Memory Used: 120 MB\tInit Duration: 250.10 ms"),
        (30 * 3600, "started_at has no value, but outside the window"),
    ])
    return logs


def test_stats_count_by_bin_counts_only_the_filtered_events_in_the_window(logs: Any) -> None:
    results = _query(logs, "filter @message like /started_at has no value/ | stats count() as failures by bin(30m)",
                     [LAMBDA], since=-12 * 3600)

    rows = _rows(results)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(NOW_S))
    earlier = time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(NOW_S - 7 * 3600))
    assert rows == [{"bin(30m)": stamp, "failures": "1"}, {"bin(30m)": earlier, "failures": "1"}]
    assert results["statistics"] == {"recordsMatched": 2.0, "recordsScanned": 6.0, "bytesScanned": pytest.approx(
        results["statistics"]["bytesScanned"])}
    assert results["statistics"]["bytesScanned"] > 300


def test_lambda_fields_select_one_invocation_and_its_report(logs: Any) -> None:
    invocation = _rows(_query(
        logs, f'fields @timestamp, @message | filter @requestId = "{REQUEST}" | sort @timestamp asc | limit 100',
        [LAMBDA],
    ))
    reports = _rows(_query(
        logs, 'filter @type = "REPORT" | stats count() as invocations, max(@duration) as max_ms, '
              "max(@maxMemoryUsed / 1000 / 1000) as peak_mb, pct(@duration, 50) as p50", [LAMBDA]
    ))

    assert [row["@message"].split()[0] for row in invocation] == ["START", "[ERROR]", "END", "REPORT"]
    assert invocation[0]["@timestamp"] == time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(NOW_S))
    assert all(set(row) == {"@timestamp", "@message", "@ptr"} for row in invocation)
    assert reports == [{"invocations": "2", "max_ms": "1520.5", "peak_mb": "180", "p50": "300"}]


def test_container_insights_json_fields_aggregate_by_task(client: Callable[[str], Any]) -> None:
    logs = client("logs")
    group = "/aws/ecs/containerinsights/jobs-prod/performance"
    task = {"Type": "Task", "TaskId": "4f1c", "ClusterName": "jobs-prod", "MemoryReserved": 2048}
    _put(logs, group, "FargateTelemetry-1", [
        (0, json.dumps({**task, "MemoryUtilized": 1500, "Labels": {"job": "16853520"}})),
        (60, json.dumps({**task, "MemoryUtilized": 2047, "Labels": {"job": "16853520"}})),
        (61, json.dumps({**task, "TaskId": "other", "MemoryUtilized": 4000})),
        (62, json.dumps({**task, "Type": "Container", "MemoryUtilized": 3000})),
    ])

    rows = _rows(_query(logs, 'filter Type = "Task" and TaskId = "4f1c" | stats max(MemoryUtilized) as peak_mib, '
                              "max(MemoryReserved) as limit_mib, count_distinct(Labels.job) as jobs", [group]))

    assert rows == [{"peak_mib": "2047", "limit_mib": "2048", "jobs": "1"}]


def test_parse_glob_and_regex_make_fields_to_group_by(client: Callable[[str], Any]) -> None:
    logs = client("logs")
    group = "/aws/lambda/jobs-prod-dispatcher"
    _put(logs, group, "s", [
        (0, "RunTask failed: reason=RESOURCE:MEMORY job=1"),
        (1, "RunTask failed: reason=RESOURCE:MEMORY job=2"),
        (2, "RunTask failed: reason=AGENT job=3"),
        (3, "dispatched job=4"),
    ])

    glob = _rows(_query(logs, 'filter @message like "RunTask failed" | parse @message "reason=* job=*" as reason, job '
                              "| stats count() as n by reason | sort n desc", [group]))
    regex = _rows(_query(logs, r"parse @message /job=(?<job>\d+)/ | filter job >= 3 | display job", [group]))

    assert glob == [{"reason": "RESOURCE:MEMORY", "n": "2"}, {"reason": "AGENT", "n": "1"}]
    assert [row["job"] for row in regex] == ["4", "3"]
    assert all("@ptr" in row and "@message" not in row for row in regex)


@pytest.mark.parametrize(("condition", "expected"), [
    ("status >= 500", ["502", "503"]),
    ("status >= 500 and route != \"/health\"", ["503"]),
    ("status in [200, 502] or (route like /jobs/ and not status = 503)", ["200", "502"]),
    ("route not like /jobs/", ["502"]),
    ("ispresent(user) and status < 300", ["200"]),
    ("route =~ /^\\/jobs\\/\\d+$/", ["200", "503"]),
])
def test_filter_operators(client: Callable[[str], Any], condition: str, expected: list[str]) -> None:
    logs = client("logs")
    _put(logs, "/ecs/jobs-api", "web/1", [
        (0, json.dumps({"status": 200, "route": "/jobs/7", "user": "a"})),
        (1, json.dumps({"status": 502, "route": "/health"})),
        (2, json.dumps({"status": 503, "route": "/jobs/8"})),
    ])

    rows = _rows(_query(logs, f"filter {condition} | sort status asc | fields status", ["/ecs/jobs-api"]))

    assert [row["status"] for row in rows] == expected


def test_rows_without_fields_show_every_field_and_limits_apply(logs: Any) -> None:
    newest = _rows(_query(logs, "filter @message like /RequestId/", [LAMBDA], limit=2))
    limited = _rows(_query(logs, "sort @timestamp asc | limit 1 | fields @message", [LAMBDA]))

    assert [row["@message"][:6] for row in newest] == ["REPORT", "REPORT"]
    shown = {"@timestamp", "@message", "@logStream", "@log", "@ptr", "@requestId", "@type", "@duration"}
    assert shown <= set(newest[0])
    assert newest[0]["@log"].endswith(":" + LAMBDA)
    assert newest[0]["@maxMemoryUsed"] == "120000000"
    assert newest[0]["@initDuration"] == "250.1"
    assert limited == [{"@message": limited[0]["@message"], "@ptr": limited[0]["@ptr"]}]
    assert "normal-2" in limited[0]["@message"]


@pytest.mark.parametrize(("query", "message"), [
    ("filter @message like", "end of the query"),
    ("stats count() by bin(30x)", "bin"),
    ("filter @message like /(unclosed/", "regular expression"),
    ("pattern @message", "pattern command is not supported"),
    ("fields @message | frobnicate", "expected a command"),
    ("stats median(x)", "stats takes functions"),
    ("parse @message \"a=* b=*\" as a", "2 '\\*' but 1 names"),
    ("filter nosuch(x)", "unknown function"),
    ("", "expected a command"),
])
def test_a_query_that_does_not_compile_fails_to_start(logs: Any, query: str, message: str) -> None:
    with pytest.raises(ClientError) as raised:
        _query(logs, query, [LAMBDA])

    error = raised.value.response
    assert error["Error"]["Code"] == "MalformedQueryException"
    assert re.search(message, error["Error"]["Message"])
    assert error["queryCompileError"]["location"]["startCharOffset"] <= len(query)


def test_an_unknown_log_group_is_not_found(logs: Any) -> None:
    with pytest.raises(ClientError) as raised:
        _query(logs, "stats count()", ["/aws/lambda/nope"])

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
