"""Benchmark: a burst of 500 alerts in one minute through the real ingress and worker, in process.

The mix: 5 storms of 80 alike alerts (one runbook each, other job ids), 10 alerts that each fire 6 times, and 40
single alerts. Each alert is a signed Slack event handed to the real ingress; its jobs wait in a queue that a
fixed pool of workers drains, as Lambda's async queue does for a function with reserved concurrency. The worker
is the real one (SQLite stores, the sample catalog, a scripted model). Reported: every alert got a reply or a
link, none lost, the most worker runs (investigations or links) at once against the cap, investigations and model calls.

Run with ``make bench`` (or ``python bench/burst.py``).
"""

from __future__ import annotations

import json
import queue
import random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml
from slack_sdk import WebClient

from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import event_callback, http_event, message_event
from app.ingress.app import SlackCredentials
from app.ingress.dedupe import SQLitePersistenceLayer
from app.ingress.handler import build_ingress
from app.models import Job
from app.secret_reader import secret_reader
from app.slack.poster import SlackPoster
from app.storage.claims_sqlite import SQLiteClaimStore
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import worker_deps
from app.worker.jobs import Outcome, handle_job

CHANNEL = "C0ALERTS"
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
CAP = 10  # the worker's reserved concurrency
STORMS = (
    "CannotPullContainerError: no matching manifest for linux/amd64 job_id={n}",
    "Task stopped: OutOfMemoryError: Container killed due to memory usage, exit code 137 job_id={n}",
    "[ERROR] healthcheck error: started_at has no value tasks:normal-{k} job_id={n}",
    "job {n} QUEUED for 25 min in queue jobs-prod-gpu",
    "Step Functions execution arn:aws:states:us-east-1:123456789012:execution:jobs-train:run-{n} FAILED job_id {n}",
)
REPORT = {"title": "t", "cause": "c", "findings": [], "recommended_action": "a", "decision": "monitor",
          "confidence": "medium"}


def burst_texts(seed: int = 15) -> list[str]:
    """500 alert texts in arrival order: storms, repeats and singles interleaved."""
    texts = [template.format(n=18_000_000 + s * 1000 + i, k=i % 7) for s, template in enumerate(STORMS)
             for i in range(80)]
    texts += [f"Disk usage above 90% on batch-runner-{i:02d} (/data)" for i in range(10) for _ in range(6)]
    texts += [f"Nightly export {name} finished with warnings" for name in _names(40)]
    random.Random(seed).shuffle(texts)
    return texts


class CappedQueue:
    """Jobs wait in a queue; ``cap`` workers take them one at a time (Lambda async invoke + reserved concurrency)."""

    def __init__(self, run: Any, cap: int) -> None:
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._run, self._lock = run, threading.Lock()
        self.running = self.most = 0
        self.outcomes: list[Outcome | Exception] = []
        self._threads = [threading.Thread(target=self._work, daemon=True) for _ in range(cap)]
        for thread in self._threads:
            thread.start()

    def dispatch(self, *, job: Job) -> dict[str, Any]:
        """Queue the job (the ingress's hand-off) and return at once."""
        self._jobs.put(job)
        return {"event_id": job.event_id, "status": 202}

    def drain(self) -> None:
        """Wait until every queued job ran, then stop the workers."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            with self._lock:
                self.running += 1
                self.most = max(self.most, self.running)
            try:
                result: Outcome | Exception = self._run(job)
            except Exception as exc:  # the worker told the thread; in AWS the job would be dead-lettered
                result = exc
            with self._lock:
                self.running -= 1
                self.outcomes.append(result)


def run_burst(state: Path, slack: FakeSlackAPI, texts: list[str]) -> dict[str, Any]:
    """Send the burst through the ingress and the worker; returns the figures."""
    script = state / "script.yaml"
    script.write_text(yaml.safe_dump({"turns": [{"structured": REPORT}]}), encoding="utf-8")
    settings = Settings(alert_channels=(CHANNEL,), state_dir=state, runbooks="runbooks", model=f"scripted:{script}")
    client = WebClient(token=slack.bot_token, base_url=slack.url)
    deps = worker_deps(settings, slack=SlackPoster(client), store=SQLiteTriageStore(state / "triage.sqlite3"),
                       secrets=secret_reader(settings))
    deps.claims = SQLiteClaimStore(state / "triage.sqlite3")
    workers = CappedQueue(lambda job: handle_job(job, deps), CAP)
    ingress = build_ingress(
        settings, credentials=SlackCredentials(signing_secret=SECRET, bot_token=slack.bot_token), dispatcher=workers,
        store=SQLitePersistenceLayer(state / "idempotency.db"), slack_client=client,
    )
    start = time.time() - 60
    sent = [f"{start + 60 * n / len(texts):.6f}" for n in range(len(texts))]
    began = time.perf_counter()
    statuses = [
        ingress.handle(http_event(event_callback(message_event(CHANNEL, ts, text, bot_id="B0MONITOR"),
                                                 event_id=f"EvBURST{n:04d}"), SECRET))["statusCode"]
        for n, (ts, text) in enumerate(zip(sent, texts, strict=True))
    ]
    workers.drain()
    elapsed = time.perf_counter() - began
    return _figures(slack, workers, sent, statuses, elapsed)


def _figures(
    slack: FakeSlackAPI, workers: CappedQueue, sent: list[str], statuses: list[int], elapsed: float
) -> dict[str, Any]:
    answered = {str(call.params.get("thread_ts")) for call in slack.calls_to("chat.postMessage")}
    records = [o.record for o in workers.outcomes if isinstance(o, Outcome) and o.record is not None]
    linked = [o for o in workers.outcomes if isinstance(o, Outcome) and o.record is None]
    return {
        "alerts": len(sent), "acked_200": statuses.count(200), "jobs_run": len(workers.outcomes),
        "failed_jobs": sum(isinstance(o, Exception) for o in workers.outcomes),
        "investigations": len(records), "linked_replies": len(linked),
        "repeats": sum(o.status.startswith("repeat") for o in linked),
        "storm_members": sum(o.status.startswith("storm") for o in linked),
        "model_calls": sum(r.usage.turns for r in records if r.mode == "model"),
        "model_tokens": sum(r.usage.total_tokens for r in records),
        "alerts_without_reply": sum(ts not in answered for ts in sent),
        "most_concurrent_worker_runs": workers.most, "concurrency_cap": CAP, "wall_seconds": round(elapsed, 1),
    }


def _names(count: int) -> list[str]:
    words = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "juniper")
    return [f"{words[i % 10]}-{words[(i // 10) % 10]}-{i}" for i in range(count)]


def main() -> None:
    with FakeSlackAPI(bot_token=TOKEN) as slack, tempfile.TemporaryDirectory() as folder:
        figures = run_burst(Path(folder), slack, burst_texts())
    for name, value in figures.items():
        print(f"{name:<32} {value}")
    print(json.dumps(figures))
    lost = figures["alerts_without_reply"] or figures["jobs_run"] != figures["alerts"]
    if lost or figures["most_concurrent_worker_runs"] > CAP:
        raise SystemExit("burst: an alert was lost, left without a reply, or the concurrency cap was passed")


if __name__ == "__main__":
    main()
