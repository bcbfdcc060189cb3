"""``aiops demo``: sample alerts and a question through the real ingress and worker, against a local Slack."""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from slack_sdk import WebClient

from app.config import Settings
from app.demo_surfaces import show_surfaces
from app.demo_thread import approve_action, continue_thread
from app.fakes.local_ingress import local_ingress
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import event_callback, mention_event, message_event
from app.fakes.world import scenario_world
from app.slack.transcript import message_to_text
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import build_worker

DEMO_WORLD = Path(__file__).parent / "fakes" / "demo_world"
DEMO_CLUSTER = "jobs-prod"
ALERTS = "C0ALERTS"
HELP = "C0HELP"
HEALTH_CHECK_ALERT: dict[str, Any] = {
    "username": "gke-health-checker",
    "bot_id": "B0HEALTH",
    "subtype": "bot_message",
    "attachments": [
        {
            "color": "danger",
            "title": "[healthcheck] job_id=16852935 failed its task check",
            "text": "[ERROR] 2026-11-21T03:12:09Z 1f0e6f9c-52a4-4d0b-9a51-6a0c2f5e8d11 [healthcheck] "
            "error: started_at has no value tasks:normal-4",
            "fields": [{"title": "workflow", "value": "healthcheck-gke", "short": True}],
            "fallback": "healthcheck failed: started_at has no value",
        }
    ],
}
DISK_ALERT = "Disk usage 91% on bastion-2 (/var) for 10 minutes"
QUESTION = "job 123 failed and the UI shows no logs — why?"
RETRY_ALERT = (
    "[ECS] Task stopped: job 5521 — CannotPullContainerError: pull image manifest: dial tcp 10.20.0.4:443: i/o timeout"
)


def run_demo(settings: Settings, out: Callable[[str], None] = print) -> int:
    """Run the scenario in the demo's world of fakes and print each thread; returns a process exit code."""
    token = "xoxb-" + secrets.token_hex(8)
    with FakeSlackAPI(bot_token=token) as slack, tempfile.TemporaryDirectory(prefix="aiops-demo-") as state:
        settings = settings.model_copy(update={"alert_channels": (ALERTS,), "state_dir": Path(state),
                                               "verify_max_wait_seconds": 1.0})
        with scenario_world(DEMO_WORLD, settings) as world:
            _run(world, slack, out)
    return 0


def _run(settings: Settings, slack: FakeSlackAPI, out: Callable[[str], None]) -> None:
    client = WebClient(token=slack.bot_token, base_url=slack.url)
    worker = build_worker(settings, slack_client=client, store=SQLiteTriageStore(settings.state_dir / "triage.db"))
    local = local_ingress(settings, slack, client, worker.handle)
    send, dispatcher = local.send, local.dispatcher

    out(_banner(settings))
    challenge = json.dumps({"type": "url_verification", "challenge": "demo-challenge", "token": "x"})
    out(f"url_verification → HTTP {send(challenge)}")
    health_ts = slack.add_message(ALERTS, "", bot_id="B0HEALTH", attachments=HEALTH_CHECK_ALERT["attachments"])
    health = event_callback(message_event(ALERTS, health_ts, **HEALTH_CHECK_ALERT), event_id="EvDEMO1")
    out(f"alert 1 (health checker, attachments only) → HTTP {send(health)}")
    out(f"alert 1 again as a Slack retry → HTTP {send(health, retry_num=1)} (no second investigation)")
    out(f"alert 1 with a forged signature → HTTP {send(health, signature='v0=' + '0' * 64)}")
    ecs_threads = [_post_webhook(slack, send, text, out) for text in ecs_alerts(settings.aws_region)]
    disk_ts = slack.add_message(ALERTS, DISK_ALERT, bot_id="B0HOOK")
    disk = event_callback(message_event(ALERTS, disk_ts, DISK_ALERT, bot_id="B0HOOK", subtype="bot_message"))
    out(f"alert 2 (webhook text, no runbook) → HTTP {send(disk)}")
    question_ts = slack.add_message(HELP, f"<@U0BOT> {QUESTION}", user="U0ALICE")
    mention = event_callback(mention_event(HELP, question_ts, f"<@U0BOT> {QUESTION}", "U0ALICE"))
    out(f"question by @mention → HTTP {send(mention)}")
    retry_ts = _post_webhook(slack, send, RETRY_ALERT, out)
    dispatcher.drain()
    continue_thread(send, slack, dispatcher.drain, (ALERTS, health_ts, HEALTH_CHECK_ALERT), out)
    approve_action(send, slack, dispatcher.drain, (ALERTS, retry_ts), out)
    threads = [(ALERTS, health_ts), *((ALERTS, ts) for ts in ecs_threads), (ALERTS, retry_ts), (ALERTS, disk_ts),
               (HELP, question_ts)]
    for channel, ts in threads:
        out(render_thread(slack.thread(channel, ts)))
    show_surfaces(local, slack, (ALERTS, HELP), (ALERTS, disk_ts), render_thread, out)
    started = [c for c in slack.calls_to("chat.postMessage") if "Investigating" in str(c.params.get("text"))]
    out(f"\n{len(started)} investigations, {len(slack.calls_to('chat.update'))} message updates.")


def ecs_alerts(region: str) -> list[str]:
    """What the ECS task-state webhook posts for each stopped task of the demo's cluster (ARNs are moto's)."""
    ecs = boto3.client("ecs", region_name=region)
    arns = ecs.list_tasks(cluster=DEMO_CLUSTER, desiredStatus="STOPPED")["taskArns"]
    tasks = sorted(ecs.describe_tasks(cluster=DEMO_CLUSTER, tasks=arns)["tasks"], key=lambda t: str(t.get("startedBy")))
    alerts = []
    for task in tasks:
        job = str(task.get("startedBy", "")).removeprefix("job-")
        image = task["containers"][0].get("image", "") if task.get("containers") else ""
        exit_code = " (exit code 137)" if "OutOfMemory" in str(task.get("stoppedReason")) else ""
        alerts.append(
            f"[ECS] Task stopped: job {job} task {task['taskArn']} — {task.get('stoppedReason')}{exit_code}"
            + (f" image {image}" if image else "")
        )
    return alerts


def _post_webhook(slack: FakeSlackAPI, send: Callable[..., int], text: str, out: Callable[[str], None]) -> str:
    ts = slack.add_message(ALERTS, text, bot_id="B0HOOK")
    body = event_callback(message_event(ALERTS, ts, text, bot_id="B0HOOK", subtype="bot_message"))
    out(f"alert (ECS task-state webhook: {text.split(' — ')[1][:40]}…) → HTTP {send(body)}")
    return ts


def render_thread(messages: list[dict[str, Any]]) -> str:
    """A thread as a person reads it in Slack."""
    lines = ["", "─" * 78]
    for position, message in enumerate(messages):
        who = "aiops-bot" if message.get("bot_id") == "B0BOT" else _author(message)
        prefix = "" if position == 0 else "  ↳ "
        lines.append(f"{prefix}{who}:")
        lines += [("      " if position else "    ") + line for line in message_to_text(message).splitlines()]
    return "\n".join(lines)


def _author(message: dict[str, Any]) -> str:
    names = {
        "B0HEALTH": "gke-health-checker (bot)",
        "B0HOOK": "alerts-webhook (bot)",
        "U0ALICE": "alice",
        "U0BOB": "bob",
    }
    key = str(message.get("bot_id") or message.get("user") or "")
    return names.get(key, key or "someone")


def _banner(settings: Settings) -> str:
    if settings.model in ("", "none"):
        mode = "No model is configured (AIOPS_MODEL=none): replies are evidence reports, without a diagnosis."
    else:
        mode = f"Model: {settings.model}"
    return f"aiops demo — local Slack, real ingress and worker.\n{mode}\n"
