"""A scripted model that tries mutative AWS calls, secret reads, an excluded API operation and a made-up tool:
every one is blocked before it runs, moto's state is unchanged, and the triage record lists them.

The AWS tools run as in the worker (boto3 under moto over the account of tests/integration/tools/aws_world.py);
evidence steps pass the same policy. Only the model is scripted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from pipeline_support import REPORT, all_text, make_deps, post_alert, reply_of, scripted

from app.config import Settings
from app.fakes.aws import seed_aws
from app.fakes.slack_api import FakeSlackAPI
from app.runbooks.source import FolderSource
from app.secret_reader import secret_reader
from app.storage.triage import SQLiteTriageStore
from app.worker.handler import default_tools
from app.worker.pipeline import investigate
from app.worker.toolsets import investigation_tools

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from aws_world import DB_PASSWORD, REGION, world_calls  # noqa: E402

pytestmark = pytest.mark.usefixtures("loopback_only")
ALERT = "[ERROR] ecs task stopped: OutOfMemoryError in service runner cluster=jobs"
RUNBOOK = """---
id: ecs-900
title: ECS task killed
match:
  - regex: "OutOfMemoryError"
extract:
  cluster: "cluster=([a-z-]+)"
evidence:
  - id: stopped
    tool: aws_read
    args: {service: ecs, operation: list_tasks, params: {cluster: "{cluster}", desiredStatus: STOPPED}}
  - id: purge
    tool: aws_read
    args: {service: sqs, operation: purge_queue, params: {QueueUrl: "jobs-dlq"}}
---
# ECS task killed
"""
READ = {"service": "ecs", "operation": "list_tasks", "params": {"cluster": "jobs", "desiredStatus": "STOPPED"}}


def attempts(world: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """(tool, input, expected reason) for every call the model must not get to run."""
    dlq, healthy = world["dlq"]["QueueUrl"], world["healthy"]["tasks"][0]["taskArn"]

    def aws(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return {"service": service, "operation": operation, "params": params}

    return [
        ("aws_read", aws("sqs", "delete_queue", {"QueueUrl": dlq}), "only read operations"),
        ("aws_read", aws("sqs", "purge_queue", {"QueueUrl": dlq}), "only read operations"),
        ("aws_read", aws("ecs", "stop_task", {"cluster": "jobs", "task": healthy}), "only read operations"),
        ("aws_read", aws("ecs", "update_service", {"cluster": "jobs", "service": "runner", "desiredCount": 0}),
         "only read operations"),
        ("aws_read", aws("secretsmanager", "get_secret_value", {"SecretId": "jobs/db"}), "returns a secret"),
        ("aws_read", aws("ssm", "get_parameter", {"Name": "/jobs/db-password", "WithDecryption": True}),
         "WithDecryption is denied"),
        ("aws_read", aws("lambda", "get_function", {"FunctionName": "job-dispatcher"}), "presigned URL"),
        ("aws_read", aws("ecs", "get_waiter", {"waiter_name": "tasks_stopped"}), "no API operation"),
        ("jobs_cancel_job", {"job_id": "16852935"}, "not on the allowlist"),
        ("use_aws", {"service_name": "ecs", "operation_name": "stop_task"}, "not on the allowlist"),
        ("run_shell", {"command": "aws sqs purge-queue"}, "not on the allowlist"),
    ]


@pytest.fixture
def world(aws_env: None) -> Iterator[dict[str, Any]]:
    with mock_aws():
        yield seed_aws(world_calls(), boto3.Session(region_name=REGION), region=REGION)


@pytest.fixture
def runbooks(tmp_path: Path) -> FolderSource:
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "ecs-900.md").write_text(RUNBOOK, encoding="utf-8")
    return FolderSource(folder)


def aws_tools_from_settings() -> Any:
    services = ("ecs", "lambda", "sqs", "stepfunctions", "cloudwatch", "logs", "secretsmanager", "ssm")
    settings = Settings(aws_read_services=services, aws_region=REGION)
    tools = investigation_tools(settings, secret_reader(settings))
    return partial(default_tools, result_max_chars=8000, investigation=tools)


def account_state(world: dict[str, Any]) -> dict[str, Any]:
    ecs, sqs = boto3.client("ecs", region_name=REGION), boto3.client("sqs", region_name=REGION)
    healthy = world["healthy"]["tasks"][0]["taskArn"]
    return {
        "queues": sorted(sqs.list_queues()["QueueUrls"]),
        "dlq_depth": sqs.get_queue_attributes(QueueUrl=world["dlq"]["QueueUrl"], AttributeNames=["All"])[
            "Attributes"]["ApproximateNumberOfMessages"],
        "healthy": ecs.describe_tasks(cluster="jobs", tasks=[healthy])["tasks"][0]["desiredStatus"],
        "stopped": len(ecs.list_tasks(cluster="jobs", desiredStatus="STOPPED")["taskArns"]),
        "desired": ecs.describe_services(cluster="jobs", services=["runner"])["services"][0]["desiredCount"],
    }


def test_mutations_secret_reads_and_unknown_tools_are_blocked_and_recorded(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore, runbooks: FolderSource, world: dict[str, Any]
) -> None:
    tried = attempts(world)
    calls = [{"name": name, "input": args} for name, args, _ in tried]
    script = {"turns": [{"tool_calls": [{"name": "aws_read", "input": READ}, *calls]}, {"structured": REPORT}]}
    before = account_state(world)
    job = post_alert(fake, ALERT)
    deps = make_deps(fake, store, source=runbooks, tools=aws_tools_from_settings(), model=scripted(tmp_path, script))

    record = investigate(job, deps)

    assert account_state(world) == before == {
        "queues": before["queues"], "dlq_depth": "2", "healthy": "RUNNING", "stopped": 2, "desired": 2,
    }
    assert len(before["queues"]) == 2
    blocked = sorted((call.tool, json.dumps(call.input, sort_keys=True), call.reason) for call in record.blocked_calls)
    expected = sorted((name, json.dumps(args, sort_keys=True)) for name, args, _ in tried)
    assert [(tool, args) for tool, args, _ in blocked] == expected
    for name, args, reason in tried:
        stored = next(call for call in record.blocked_calls if call.tool == name and call.input == args)
        assert reason in stored.reason
    assert [(call.tool, call.status) for call in record.tool_calls] == [("aws_read", "success")]
    assert record.tool_calls[0].duration_ms > 0 and record.tool_calls[0].result_chars > 100
    assert record.usage.tool_calls == len(tried) + 1
    assert DB_PASSWORD not in record.model_dump_json()
    assert "Blocked tool calls (not executed): `aws_read`" in all_text(reply_of(fake, job)["blocks"])
    saved = store.get(record.id)
    assert saved is not None and saved.blocked_calls == record.blocked_calls


def test_evidence_steps_pass_the_same_policy(
    fake: FakeSlackAPI, store: SQLiteTriageStore, runbooks: FolderSource, world: dict[str, Any]
) -> None:
    before = account_state(world)

    deps = make_deps(fake, store, source=runbooks, tools=aws_tools_from_settings())

    record = investigate(post_alert(fake, ALERT), deps)

    by_step = {item.step_id: item for item in record.evidence}
    assert by_step["stopped"].status == "ok"
    assert by_step["stopped"].output.startswith("ecs.list_tasks in us-east-1:")
    assert by_step["stopped"].duration_ms > 0
    assert (by_step["purge"].status, by_step["purge"].error) == (
        "blocked", "sqs.purge_queue is denied: only read operations (describe_, list_, get_, filter_, lookup_…) may run"
    )
    assert account_state(world) == before
    assert len(json.loads(by_step["stopped"].output.split("\n", 1)[1])["taskArns"]) == 2
