"""Benchmarks (not tests): ingress cold import, warm ack latency, jobs API MCP start-up, runbook engine figures,
runbook matching (accuracy, catalog load and match latency, alert parsing), parallel evidence steps,
redaction throughput.

Run with ``make bench``. Figures are medians and percentiles over repeated runs; the machine is shared,
so compare ratios between runs rather than absolute numbers.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evidence_parallel import LATENCY, parallel_evidence
from matching_bench import accuracy_rows as matching_rows
from matching_bench import label_rows, latency_rows
from redact_bench import redaction_rows
from runbooks_bench import accuracy_rows, github_load_rows
from slack_sdk import WebClient
from surfaces_bench import home_rows, surface_ack_rows

from app.config import Settings
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import event_callback, http_event, message_event
from app.ingress.app import SlackCredentials
from app.ingress.dedupe import SQLitePersistenceLayer
from app.ingress.handler import build_ingress
from app.models import Job

IMPORT_RUNS = 15
ACK_EVENTS = 1000
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
_IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); import app.ingress.handler; print(time.perf_counter() - t)"
)
MCP_STARTS = 15
MCP_IMPORT_RUNS = 5
_MCP_IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); import tools.openapi_mcp; print(time.perf_counter() - t)"
)


class _Discard:
    """A dispatcher that accepts every job and does nothing (the async invoke is not part of the ack)."""

    def __init__(self) -> None:
        self.jobs = 0

    def dispatch(self, *, job: Job) -> dict[str, Any]:
        self.jobs += 1
        return {"event_id": job.event_id}


def cold_import_seconds() -> list[float]:
    """Import time of the ingress handler in fresh interpreters."""
    times = []
    for _ in range(IMPORT_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_SNIPPET], check=True, capture_output=True, text=True
        ).stdout
        times.append(float(out.strip()))
    return times


def mcp_import_seconds() -> list[float]:
    """Import time of the jobs API MCP module (fastmcp, mcp) in fresh interpreters: part of the worker's cold start."""
    return [
        float(subprocess.run([sys.executable, "-c", _MCP_IMPORT_SNIPPET], check=True, capture_output=True,
                             text=True).stdout.strip())
        for _ in range(MCP_IMPORT_RUNS)
    ]


def mcp_startup_ms() -> list[float]:
    """Time for the worker to get the jobs API tools: spec, secret, FastMCP server, in-process MCP client, tool list."""
    from app.secret_reader import secret_reader
    from app.worker.jobs_api import jobs_api_tools

    os.environ["AIOPS_SECRET_JOBS_API"] = json.dumps({"token": DEFAULT_TOKEN})
    times = []
    with FakeJobsAPI([]) as api:
        settings = Settings(jobs_api_spec=str(SAMPLE_SPEC), jobs_api_base_url=api.url)
        for _ in range(MCP_STARTS):
            started = time.perf_counter()
            tools = jobs_api_tools(settings, secret_reader(settings))
            times.append((time.perf_counter() - started) * 1000)
            if len(tools) != 7:
                raise SystemExit(f"expected 7 jobs API tools, got {len(tools)}")
            tools[0].mcp_client.stop(None, None, None)
    return times


def warm_ack_ms() -> tuple[list[float], int]:
    """Latency of ``Ingress.handle`` for signed alert events, after one warm-up request."""
    with FakeSlackAPI(bot_token=TOKEN) as slack, tempfile.TemporaryDirectory() as state:
        dispatcher = _Discard()
        ingress = build_ingress(
            Settings(alert_channels=("C0ALERTS",), state_dir=Path(state)),
            credentials=SlackCredentials(signing_secret=SECRET, bot_token=TOKEN),
            dispatcher=dispatcher,
            store=SQLitePersistenceLayer(Path(state) / "idempotency.db"),
            slack_client=WebClient(token=TOKEN, base_url=slack.url),
        )
        bodies = [
            event_callback(
                message_event("C0ALERTS", f"1700000000.{n:06d}", f"CannotPullContainerError job_id={n}"),
                event_id=f"EvBENCH{n:06d}",
            )
            for n in range(ACK_EVENTS + 1)
        ]
        ingress.handle(http_event(bodies[0], SECRET))  # warm-up: Bolt's auth.test, SQLite pages
        latencies = []
        for body in bodies[1:]:
            event = http_event(body, SECRET)
            started = time.perf_counter()
            status = ingress.handle(event)["statusCode"]
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"unexpected status {status}")
        return latencies, dispatcher.jobs


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of the sorted values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    imports = cold_import_seconds()
    acks, jobs = warm_ack_ms()
    mcp_imports = mcp_import_seconds()
    mcp_starts = mcp_startup_ms()
    evidence = parallel_evidence()
    rows = [
        ("ingress cold import (fresh process)", f"{statistics.median(imports):.3f} s",
         f"p90 {percentile(imports, 0.9):.3f} s", "< 0.5 s", f"n={len(imports)}"),
        ("warm ack latency p50", f"{percentile(acks, 0.5):.2f} ms", "", "", f"n={len(acks)}"),
        ("warm ack latency p99", f"{percentile(acks, 0.99):.2f} ms", f"max {max(acks):.2f} ms", "< 50 ms",
         f"jobs={jobs}"),
        ("jobs API MCP import (fresh process)", f"{statistics.median(mcp_imports):.3f} s",
         f"max {max(mcp_imports):.3f} s", "", f"n={len(mcp_imports)}"),
        ("jobs API MCP start-up in the worker", f"{statistics.median(mcp_starts):.0f} ms",
         f"first {mcp_starts[0]:.0f} ms, max {max(mcp_starts):.0f} ms", "", f"n={len(mcp_starts)}"),
        *[(f"{count} evidence steps in parallel / slowest alone ({LATENCY * 1000:.0f} ms backends)",
           f"{figures['ratio_median']:.2f}x",
           f"max {figures['ratio_max']:.2f}x; {figures['parallel_median_ms']:.0f} ms vs "
           f"{figures['slowest_step_median_ms']:.0f} ms", "< 1.5x", f"n={figures['runs']}")
          for count, figures in evidence.items()],
    ]
    rows += github_load_rows() + accuracy_rows() + matching_rows() + latency_rows() + label_rows()
    rows += surface_ack_rows() + home_rows() + redaction_rows()
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    header = ("benchmark", "value", "spread", "target", "runs")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    for row in (header, *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    summary = {"cold_import_median_s": statistics.median(imports), "ack_p50_ms": percentile(acks, 0.5),
               "ack_p99_ms": percentile(acks, 0.99), "mcp_import_median_s": statistics.median(mcp_imports),
               "mcp_startup_median_ms": statistics.median(mcp_starts), "mcp_startup_first_ms": mcp_starts[0],
               **{f"evidence_{count}_ratio_median": figures["ratio_median"] for count, figures in evidence.items()},
               **{f"evidence_{count}_parallel_ms": item["parallel_median_ms"] for count, item in evidence.items()},
               "evidence_slowest_step_ms": evidence[6]["slowest_step_median_ms"]}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
