"""Benchmark: the worker's cold start from the built asset, as Lambda runs it.

Builds the worker asset for this machine's platform (same plan as the Linux arm64 one: its layout and its Python
3.11 byte code), then starts fresh interpreters that see only that folder, the runtime's AWS SDK and the standard
library (``python -I -S``). Each imports ``app.worker.handler`` (Lambda's init phase) and handles one alert against
the local Slack fake. Reported: time from the interpreter's start to the first Slack post (the progress message),
the handler's import time, when the report is in the thread (the handler returns), and peak memory (max RSS),
median of the runs; once with no tool configured, once with the jobs API configured (its spec and the local
fake), whose MCP server is built at the cold start while the progress message goes out.

Run with ``make bench`` (``python -m bench.coldstart``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from app.fakes.http import HTTPRequest, HTTPResponse
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.fakes.slack_api import FakeSlackAPI
from infra.assets import build, build_all, host_platform, runtime_sdk_plan

RUNS = 5
TARGET_S = 1.5
CHANNEL = "C0ALERTS01"
TOKEN = "xoxb-bench-token"  # noqa: S105 - the local fake's token
RUNBOOKS = Path(__file__).resolve().parents[1] / "runbooks"
ALERT = "[ERROR] healthcheck error: started_at has no value tasks:normal-4 job_id=16852935"
SCRIPT = """
import time
started = time.monotonic()
import json, resource, sys
sys.path[:0] = sys.argv[1].split("|")
import app.worker.handler as handler
imported = time.monotonic()

class Context:
    function_name = "aiops-bench"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:aiops-bench"
    aws_request_id = "bench-request"

    def get_remaining_time_in_millis(self):
        return 600000

result = handler.lambda_handler(json.loads(sys.argv[2]), Context())
answered = time.monotonic()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"status": result["status"], "import_s": imported - started, "reply_s": answered - started,
                  "started": started, "peak_mb": peak_mb}))
"""


class _TimedSlack(FakeSlackAPI):
    """The Slack fake, noting when the first message is posted (monotonic clock, shared by processes on Linux)."""

    def __init__(self) -> None:
        super().__init__(bot_token=TOKEN)
        self.first_post: float | None = None
        self._posted = threading.Lock()

    def handle(self, request: HTTPRequest) -> HTTPResponse:
        if request.path.endswith("chat.postMessage"):
            with self._posted:
                if self.first_post is None:
                    self.first_post = time.monotonic()
        return super().handle(request)


def _environment(slack: FakeSlackAPI, state: Path, jobs: FakeJobsAPI | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
        "AIOPS_RUNBOOKS": str(RUNBOOKS), "AIOPS_MODEL": "none", "AIOPS_SLACK_API_URL": slack.url,
        "AIOPS_STATE_DIR": str(state), "AIOPS_SECRET_SLACK": json.dumps({"bot_token": TOKEN}),
        "POWERTOOLS_SERVICE_NAME": "aiops-worker",
    }
    if jobs is not None:
        env |= {"AIOPS_JOBS_API_SPEC": str(SAMPLE_SPEC), "AIOPS_JOBS_API_BASE_URL": jobs.url,
                "AIOPS_SECRET_JOBS_API": json.dumps({"token": DEFAULT_TOKEN})}
    return env


def _cold_start(folders: list[Path], env: dict[str, str], slack: _TimedSlack) -> dict[str, float]:
    slack.first_post = None
    ts = slack.add_message(CHANNEL, ALERT, bot_id="B0MONITOR")
    job = {"kind": "alert", "event_id": f"EvBench{ts}", "channel": CHANNEL, "ts": ts, "thread_ts": ts,
           "alert": {"title": "healthcheck", "text": ALERT, "time": "2026-11-20T03:12:09Z"}}
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", SCRIPT, "|".join(map(str, folders)), json.dumps(job)],
        env=env, capture_output=True, text=True, timeout=120, check=False, cwd="/",
    )
    if done.returncode != 0:
        raise SystemExit(f"cold start failed:\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if report["status"] != "ok" or slack.first_post is None:
        raise SystemExit(f"the worker did not post: {report}")
    return {"first_post_s": slack.first_post - report["started"], "import_s": report["import_s"],
            "reply_s": report["reply_s"], "peak_mb": report["peak_mb"]}


def cold_starts() -> dict[str, dict[str, float]]:
    """Median figures of :data:`RUNS` cold starts, without tools and with the jobs API configured."""
    folders = [build_all(platform=host_platform())["worker"], build(runtime_sdk_plan(), platform=host_platform())]
    figures = {}
    with _TimedSlack() as slack, FakeJobsAPI([]) as jobs, tempfile.TemporaryDirectory() as states:
        for name, api in (("no tools", None), ("jobs API", jobs)):
            runs = []
            for run in range(RUNS):
                # A fresh state folder per run: the same alert twice is a repeat, answered with a link.
                state = Path(states) / f"{name.replace(' ', '-')}-{run}"
                runs.append(_cold_start(folders, _environment(slack, state, api), slack))
            figures[name] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            figures[name]["first_post_max_s"] = max(run["first_post_s"] for run in runs)
    return figures


def main() -> None:
    figures = cold_starts()
    print(f"Worker cold start from the built asset ({host_platform()}, Python 3.11 byte code, median of {RUNS})")
    print("configuration  first Slack post  (max)   handler import  report posted  peak memory  target  ok")
    for name, item in figures.items():
        ok = "yes" if item["first_post_s"] <= TARGET_S else "NO"
        print(f"{name:<13}  {item['first_post_s']:.2f} s          ({item['first_post_max_s']:.2f} s)  "
              f"{item['import_s']:.2f} s          {item['reply_s']:.2f} s         {item['peak_mb']:.0f} MB       "
              f"<= {TARGET_S} s  {ok}")
    print(json.dumps({name.replace(" ", "_"): item for name, item in figures.items()}))


if __name__ == "__main__":
    main()
