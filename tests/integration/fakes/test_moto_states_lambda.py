"""Step Functions outcomes, Lambda account settings and seeded times, seeded from aws.yaml calls and read back
through the real boto3 clients from the patched moto server."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from app.fakes.aws import SeedError, seed_aws

ROLE = "arn:aws:iam::123456789012:role/jobs-prod-states"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:jobs-prod-invoice-render"
DEFINITION = json.dumps({"StartAt": "Render", "States": {
    "Render": {"Type": "Task", "Resource": LAMBDA_ARN, "TimeoutSeconds": 300, "Next": "Publish"},
    "Publish": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"Message": "done"},
                "End": True},
}})
STARTED = "2026-11-21T03:00:00Z"
STOPPED = "2026-11-21T03:05:00.250Z"


@pytest.fixture
def seed(client: Callable[[str], Any], moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)

    def run(calls: list[dict[str, Any]]) -> dict[str, Any]:
        return seed_aws(calls, boto3.session.Session(region_name="us-east-1"))

    return run


def _machine_calls(*runs: str) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = [{"service": "stepfunctions", "op": "create_state_machine", "save": "sm", "params": {
        "name": "jobs-prod-invoice-run", "roleArn": ROLE, "definition": DEFINITION}}]
    for run in runs:
        calls.append({"service": "stepfunctions", "op": "start_execution", "save": run,
                      "params": {"stateMachineArn": "{{sm.stateMachineArn}}", "name": run, "input": '{"job_id": "1"}'}})
    return calls


def test_a_failed_execution_reads_as_aws_reports_it(seed: Callable[..., Any], client: Callable[[str], Any]) -> None:
    saved = seed([*_machine_calls("run-1", "run-2"),
                  {"service": "stepfunctions", "op": "seed_execution", "params": {
                      "executionArn": "{{run-1.executionArn}}", "status": "FAILED", "error": "States.TaskFailed",
                      "cause": "InvoiceRenderError: template missing", "startDate": STARTED, "stopDate": STOPPED}}])
    states = client("stepfunctions")

    execution = states.describe_execution(executionArn=saved["run-1"]["executionArn"])
    events = states.get_execution_history(executionArn=saved["run-1"]["executionArn"], reverseOrder=True,
                                          maxResults=2)["events"]
    failed = states.list_executions(stateMachineArn=saved["sm"]["stateMachineArn"], statusFilter="FAILED")

    assert (execution["status"], execution["error"], execution["cause"]) == (
        "FAILED", "States.TaskFailed", "InvoiceRenderError: template missing")
    assert execution["startDate"] == datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    assert execution["stopDate"] == datetime(2026, 11, 21, 3, 5, 0, 250000, tzinfo=UTC)
    assert [event["type"] for event in events] == ["ExecutionFailed", "LambdaFunctionFailed"]
    assert events[0]["executionFailedEventDetails"] == {
        "error": "States.TaskFailed", "cause": "InvoiceRenderError: template missing"}
    assert events[0]["id"] == 6 and events[0]["previousEventId"] == 5
    assert [item["name"] for item in failed["executions"]] == ["run-1"]
    assert failed["executions"][0]["stopDate"] == execution["stopDate"]


def test_timed_out_aborted_and_a_service_task_failure(seed: Callable[..., Any], client: Callable[[str], Any]) -> None:
    saved = seed([*_machine_calls("late", "stopped", "publish"),
                  {"service": "stepfunctions", "op": "seed_execution", "params": {
                      "executionArn": "{{late.executionArn}}", "status": "TIMED_OUT", "error": "States.Timeout",
                      "stopDate": STOPPED}},
                  {"service": "stepfunctions", "op": "stop_execution", "params": {
                      "executionArn": "{{stopped.executionArn}}", "error": "Operator", "cause": "stopped by on-call"}},
                  {"service": "stepfunctions", "op": "seed_execution", "params": {
                      "executionArn": "{{publish.executionArn}}", "status": "FAILED", "state": "Publish",
                      "error": "SNS.AuthorizationErrorException", "cause": "not authorized"}}])
    states = client("stepfunctions")
    arn = saved["sm"]["stateMachineArn"]

    late = states.list_executions(stateMachineArn=arn, statusFilter="TIMED_OUT")["executions"]
    aborted = states.describe_execution(executionArn=saved["stopped"]["executionArn"])
    aborted_events = states.get_execution_history(executionArn=saved["stopped"]["executionArn"])["events"]
    publish = states.get_execution_history(executionArn=saved["publish"]["executionArn"])["events"]

    assert [(item["name"], item["stopDate"].minute) for item in late] == [("late", 5)]
    assert (aborted["status"], aborted["error"], aborted["cause"]) == ("ABORTED", "Operator", "stopped by on-call")
    assert aborted_events[-1]["executionAbortedEventDetails"] == {"error": "Operator", "cause": "stopped by on-call"}
    assert [event["type"] for event in publish] == [
        "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"]
    assert publish[4]["taskFailedEventDetails"] == {"resourceType": "sns", "resource": "publish",
                                                    "error": "SNS.AuthorizationErrorException",
                                                    "cause": "not authorized"}
    assert publish[1]["stateEnteredEventDetails"]["name"] == "Publish"


def test_a_state_machine_creation_date_can_be_set(seed: Callable[..., Any], client: Callable[[str], Any]) -> None:
    saved = seed([*_machine_calls(), {"service": "stepfunctions", "op": "seed_state_machine", "params": {
        "stateMachineArn": "{{sm.stateMachineArn}}", "creationDate": "2026-11-20T18:30:00Z"}}])

    machine = client("stepfunctions").describe_state_machine(stateMachineArn=saved["sm"]["stateMachineArn"])

    assert machine["creationDate"] == datetime(2026, 11, 20, 18, 30, tzinfo=UTC)


def _function_calls() -> list[dict[str, Any]]:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    return [
        {"service": "iam", "op": "create_role", "save": "role",
         "params": {"RoleName": "jobs-prod-lambda", "AssumeRolePolicyDocument": trust}},
        {"service": "lambda", "op": "create_function", "params": {
            "FunctionName": "jobs-prod-task-events", "Runtime": "python3.11", "Role": "{{role.Role.Arn}}",
            "Handler": "app.handler", "Code": {"ZipFile": b"PK\x05\x06" + bytes(18)}}},
        {"service": "lambda", "op": "put_function_concurrency",
         "params": {"FunctionName": "jobs-prod-task-events", "ReservedConcurrentExecutions": 5}},
    ]


def test_account_settings_default_and_seeded(seed: Callable[..., Any], client: Callable[[str], Any]) -> None:
    seed(_function_calls())
    functions = client("lambda")
    before = functions.get_account_settings()

    seed([{"service": "lambda", "op": "seed_account_settings", "params": {
        "AccountLimit": {"ConcurrentExecutions": 100, "UnreservedConcurrentExecutions": 12}}}])
    after = functions.get_account_settings()

    assert before["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert before["AccountLimit"]["UnreservedConcurrentExecutions"] == 995
    assert before["AccountUsage"]["FunctionCount"] == 1
    assert after["AccountLimit"]["ConcurrentExecutions"] == 100
    assert after["AccountLimit"]["UnreservedConcurrentExecutions"] == 12
    assert after["AccountLimit"]["CodeSizeZipped"] == 52_428_800


def test_last_modified_is_the_seeded_time(seed: Callable[..., Any], client: Callable[[str], Any]) -> None:
    seed([*_function_calls(), {"service": "lambda", "op": "seed_function", "params": {
        "FunctionName": "jobs-prod-task-events", "LastModified": "2026-11-21T02:40:00+00:00"}}])
    functions = client("lambda")

    configuration = functions.get_function_configuration(FunctionName="jobs-prod-task-events")
    listed = functions.list_functions()["Functions"]

    assert configuration["LastModified"] == "2026-11-21T02:40:00.000+0000"
    assert [item["LastModified"] for item in listed] == ["2026-11-21T02:40:00.000+0000"]


@pytest.mark.parametrize(("call", "message"), [
    ({"service": "stepfunctions", "op": "seed_execution", "params": {"executionArn": "{{run.executionArn}}",
                                                                     "status": "BROKEN"}}, "status must be one of"),
    ({"service": "stepfunctions", "op": "seed_execution", "params": {"executionArn": "{{run.executionArn}}",
                                                                     "stopDate": "yesterday"}}, "ISO-8601"),
    ({"service": "stepfunctions", "op": "seed_execution", "params": {"status": "FAILED"}}, "executionArn is required"),
    ({"service": "stepfunctions", "op": "seed_executions", "params": {}}, "no seed operation 'seed_executions'"),
    ({"service": "stepfunctions", "op": "seed_execution", "params": {"executionArn": "{{run.executionArn}}",
                                                                     "state": "Nowhere"}}, "not a state of"),
    ({"service": "lambda", "op": "seed_account_settings", "params": {"AccountLimit": {"Concurrency": 5}}},
     "AccountLimit.Concurrency is not a number"),
    ({"service": "lambda", "op": "seed_function", "params": {"FunctionName": "nope", "LastModified": STARTED}},
     "failed"),
])
def test_bad_seed_ops_name_the_call(seed: Callable[..., Any], call: dict[str, Any], message: str) -> None:
    with pytest.raises(SeedError, match=message) as raised:
        seed([*_machine_calls("run"), call])

    assert "seed call 3" in str(raised.value)


def _task_calls() -> list[dict[str, Any]]:
    return [
        {"service": "ecs", "op": "create_cluster", "params": {"clusterName": "jobs-prod"}},
        {"service": "ecs", "op": "register_task_definition", "params": {
            "family": "runner", "containerDefinitions": [{"name": "runner", "image": "runner:4.2", "memory": 2048}]}},
        {"service": "ecs", "op": "run_task", "save": "run",
         "params": {"cluster": "jobs-prod", "taskDefinition": "runner", "launchType": "FARGATE"}},
    ]


def test_a_stopped_task_has_its_stop_code_times_and_container_exit(seed: Callable[..., Any],
                                                                   client: Callable[[str], Any]) -> None:
    run, other = "{{run.tasks[0].taskArn}}", "{{other.tasks[0].taskArn}}"
    oom = "OutOfMemoryError: Container killed due to memory usage"
    saved = seed([
        *_task_calls(),
        {"service": "ecs", "op": "run_task", "save": "other",
         "params": {"cluster": "jobs-prod", "taskDefinition": "runner", "launchType": "FARGATE"}},
        {"service": "ecs", "op": "stop_task",
         "params": {"cluster": "jobs-prod", "task": run, "reason": "Essential container exited"}},
        {"service": "ecs", "op": "seed_task", "params": {
            "cluster": "jobs-prod", "task": run, "stopCode": "EssentialContainerExited",
            "startedAt": "2026-11-21T02:50:00Z", "stoppedAt": "2026-11-21T03:10:00Z",
            "containers": [{"name": "runner", "exitCode": 137, "reason": oom}]}},
        {"service": "ecs", "op": "stop_task", "params": {"cluster": "jobs-prod", "task": other, "reason": "scaled in"}},
    ])
    ecs = client("ecs")

    arns = [saved["run"]["tasks"][0]["taskArn"], saved["other"]["tasks"][0]["taskArn"]]
    crashed, stopped = ecs.describe_tasks(cluster="jobs-prod", tasks=arns)["tasks"]

    assert (crashed["stopCode"], crashed["stoppedAt"], crashed["startedAt"].hour) == (
        "EssentialContainerExited", datetime(2026, 11, 21, 3, 10, tzinfo=UTC), 2)
    container = crashed["containers"][0]
    assert (container["exitCode"], container["lastStatus"], container["reason"]) == (137, "STOPPED", oom)
    assert (stopped["stopCode"], stopped["stoppedReason"], stopped["containers"][0]["lastStatus"]) == (
        "UserInitiated", "scaled in", "STOPPED")
    assert "stoppedAt" in stopped and "stoppingAt" in stopped


def test_a_seeded_task_names_a_real_container(seed: Callable[..., Any]) -> None:
    with pytest.raises(SeedError, match="the task has no container 'sidecar'"):
        seed([*_task_calls(), {"service": "ecs", "op": "seed_task", "params": {
            "cluster": "jobs-prod", "task": "{{run.tasks[0].taskArn}}", "containers": [{"name": "sidecar"}]}}])
