"""Benchmark: building the OpenAPI-described APIs' tools at cold start, for one API (the jobs API) and for two.

Each run reads the specs, builds each API's MCP server and starts its in-process client, as the worker's
background build does (``app.worker.apis.api_tool_sets``), against local fakes. The first run of each also pays
the imports; the median is over the runs after it. ``python -m bench.apis_build``.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

from app.api_settings import ApiSettings
from app.config import Settings
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.secret_reader import secret_reader
from app.worker.apis import api_tool_sets
from tools.registry import ToolSet

BILLING_SPEC = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "apis" / "billing_openapi.yaml"
RUNS = 6


def _timed(settings: Settings) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        sets = api_tool_sets(settings, secret_reader(settings))
        times.append((time.perf_counter() - start) * 1000)
        _stop(sets)
    return times


def _stop(sets: list[ToolSet]) -> None:
    for tool_set in sets:
        tool_set.tools[0].mcp_client.stop(None, None, None)  # type: ignore[attr-defined]


def main() -> None:
    """Print the build time of one and of two APIs, one JSON line each."""
    os.environ.setdefault("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))
    os.environ.setdefault("AIOPS_SECRET_BILLING_API", json.dumps({"token": DEFAULT_TOKEN}))
    with FakeJobsAPI([]) as jobs, FakeJobsAPI([]) as billing:
        one = Settings(jobs_api_spec=str(SAMPLE_SPEC), jobs_api_base_url=jobs.url)
        two = one.model_copy(update={"apis": (ApiSettings(name="billing", spec=str(BILLING_SPEC),
                                                          base_url=billing.url),)})
        for label, settings in (("1 API", one), ("2 APIs", two)):
            times = _timed(settings)
            print(json.dumps({"apis": label, "first_ms": round(times[0], 1),
                              "median_ms": round(statistics.median(times[1:]), 1)}))


if __name__ == "__main__":
    main()
