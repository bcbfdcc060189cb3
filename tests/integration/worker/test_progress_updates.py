"""Live progress: the matched runbook and each evidence step as it runs, at most one update per interval,
and the final report replacing the progress message (never overwritten by a late update)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pipeline_support import CHANNEL, REPORT, make_deps, post_alert, scripted
from slack_sdk import WebClient
from strands import tool

from app.fakes.slack_api import FakeSlackAPI
from app.models import Alert, Job, JobKind
from app.runbooks.source import FolderSource
from app.slack.poster import SlackPoster
from app.storage.triage import SQLiteTriageStore
from app.worker.pipeline import investigate
from tools.registry import ToolRegistry, ToolSet

RUNBOOK = """---
id: jobs-900
title: Job queue is backing up
match:
  - regex: "queue depth"
extract:
  job_id: "job_id=(\\\\d+)"
  request_id: "request_id=(\\\\S+)"
evidence:
  - id: job
    tool: jobs_get_job
    args: {job_id: "{job_id}"}
  - id: logs
    tool: cloud_logging_query
    args: {filter: 'severity>=ERROR', since: "-15m"}
  - id: request
    tool: cloud_logging_query
    args: {filter: 'labels.request_id="{request_id}"'}
---
# Job queue is backing up
"""


class TimedPoster(SlackPoster):
    """The real poster, noting when each update started."""

    def __init__(self, client: WebClient) -> None:
        super().__init__(client)
        self.updates: list[tuple[float, str, bool]] = []

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        started = time.monotonic()  # the throttle spaces the starts of updates
        super().update(channel, ts, text, blocks)
        self.updates.append((started, text, bool(blocks)))


@tool
def jobs_get_job(job_id: str) -> str:
    """Read a job.

    Args:
        job_id: The job id.
    """
    time.sleep(0.5)
    return f"job {job_id} SUCCEEDED"


@tool
def cloud_logging_query(filter: str, since: str = "") -> str:
    """Query logs.

    Args:
        filter: The filter.
        since: Start time.
    """
    time.sleep(1.5)
    return "3 entries: worker-7 OOM at 03:11:58"


def test_progress_shows_each_step_as_it_runs_then_the_report(
    fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path
) -> None:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "jobs-900.md").write_text(RUNBOOK, encoding="utf-8")
    poster = TimedPoster(WebClient(token=fake.bot_token, base_url=fake.url))
    deps = make_deps(
        fake, store, source=FolderSource(tmp_path / "runbooks"), slack=poster, progress_interval=0.3,
        tools=lambda catalog: ToolRegistry.from_sets(
            [ToolSet([jobs_get_job], label="jobs API"), ToolSet([cloud_logging_query], label="Cloud Logging")]),
    )
    ts = fake.add_message(CHANNEL, "queue depth 4210 job_id=16852935", bot_id="B0MON")
    job = Job(kind=JobKind.ALERT, event_id="Ev1", channel=CHANNEL, ts=ts, thread_ts=ts,
              alert=Alert(text="queue depth 4210 job_id=16852935"))

    started = time.monotonic()
    record = investigate(job, deps)
    time.sleep(0.5)  # a late progress update would land now

    progress = [(at, text) for at, text, has_blocks in poster.updates if not has_blocks]
    texts = [text for _, text in progress]
    assert texts[0].splitlines()[1] == "📖 runbook jobs-900 — Job queue is backing up"
    assert any(
        "✓ jobs API (job): job 16852935 SUCCEEDED" in text and "… querying Cloud Logging (logs)" in text
        for text in texts
    ), texts
    assert "– Cloud Logging (request): skipped: the alert has no request_id" in texts[-1]
    gaps = [later - earlier for (earlier, _), (later, _) in zip(progress, progress[1:], strict=False)]
    assert gaps and min(gaps) >= 0.29
    assert len(progress) <= 1 + (progress[-1][0] - started) / 0.3 + 0.01  # one update per interval at most
    at, _, has_blocks = poster.updates[-1]
    assert has_blocks and at >= progress[-1][0]
    reply = fake.message(CHANNEL, record.reply_ts)
    assert reply["blocks"][0]["text"]["text"] == "Job queue is backing up"



def test_progress_shows_the_agent_s_tool_calls(fake: FakeSlackAPI, store: SQLiteTriageStore, tmp_path: Path) -> None:
    script = {
        "turns": [
            {"tool_calls": [{"name": "search_runbooks", "input": {"query": "started_at"}},
                            {"name": "use_aws", "input": {"operation": "DeleteTable"}}]},
            {"structured": REPORT},
        ]
    }
    poster = TimedPoster(WebClient(token=fake.bot_token, base_url=fake.url))
    deps = make_deps(fake, store, slack=poster, progress_interval=0.0, model=scripted(tmp_path, script))

    investigate(post_alert(fake), deps)

    texts = [text for _, text, has_blocks in poster.updates if not has_blocks]
    assert any("… 🤖 querying runbooks" in text for text in texts), texts
    assert "✓ 🤖 runbooks" in texts[-1]
    assert "⛔ 🤖 use_aws" in texts[-1]  # refused by the guard, shown as blocked (no tool set declares it)
    assert not any("TriageReport" in text for text in texts)
