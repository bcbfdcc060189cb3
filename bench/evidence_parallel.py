"""Benchmark: a runbook's evidence steps (6, 24 and 48), each against a backend answering after 300 ms, in parallel.

The steps use the worker's own tools (built as at cold start from settings): two Cloud Logging queries, a GitHub
code search and a file read, and two jobs API calls through the in-process MCP server, repeated to 24 and 48 steps.
Each step alone takes about one backend round trip; run together, as the worker runs them, they should finish
within 1.5x the slowest of them.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.config import Settings
from app.fakes.cloud_logging import FakeCloudLogging
from app.fakes.github_api import FakeGitHub
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.runbooks.catalog import load_catalog
from app.runbooks.model import EvidenceSpec, Runbook
from app.secret_reader import secret_reader
from app.slack.poster import MemoryPoster
from app.storage.triage import SQLiteTriageStore
from app.worker.evidence import collect_evidence
from app.worker.handler import worker_deps
from app.worker.threads import run_steps
from tools.registry import ToolRegistry

LATENCY = 0.3
RUNS = 7
STEP_COUNTS = (6, 24, 48)
ALERT_TIME = datetime(2026, 11, 20, 3, 12, 9, tzinfo=UTC)
GITHUB_TOKEN = "ghp-bench-token"  # noqa: S105 - the local fake's token
STEPS = (
    EvidenceSpec(id="repeats", tool="cloud_logging_query",
                 args={"filter": 'textPayload:"started_at has no value"', "since": "-12h", "until": "+12h"}),
    EvidenceSpec(id="errors", tool="cloud_logging_query",
                 args={"filter": "", "severity": "ERROR", "since": "-1h", "until": "+1h"}),
    EvidenceSpec(id="code", tool="github_search_code", args={"query": "started_at"}),
    EvidenceSpec(id="source", tool="github_read_file", args={"repo": "acme/runner", "path": "runner/tasks.py"}),
    EvidenceSpec(id="job", tool="jobs_get_job", args={"job_id": "16852935"}),
    EvidenceSpec(id="queue", tool="jobs_get_queue", args={"queue_name": "default"}),
)
RUNBOOK = Runbook(id="bench-001", title="Six evidence steps", evidence=STEPS)


def _backends() -> tuple[FakeCloudLogging, FakeGitHub, FakeJobsAPI]:
    entries = [{"timestamp": "2026-11-20T03:12:09Z", "severity": "ERROR", "textPayload": "started_at has no value"}]
    github = FakeGitHub(token=GITHUB_TOKEN, latency=LATENCY)
    github.push("acme/runner", {"runner/tasks.py": "def start(task):\n    task.started_at = now()\n"})
    jobs = FakeJobsAPI(
        [{"method": "GET", "path": "/v1/jobs/16852935", "body": {"id": "16852935", "status": "succeeded"}},
         {"method": "GET", "path": "/v1/queues/default", "body": {"name": "default", "depth": 3}}],
        latency=LATENCY,
    )
    return FakeCloudLogging(entries, latency=LATENCY), github, jobs


def _registry(logs: FakeCloudLogging, github: FakeGitHub, jobs: FakeJobsAPI, state: Path) -> ToolRegistry:
    os.environ["AIOPS_SECRET_GOOGLE"] = json.dumps(logs.service_account_info())
    os.environ["AIOPS_SECRET_GITHUB"] = json.dumps({"token": GITHUB_TOKEN})
    os.environ["AIOPS_SECRET_JOBS_API"] = json.dumps({"token": DEFAULT_TOKEN})
    settings = Settings(
        runbooks=str(Path(__file__).resolve().parents[1] / "runbooks"), state_dir=state,
        google_project=logs.project, google_logging_endpoint=logs.url, github_api_url=github.url,
        github_repos=("acme/runner",), jobs_api_spec=str(SAMPLE_SPEC), jobs_api_base_url=jobs.url,
    )
    deps = worker_deps(settings, slack=MemoryPoster(), store=SQLiteTriageStore(state / "triage.db"),
                       secrets=secret_reader(settings))
    return deps.tools(load_catalog(deps.source))


def _seconds(registry: ToolRegistry, steps: tuple[EvidenceSpec, ...]) -> float:
    runbook = RUNBOOK.model_copy(update={"evidence": steps})
    started = time.perf_counter()
    evidence = collect_evidence(runbook, {}, ALERT_TIME, registry, timeout=10, refuse=registry.refusal)
    results = run_steps(evidence)
    elapsed = time.perf_counter() - started
    failed = [f"{item.step_id}: {item.status} {item.error}" for item in results if item.status != "ok"]
    if failed:
        raise SystemExit(f"evidence step failed: {failed}")
    return elapsed


def steps(count: int) -> tuple[EvidenceSpec, ...]:
    """``count`` steps: the six kinds in turn, each with its own id."""
    return tuple(
        STEPS[index % len(STEPS)].model_copy(update={"id": f"{STEPS[index % len(STEPS)].id}-{index}"})
        for index in range(count)
    )


def parallel_evidence() -> dict[int, dict[str, Any]]:
    """Per step count: median over runs of (all steps in parallel) / (slowest step alone), and the figures behind it."""
    logs, github, jobs = _backends()
    figures = {}
    with logs, github, jobs, tempfile.TemporaryDirectory() as state:
        registry = _registry(logs, github, jobs, Path(state))
        _seconds(registry, steps(max(STEP_COUNTS)))  # warm-up: connections, signed tokens, lazy imports
        for count in STEP_COUNTS:
            figures[count] = _figures(registry, steps(count))
        _stop_mcp_clients(registry)
    return figures


def _figures(registry: ToolRegistry, batch: tuple[EvidenceSpec, ...]) -> dict[str, Any]:
    ratios, totals, slowest = [], [], []
    for _ in range(RUNS):
        single = max(_seconds(registry, (step,)) for step in STEPS)
        together = _seconds(registry, batch)
        ratios.append(together / single)
        totals.append(together)
        slowest.append(single)
    return {
        "ratio_median": statistics.median(ratios), "ratio_max": max(ratios), "runs": RUNS,
        "parallel_median_ms": statistics.median(totals) * 1000,
        "slowest_step_median_ms": statistics.median(slowest) * 1000,
    }


def _stop_mcp_clients(registry: ToolRegistry) -> None:
    clients = {id(client): client for tool in registry.agent_tools() if (client := getattr(tool, "mcp_client", None))}
    for client in clients.values():
        client.stop(None, None, None)


def main() -> None:
    """Print the figures per step count, and as JSON."""
    figures = parallel_evidence()
    for count, item in figures.items():
        print(f"{count} evidence steps in parallel / slowest alone ({LATENCY * 1000:.0f} ms backends): "
              f"{item['ratio_median']:.2f}x (max {item['ratio_max']:.2f}x; {item['parallel_median_ms']:.0f} ms vs "
              f"{item['slowest_step_median_ms']:.0f} ms; n={item['runs']}; target <= 1.5x)")
    print(json.dumps({str(count): item for count, item in figures.items()}))


if __name__ == "__main__":
    main()
