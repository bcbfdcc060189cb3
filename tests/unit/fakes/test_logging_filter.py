"""The fake's subset of the Cloud Logging query language."""

from __future__ import annotations

from typing import Any

import pytest

from app.fakes.logging_filter import FilterError, compile_filter

ENTRIES: list[dict[str, Any]] = [
    {
        "insertId": "a",
        "timestamp": "2026-11-20T03:12:09.123456789Z",
        "severity": "ERROR",
        "textPayload": "[healthcheck] error: started_at has no value tasks:normal-4",
        "resource": {"type": "k8s_container", "labels": {"namespace_name": "jobs"}},
        "logName": "projects/demo/logs/stdout",
    },
    {
        "insertId": "b",
        "timestamp": "2026-11-20T03:10:00Z",
        "severity": "INFO",
        "jsonPayload": {"message": "task started", "job_id": "16852935", "attempt": 2},
        "resource": {"type": "k8s_container", "labels": {"namespace_name": "runner"}},
        "logName": "projects/demo/logs/runner",
    },
    {
        "insertId": "c",
        "timestamp": "2026-11-20T02:00:00Z",
        "severity": "WARNING",
        "textPayload": "slow query 2.3s",
        "resource": {"type": "cloud_run_revision", "labels": {}},
        "logName": "projects/demo/logs/run",
    },
]


def ids(text: str) -> list[str]:
    matches = compile_filter(text)
    return [entry["insertId"] for entry in ENTRIES if matches(entry)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["a", "b", "c"]),
        ('textPayload:"started_at has no value"', ["a"]),
        ('textPayload:"STARTED_AT"', ["a"]),  # has is case-insensitive
        ("severity>=WARNING", ["a", "c"]),
        ("severity=error", ["a"]),
        ("severity<INFO", []),
        ('timestamp>="2026-11-20T03:00:00Z"', ["a", "b"]),
        ('timestamp>="2026-11-20T03:00:00Z" AND timestamp<="2026-11-20T03:11:00Z"', ["b"]),
        ('timestamp>"2026-11-20T03:12:09.123Z"', ["a"]),  # nanosecond times are read
        ('resource.type="k8s_container"', ["a", "b"]),
        ('resource.type="k8s_container" resource.labels.namespace_name="runner"', ["b"]),
        ('logName="projects/demo/logs/run"', ["c"]),
        ('jsonPayload.job_id="16852935"', ["b"]),
        ("jsonPayload.attempt>=2", ["b"]),
        ("jsonPayload:*", ["b"]),
        ("NOT jsonPayload:*", ["a", "c"]),
        ('-severity="ERROR"', ["b", "c"]),
        ('severity=ERROR OR severity=WARNING', ["a", "c"]),
        ('(severity=ERROR OR severity=INFO) AND resource.type="k8s_container"', ["a", "b"]),
        ('"slow query"', ["c"]),
        ("16852935", ["b"]),
        ('textPayload=~"normal-[0-9]+"', ["a"]),
        ('textPayload!~"normal"', ["c"]),
        ('severity!=ERROR', ["b", "c"]),
        ('textPayload!="x"', ["a", "b", "c"]),  # a missing field is not equal to anything
    ],
)
def test_filters_select_the_right_entries(text: str, expected: list[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('textPayload:"open', "unexpected character"),
        ("(severity=ERROR", "ends too early"),
        ("severity=ERROR)", "unexpected ')'"),
        ("severity>=", "ends too early"),
        ("severity>=LOUD", "unknown severity"),
        ('timestamp>="yesterday"', "not a timestamp"),
        ('textPayload=~"("', "bad regular expression"),
        ("severity=ERROR AND", "ends too early"),
        ("= x", "unexpected '='"),
    ],
)
def test_bad_filters_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(FilterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compile_filter(text)


def test_quoted_label_keys_with_dots_and_slashes() -> None:
    entry = {"labels": {"jobs.example.com/job-id": "16852935"}, "resource": {"type": "k8s_container"}}
    assert compile_filter('labels."jobs.example.com/job-id"="16852935"')(entry)
    assert not compile_filter('labels."jobs.example.com/job-id"="1"')(entry)
    assert compile_filter('resource.type="k8s_container" AND labels."jobs.example.com/job-id":"1685"')(entry)
    assert not compile_filter('labels."jobs.example.com/other"="16852935"')(entry)
