"""Benchmarks of the Slack surfaces: the ingress's ack of each new surface, and building one person's App Home.

Run alone with ``python bench/surfaces_bench.py``, or as part of ``make bench``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from app.config import Settings
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import (
    FORM,
    command_body,
    event_callback,
    home_opened_event,
    http_event,
    interaction_body,
    message_event,
    shortcut_payload,
)
from app.ingress.app import SlackCredentials
from app.ingress.dedupe import SQLitePersistenceLayer
from app.ingress.handler import Ingress, build_ingress
from app.models import Alert, Job, JobKind, Rating, RatingLevel, TriageRecord, Usage, utcnow
from app.slack.poster import SlackPoster
from app.storage.sqlite import SQLiteTriageStore
from app.worker.surfaces import publish_home

ACKS = 300
HOME_RECORDS = 2000
HOME_RUNS = 20
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
JSON = "application/json"
Row = tuple[str, str, str, str, str]


class _Discard:
    def __init__(self) -> None:
        self.jobs = 0

    def dispatch(self, *, job: Job) -> dict[str, Any]:
        self.jobs += 1
        return {"event_id": job.event_id}


def _bodies(slack: FakeSlackAPI) -> dict[str, Callable[[int], tuple[str, str]]]:
    url = slack.response_url("bench")
    message = message_event("C0RANDOM", "1700000000.000100", "started_at has no value job_id=1", user="U0BOB")
    return {
        "app_home_opened": lambda n: (event_callback(home_opened_event("U0ALICE"), event_id=f"EvH{n}"), JSON),
        "/aiops help": lambda n: (command_body("help", user="U0ALICE", channel="C0RANDOM", response_url=url), FORM),
        "/aiops match": lambda n: (command_body(f"match disk {n}", user="U0ALICE", channel="C0RANDOM",
                                                response_url=url), FORM),
        "message shortcut": lambda n: (interaction_body(shortcut_payload(
            message, channel="C0RANDOM", user="U0ALICE", response_url=url)), FORM),
    }


def _ingress(slack: FakeSlackAPI, state: Path, dispatcher: _Discard) -> Ingress:
    return build_ingress(
        Settings(alert_channels=("C0ALERTS",), state_dir=state),
        credentials=SlackCredentials(signing_secret=SECRET, bot_token=TOKEN),
        dispatcher=dispatcher,
        store=SQLitePersistenceLayer(state / "idempotency.db"),
        slack_client=WebClient(token=TOKEN, base_url=slack.url),
    )


def surface_ack_rows() -> list[Row]:
    """Warm ack latency of each surface through the signed ingress (the hand-off itself discarded)."""
    rows: list[Row] = []
    with FakeSlackAPI(bot_token=TOKEN) as slack, tempfile.TemporaryDirectory() as state:
        dispatcher = _Discard()
        ingress = _ingress(slack, Path(state), dispatcher)
        for name, body in _bodies(slack).items():
            latencies = []
            for n in range(ACKS + 1):
                raw, content_type = body(n)
                event = http_event(raw, SECRET, content_type=content_type)
                started = time.perf_counter()
                status = ingress.handle(event)["statusCode"]
                if n:  # the first request warms up
                    latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    raise SystemExit(f"{name}: unexpected status {status}")
            ordered = sorted(latencies)
            rows.append((f"ack {name} p50 / p99", f"{ordered[len(ordered) // 2]:.2f} ms",
                         f"p99 {ordered[round(0.99 * (len(ordered) - 1))]:.2f} ms", "< 3000 ms", f"n={ACKS}"))
    return rows


def home_rows() -> list[Row]:
    """Time to read the records of the last weeks from SQLite, build one App Home and publish it."""
    with FakeSlackAPI(bot_token=TOKEN) as slack, tempfile.TemporaryDirectory() as state:
        store = SQLiteTriageStore(Path(state) / "triage.db")
        now = utcnow()
        for n in range(HOME_RECORDS):
            job = Job(kind=JobKind.ALERT, event_id=f"Ev{n}", channel=f"C{n % 20:03d}", ts="1.1", thread_ts="1.1",
                      alert=Alert(title=f"Disk usage {n % 97}% on host-{n % 7}"))
            store.put(TriageRecord(id=f"tri-{n:012d}", job=job, runbook_id="" if n % 3 else f"rb-{n % 9}",
                                   created_at=now - timedelta(minutes=15 * n), usage=Usage(estimated_cost_usd=0.01)))
            if n % 5 == 0:
                store.rate(Rating(record_id=f"tri-{n:012d}", user="U0BOB", level=RatingLevel.SAME, rated_at=n))
        for channel in range(0, 20, 2):
            slack.join(f"C{channel:03d}", "U0ALICE")
        poster = SlackPoster(WebClient(token=TOKEN, base_url=slack.url))
        times = []
        for _ in range(HOME_RUNS):
            started = time.perf_counter()
            publish_home("U0ALICE", poster, store)
            times.append((time.perf_counter() - started) * 1000)
    return [(f"App Home from {HOME_RECORDS} records (SQLite)", f"{statistics.median(times):.0f} ms",
             f"max {max(times):.0f} ms", "", f"n={HOME_RUNS}")]


if __name__ == "__main__":
    for row in surface_ack_rows() + home_rows():
        print("  ".join(row))
