"""Run one scenario through the real ingress or worker, against fresh local fakes seeded from its fixtures."""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from app.alerts import normalise
from app.config import Settings
from app.evals.scenario import Scenario
from app.fakes.local_ingress import local_ingress
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import event_callback, mention_event
from app.ingress.events import Identity, question_job
from app.models import Job, JobKind, TriageRecord
from app.slack.transcript import message_to_text
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import Worker, build_worker

ALERT_CHANNEL = "C0EVALALERTS"
QUESTION_CHANNEL = "C0EVALHELP"
ASKER = "U0ASKER"

World = Callable[[Scenario, Settings], AbstractContextManager[Settings]]
"""Starts a scenario's fakes and yields the settings that point the worker at them."""


class ScenarioRunError(Exception):
    """The scenario could not be run to the point where it can be scored."""


@dataclass(frozen=True)
class RunOutcome:
    """What one run produced: the triage record and the reply as Slack shows it."""

    record: TriageRecord
    reply: str
    http_status: int | None = None


def scenario_settings(scenario: Scenario, settings: Settings, model: str | None, state_dir: Path) -> Settings:
    """The settings of one run: its runbooks, its model (the --model spec, else its script, else none)."""
    if model is None:
        model = f"scripted:{scenario.path(scenario.model_script)}" if scenario.model_script else "none"
    runbooks = str(scenario.path(scenario.runbooks)) if scenario.runbooks else settings.runbooks
    update: dict[str, Any] = {"model": model, "runbooks": runbooks, "state_dir": state_dir}
    update["alert_channels"] = (ALERT_CHANNEL,)
    return settings.model_copy(update=update)


def run_scenario(scenario: Scenario, settings: Settings, world: World, model: str | None = None) -> RunOutcome:
    """Run a scenario end to end and return what it produced.

    Raises:
        ScenarioRunError: No investigation ran (the ingress refused the input, or the worker failed to start).
    """
    with tempfile.TemporaryDirectory(prefix=f"aiops-eval-{scenario.name}-") as state:
        run_settings = scenario_settings(scenario, settings, model, Path(state))
        with (
            world(scenario, run_settings) as world_settings,
            FakeSlackAPI(bot_token="xoxb-" + secrets.token_hex(8)) as slack,
        ):
            client = WebClient(token=slack.bot_token, base_url=slack.url)
            store = SQLiteTriageStore(Path(state) / "triage.db")
            worker = build_worker(world_settings, slack_client=client, store=store)
            if scenario.input.slack_event:
                return _through_ingress(scenario, world_settings, worker, slack, client)
            return _direct(scenario, worker, slack)


def _direct(scenario: Scenario, worker: Worker, slack: FakeSlackAPI) -> RunOutcome:
    job = _job(scenario, slack)
    record = _investigate(worker, job)
    return RunOutcome(record, _reply(slack, record))


def _job(scenario: Scenario, slack: FakeSlackAPI) -> Job:
    given = scenario.input
    if given.kind == "question":
        root = slack.add_message(QUESTION_CHANNEL, given.thread[0], user="U0OTHER") if given.thread else None
        for text in given.thread[1:]:
            slack.add_message(QUESTION_CHANNEL, text, user="U0OTHER", thread_ts=root)
        text = f"<@{slack.bot_user_id}> {given.text}"
        ts = slack.add_message(QUESTION_CHANNEL, text, user=ASKER, thread_ts=root)
        body = json.loads(event_callback(mention_event(QUESTION_CHANNEL, ts, text, ASKER, thread_ts=root)))
        job = question_job(body, Identity(user_id=slack.bot_user_id, bot_id=slack.bot_id))
        if job is None:
            raise ScenarioRunError("the question would be ignored by the ingress")
    else:
        ts = slack.add_message(ALERT_CHANNEL, given.text, bot_id="B0ALERTS")
        job = Job(
            kind=JobKind.ALERT,
            event_id=f"Ev{ts}",
            channel=ALERT_CHANNEL,
            ts=ts,
            thread_ts=ts,
            alert=normalise({"text": given.text, "ts": ts}),
        )
    return _at(job, scenario)


def _at(job: Job, scenario: Scenario) -> Job:
    """The job with the scenario's alert time, when it gives one."""
    if scenario.input.time is None:
        return job
    return job.model_copy(update={"alert": job.alert.model_copy(update={"time": scenario.input.time})})


def _through_ingress(
    scenario: Scenario, settings: Settings, worker: Worker, slack: FakeSlackAPI, client: WebClient
) -> RunOutcome:
    records: list[TriageRecord] = []
    local = local_ingress(settings, slack, client, lambda job: records.append(_investigate(worker, _at(job, scenario))))
    status = local.send(json.dumps(_event_body(scenario, slack)))
    local.dispatcher.drain()
    if not records:
        raise ScenarioRunError(f"the ingress answered HTTP {status} and started no investigation")
    return RunOutcome(records[0], _reply(slack, records[0]), status)


def _event_body(scenario: Scenario, slack: FakeSlackAPI) -> dict[str, Any]:
    """The scenario's event, re-addressed to this run's workspace and channel and seeded into the Slack fake first."""
    body: dict[str, Any] = json.loads(scenario.path(scenario.input.slack_event).read_text(encoding="utf-8"))
    if "event" not in body:
        body = json.loads(event_callback(body))
    body["team_id"] = slack.team_id  # the ingress drops events for another workspace than the installation's
    event: dict[str, Any] = body["event"]
    if event.get("type") == "app_mention":
        event["text"] = str(event.get("text") or "").replace("<@BOT>", f"<@{slack.bot_user_id}>")
    channel = QUESTION_CHANNEL if event.get("type") == "app_mention" else ALERT_CHANNEL
    seed = {key: event[key] for key in ("user", "bot_id", "blocks", "attachments") if key in event}
    ts = slack.add_message(channel, str(event.get("text") or ""), **seed)
    event.update(channel=channel, ts=ts, event_ts=ts)
    event.pop("thread_ts", None)
    return body


def _investigate(worker: Worker, job: Job) -> TriageRecord:
    try:
        return worker.run(job)
    except Exception as exc:
        raise ScenarioRunError(f"the investigation failed: {exc}") from exc


def _reply(slack: FakeSlackAPI, record: TriageRecord) -> str:
    thread = slack.thread(record.job.channel, record.job.thread_ts)
    replies = [m for m in thread if m.get("bot_id") == slack.bot_id]
    return "\n".join(message_to_text(message) for message in replies)
