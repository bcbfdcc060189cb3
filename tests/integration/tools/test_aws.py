"""aws_read and aws_logs_insights with boto3 under moto, over a realistic account (aws_world.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_world import API_TOKEN, DB_PASSWORD, OOM, PULL_ERROR, REGION, world_calls
from botocore.exceptions import ClientError, ReadTimeoutError
from moto import mock_aws

from app.fakes.aws import seed_aws
from tools.aws import AwsClients, aws_tools, failure_text
from tools.aws_policy import MASKED, AwsReadPolicy
from tools.registry import ToolOutcome, ToolRegistry

SERVICES = ("ecs", "lambda", "sqs", "stepfunctions", "cloudwatch", "logs")
POLICY = AwsReadPolicy.for_services(SERVICES)


@pytest.fixture(scope="module")
def world(module_aws_env: None) -> Iterator[dict[str, Any]]:
    """One account for the module: the tests only read it (the pinned-region test writes to another region)."""
    with mock_aws():
        yield seed_aws(world_calls(), boto3.Session(region_name=REGION), region=REGION)


def registry(**clients: Any) -> ToolRegistry:
    aws = AwsClients(lambda: boto3.Session(), region=REGION, **clients)
    return ToolRegistry.from_sets([aws_tools(aws, POLICY)], result_max_chars=50_000)


def read(service: str, operation: str, params: dict[str, Any] | None = None, **options: Any) -> ToolOutcome:
    args = {"service": service, "operation": operation, "params": params or {}}
    return asyncio.run(registry(**options).call("aws_read", args))


def response(outcome: ToolOutcome) -> Any:
    assert outcome.status == "ok", outcome.text
    header, body = outcome.text.split("\n", 1)
    assert header.endswith(f" in {REGION}:")
    return json.loads(body)


def test_stopped_ecs_tasks_show_their_stop_reasons(world: dict[str, Any]) -> None:
    arns = response(read("ecs", "list_tasks", {"cluster": "jobs", "desiredStatus": "STOPPED"}))["taskArns"]
    tasks = response(read("ecs", "describe_tasks", {"cluster": "jobs", "tasks": arns}))["tasks"]

    assert sorted(task["stoppedReason"] for task in tasks) == sorted([PULL_ERROR, OOM])
    assert {task["lastStatus"] for task in tasks} == {"STOPPED"}
    service = response(read("ecs", "describe_services", {"cluster": "jobs", "services": ["runner"]}))["services"][0]
    assert (service["serviceName"], service["desiredCount"]) == ("runner", 2)


def test_environment_values_are_masked_but_their_names_shown(world: dict[str, Any]) -> None:
    function = response(read("lambda", "get_function_configuration", {"FunctionName": "job-dispatcher"}))
    listed = read("lambda", "list_functions")
    definition = read("ecs", "describe_task_definition", {"taskDefinition": "runner"})

    assert function["Environment"]["Variables"] == {"JOBS_API_TOKEN": MASKED, "QUEUE": MASKED}
    assert function["Timeout"] == 30
    environment = response(definition)["taskDefinition"]["containerDefinitions"][0]["environment"]
    assert environment == [{"name": "DB_PASSWORD", "value": MASKED}, {"name": "QUEUE", "value": MASKED}]
    for outcome in (listed, definition):
        assert API_TOKEN not in outcome.text and DB_PASSWORD not in outcome.text


def test_queue_depth_and_dead_letter_queue(world: dict[str, Any]) -> None:
    dlq = world["dlq"]["QueueUrl"]
    attributes = response(read("sqs", "get_queue_attributes", {"QueueUrl": dlq, "AttributeNames": ["All"]}))
    main = response(read("sqs", "get_queue_attributes",
                         {"QueueUrl": world["jobs"]["QueueUrl"], "AttributeNames": ["RedrivePolicy"]}))

    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "2"
    assert json.loads(main["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"].endswith(":jobs-dlq")


def test_step_functions_execution_alarm_and_log_events(world: dict[str, Any]) -> None:
    execution = response(read("stepfunctions", "describe_execution",
                              {"executionArn": world["execution"]["executionArn"]}))
    alarms = response(read("cloudwatch", "describe_alarms", {"StateValue": "ALARM"}))["MetricAlarms"]
    events = response(read("logs", "filter_log_events", {"logGroupName": "/ecs/runner", "filterPattern": "ERROR"}))

    assert (execution["status"], execution["name"]) == ("ABORTED", "export-2026-11-20")
    assert [(alarm["AlarmName"], alarm["StateReason"]) for alarm in alarms] == [
        ("jobs-dlq-not-empty", "2 messages in jobs-dlq")
    ]
    assert [event["message"] for event in events["events"]] == [f"ERROR job 16852935 task normal-4: {OOM}"]


def test_region_is_pinned(world: dict[str, Any]) -> None:
    boto3.Session(region_name="eu-west-1").client("sqs").create_queue(QueueName="elsewhere")

    urls = response(read("sqs", "list_queues"))["QueueUrls"]

    assert sorted(url.rsplit("/", 1)[1] for url in urls) == ["jobs", "jobs-dlq"]


@pytest.mark.parametrize(
    ("service", "operation", "params", "reason"),
    [
        ("sqs", "delete_queue", {"QueueUrl": "x"}, "sqs.delete_queue is denied: only read operations"),
        ("ecs", "stop_task", {"cluster": "jobs", "task": "x"}, "ecs.stop_task is denied: only read operations"),
        ("lambda", "get_function", {"FunctionName": "job-dispatcher"}, "presigned URL"),
        ("secretsmanager", "get_secret_value", {"SecretId": "jobs/db"}, "'secretsmanager' is not readable"),
        ("ecs", "get_paginator", {}, "ecs has no API operation 'get_paginator'"),
        ("ecs", "DescribeServices", {}, "not a boto3 snake_case operation name"),
    ],
)
def test_denied_calls_are_refused_by_the_tool_itself(
    world: dict[str, Any], service: str, operation: str, params: dict[str, Any], reason: str
) -> None:
    outcome = read(service, operation, params)

    assert outcome.status == "error"
    assert outcome.text.startswith("Denied: ") and reason in outcome.text
    assert outcome.text.endswith("Nothing was called.")
    assert "jobs-dlq" in str(boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"])


@pytest.mark.parametrize(
    ("service", "operation", "params", "expected"),
    [
        ("stepfunctions", "describe_execution",
         {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:nightly-export:nope"},
         "stepfunctions.describe_execution failed (ExecutionDoesNotExist): not found"),
        ("ecs", "describe_services", {"cluster": "jobs"}, "got invalid params: Parameter validation failed"),
        ("logs", "filter_log_events", {"logGroupName": "/ecs/nope"},
         "logs.filter_log_events failed (ResourceNotFoundException): not found"),
    ],
)
def test_expected_failures_are_short_results(
    world: dict[str, Any], service: str, operation: str, params: dict[str, Any], expected: str
) -> None:
    outcome = read(service, operation, params)

    assert outcome.status == "error"
    assert expected in outcome.text
    assert len(outcome.text) < 500


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "DescribeTasks"),
         "ecs.describe_tasks failed (ThrottlingException): throttled by AWS; wait"),
        (ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeTasks"),
         "ecs.describe_tasks failed (AccessDeniedException): denied by IAM"),
        (ReadTimeoutError(endpoint_url="https://ecs.us-east-1.amazonaws.com"), "ecs.describe_tasks timed out"),
    ],
)
def test_throttling_denial_and_timeouts_are_explained(error: Exception, expected: str) -> None:
    assert failure_text("ecs.describe_tasks", error).startswith(expected)


def test_logs_insights_returns_rows_newest_first(world: dict[str, Any]) -> None:
    args = {"log_groups": ["/ecs/runner"], "query": "fields @timestamp, @message | sort @timestamp desc",
            "since": "-15m"}

    outcome = asyncio.run(registry().call("aws_logs_insights", args))

    assert outcome.status == "ok", outcome.text
    lines = outcome.text.splitlines()
    assert lines[0].startswith("3 rows, newest first, ")
    assert "task normal-1 finished" in lines[1] and "task normal-4 started" in lines[3]
    assert "@ptr" not in outcome.text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"log_groups": ["/ecs/nope"], "query": "fields @message"}, "failed (ResourceNotFoundException): not found"),
        ({"log_groups": [], "query": "fields @message"}, "log_groups must list 1 to 50 log group names"),
        ({"log_groups": ["/ecs/runner"], "query": "fields @message", "since": "+1h"}, "empty time window"),
    ],
)
def test_logs_insights_bad_input_is_a_short_error(world: dict[str, Any], args: dict[str, Any], expected: str) -> None:
    outcome = asyncio.run(registry().call("aws_logs_insights", args))

    assert (outcome.status, expected in outcome.text) == ("error", True), outcome.text


def test_logs_insights_empty_window(world: dict[str, Any]) -> None:
    args = {"log_groups": ["/ecs/runner"], "query": "fields @message", "since": "2026-01-01T00:00:00Z",
            "until": "2026-01-02T00:00:00Z"}

    outcome = asyncio.run(registry().call("aws_logs_insights", args))

    assert outcome.status == "ok"
    assert outcome.text.startswith("No log events matched between 2026-01-01T00:00:00.000000Z to ")


def test_logs_insights_stops_a_query_that_outlives_its_deadline(aws_env: None) -> None:
    class SlowLogs:
        def __init__(self) -> None:
            self.stopped: list[str] = []

        def start_query(self, **params: Any) -> dict[str, Any]:
            return {"queryId": "q-1"}

        def get_query_results(self, queryId: str) -> dict[str, Any]:
            return {"status": "Running", "results": []}

        def stop_query(self, queryId: str) -> dict[str, Any]:
            self.stopped.append(queryId)
            return {"success": True}

    logs = SlowLogs()

    class Session:
        def client(self, service: str, **options: Any) -> SlowLogs:
            return logs

    clients = AwsClients(lambda: Session(), region=REGION, timeout=0.5)  # type: ignore[arg-type, return-value]
    tools = ToolRegistry.from_sets([aws_tools(clients, AwsReadPolicy.for_services(["logs"]))])
    outcome = asyncio.run(tools.call("aws_logs_insights", {"log_groups": ["/ecs/runner"], "query": "fields @message"}))

    assert (outcome.status, logs.stopped) == ("error", ["q-1"])
    assert outcome.text == "aws_logs_insights timed out and the query was stopped; query a shorter window."


def test_insights_tool_exists_only_when_logs_are_readable() -> None:
    policy = AwsReadPolicy.for_services(["ecs"])
    names = ToolRegistry.from_sets([aws_tools(AwsClients(boto3.Session, region=REGION), policy)]).names()

    assert names == ["aws_read"]


def test_tool_description_lists_the_readable_services() -> None:
    registry_ = ToolRegistry.from_sets(
        [aws_tools(AwsClients(boto3.Session, region=REGION), AwsReadPolicy.for_services(["sqs", "ecs"]))]
    )
    [spec] = [tool.tool_spec for tool in registry_.agent_tools()]

    assert spec["description"].endswith("Readable services (region pinned): ecs, sqs.")
    assert "boto3 method name in snake_case" in json.dumps(spec["inputSchema"])


def test_clients_are_made_once_per_service_in_the_pinned_region(aws_env: None) -> None:
    made: list[str] = []

    def factory() -> boto3.Session:
        made.append("session")
        return boto3.Session(region_name="eu-west-1")  # a different default region is overridden

    clients = AwsClients(factory, region=REGION)

    sqs = clients.client("sqs")
    assert sqs.meta.region_name == REGION
    assert clients.client("sqs") is sqs
    assert clients.client("ecs").meta.region_name == REGION
    assert made == ["session"]
