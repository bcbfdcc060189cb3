"""The fields Logs Insights discovers in one log event: system fields, JSON keys and Lambda's own fields."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

from app.fakes.logs_insights.expressions import Record, Time

MAX_JSON_FIELDS = 200
"""Insights discovers at most this many fields in one JSON event; the rest stay only in @message."""
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_REPORT = re.compile(
    r"REPORT RequestId: (?P<id>\S+)\s+Duration: (?P<duration>[\d.]+) ms\s+Billed Duration: (?P<billed>\d+) ms"
    r"\s+Memory Size: (?P<size>\d+) MB\s+Max Memory Used: (?P<used>\d+) MB(?:\s+Init Duration: (?P<init>[\d.]+) ms)?"
)
_START_END = re.compile(r"(?:START|END) RequestId: (\S+)")
_RUNTIME_LINE = re.compile(rf"(?:\[[A-Z]+\]\s+)?\d{{4}}-\d\d-\d\dT\S+\s+({_UUID})\s")
_MEGABYTE = 1_000_000
"""Insights reports Lambda's memory fields in bytes, with 1 MB taken as 10^6 bytes."""


@dataclass(frozen=True)
class LogEvent:
    """One stored event with where it lives."""

    group: str
    stream: str
    timestamp: int
    ingestion_time: int
    message: str
    event_id: int


def event_record(event: LogEvent, account: str) -> Record:
    """The fields of one event as Insights sees them (system fields win over discovered ones)."""
    discovered = _json_fields(event.message)
    if event.group.startswith("/aws/lambda/"):
        discovered.update(lambda_fields(event.message))
    pointer = base64.b64encode(f"{account}:{event.group}:{event.stream}:{event.event_id}".encode()).decode()
    system = {
        "@timestamp": Time(event.timestamp),
        "@message": event.message,
        "@logStream": event.stream,
        "@log": f"{account}:{event.group}",
        "@ingestionTime": Time(event.ingestion_time),
        "@ptr": pointer,
    }
    return {**discovered, **system}


def lambda_fields(message: str) -> Record:
    """``@type``, ``@requestId``, ``@duration`` … of a Lambda platform line, ``@requestId`` of a runtime line."""
    report = _REPORT.match(message)
    if report:
        fields: Record = {
            "@type": "REPORT",
            "@requestId": report["id"],
            "@duration": float(report["duration"]),
            "@billedDuration": int(report["billed"]),
            "@memorySize": int(report["size"]) * _MEGABYTE,
            "@maxMemoryUsed": int(report["used"]) * _MEGABYTE,
        }
        if report["init"]:
            fields["@initDuration"] = float(report["init"])
        return fields
    for pattern in (_START_END, _RUNTIME_LINE):
        found = pattern.match(message)
        if found:
            return {"@requestId": found.group(1)}
    return {}


def _json_fields(message: str) -> Record:
    if not message.lstrip().startswith("{"):
        return {}
    try:
        value = json.loads(message)
    except ValueError:
        return {}
    fields: Record = {}
    if isinstance(value, dict):
        _flatten(value, "", fields)
    return fields


def _flatten(value: Any, prefix: str, into: Record) -> None:
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if len(into) >= MAX_JSON_FIELDS:
            return
        name = f"{prefix}{key}"
        if isinstance(item, dict | list):
            _flatten(item, name + ".", into)
        elif item is not None:
            into[name] = item
