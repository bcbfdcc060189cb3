"""Benchmark (not a test): the local Logs Insights interpreter's cost per event and command.

Run with ``python bench/logs_insights_bench.py``. Runs the sample runbooks' query shapes over 10k, 50k and
100k synthetic Lambda and Container Insights events and prints the median seconds per query and microseconds
per event × command: the cost should stay flat as the events grow (the interpreter is one pass per command).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.fakes.logs_insights import LogEvent, run_query  # noqa: E402

QUERIES = {
    "count by bin": ("filter @message like /started_at has no value/ | stats count() as failures by bin(30m)", 2),
    "lambda report": ('filter @type = "REPORT" | stats count() as n, pct(@duration, 50) as p50, max(@duration) as '
                      "max_ms by bin(15m)", 2),
    "json task peak": ('filter Type = "Task" and TaskId = "t7" | stats max(MemoryUtilized) as peak by bin(1m)', 2),
    "parse and group": ('filter @message like /RunTask failed/ | parse @message "reason=* job=*" as reason, job '
                        "| stats count() as n by reason | sort n desc | limit 20", 5),
    "raw rows": ("fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 50", 4),
}


def events(count: int) -> list[LogEvent]:
    """A mix of Lambda platform and runtime lines, JSON metrics and dispatcher lines, one a second."""
    start = 1_795_000_000_000
    shapes = [
        "REPORT RequestId: 8d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6\tDuration: {n}.5 ms\tBilled Duration: {n} ms"
        "\tMemory Size: 512 MB\tMax Memory Used: 200 MB",
        "[ERROR]\t2026-11-21T03:00:00.000Z\t8d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6\tstarted_at has no value {n}",
        json.dumps({"Type": "Task", "TaskId": "t7", "MemoryUtilized": 100, "MemoryReserved": 2048}),
        "RunTask failed: reason=RESOURCE:MEMORY job={n}",
    ]
    return [LogEvent("/aws/lambda/f", "s", start + number * 1000, start,
                     shapes[number % 4].replace("{n}", str(number % 997)), number) for number in range(count)]


def main() -> None:
    print("events   query              median s   µs per event×command")
    for count in (10_000, 50_000, 100_000):
        sample = events(count)
        for name, (query, commands) in QUERIES.items():
            times = []
            for _ in range(3):
                began = time.perf_counter()
                run_query(query, sample, account="123456789012")
                times.append(time.perf_counter() - began)
            median = statistics.median(times)
            print(f"{count:>7}  {name:<17} {median:9.3f}   {median / (count * commands) * 1e6:8.2f}")


if __name__ == "__main__":
    main()
