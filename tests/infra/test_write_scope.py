"""The executor's write rule, as the synth and ``runbooks check --deploy-config`` apply it."""

from __future__ import annotations

from typing import Any

import pytest

from infra.config import InvestigationScope
from infra.write_scope import resource_access, write_refusal

SCOPE = InvestigationScope(ecs_clusters=("jobs",), lambda_functions=("jobs-*",), sqs_queues=("jobs-dlq",),
                           state_machines=("jobs-*",))


@pytest.mark.parametrize(("service", "operation", "params"), [
    ("lambda", "put_function_concurrency", {"FunctionName": "jobs-dispatcher", "ReservedConcurrentExecutions": 5}),
    ("lambda", "put_function_concurrency",
     {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:jobs-dispatcher:live"}),
    ("sqs", "purge_queue", {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq"}),
    ("stepfunctions", "redrive_execution",
     {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:jobs-nightly:run-1"}),
    ("stepfunctions", "redrive_execution", {"executionArn": "{execution_arn}"}),
    ("ecs", "update_service", {"cluster": "{cluster}", "service": "api"}),
])
def test_calls_on_scoped_resources_are_allowed(service: str, operation: str, params: dict[str, Any]) -> None:
    assert write_refusal(service, operation, params, SCOPE) is None


@pytest.mark.parametrize(("service", "operation", "params", "reason"), [
    ("lambda", "put_function_concurrency", {"FunctionName": "billing-api"},
     "lambda.put_function_concurrency on billing-api, which lambda_functions does not cover (jobs-*)"),
    ("sqs", "purge_queue", {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders"},
     "sqs.purge_queue on orders, which sqs_queues does not cover (jobs-dlq)"),
    ("stepfunctions", "redrive_execution",
     {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:billing:run-1"},
     "stepfunctions.redrive_execution on billing, which state_machines does not cover (jobs-*)"),
    ("ecs", "update_service", {"service": "api"},
     "ecs.update_service on default, which ecs_clusters does not cover (jobs)"),
    ("rds", "reboot_db_instance", {}, "rds.reboot_db_instance is on a service remediation cannot be scoped for "
                                      "(scoped: ecs, lambda, sqs, stepfunctions)"),
    ("ecs", "run_tusk", {}, "ecs has no operation 'run_tusk'"),
])
def test_calls_the_role_would_not_allow_say_why(service: str, operation: str, params: dict[str, Any],
                                                reason: str) -> None:
    assert write_refusal(service, operation, params, SCOPE) == reason


def test_a_service_with_no_names_in_the_scope_is_outside_it() -> None:
    assert write_refusal("sqs", "purge_queue", {}, InvestigationScope()) == \
        "sqs.purge_queue is outside the investigation scope (sqs_queues is empty)"


@pytest.mark.parametrize(("service", "operation", "resource"), [
    ("ecs", "update_service", "arn:aws:ecs:us-east-1:123456789012:service/jobs/*"),
    ("ecs", "stop_task", "arn:aws:ecs:us-east-1:123456789012:task/jobs/*"),
    ("stepfunctions", "redrive_execution", "arn:aws:states:us-east-1:123456789012:execution:jobs-*:*"),
    ("stepfunctions", "start_execution", "arn:aws:states:us-east-1:123456789012:stateMachine:jobs-*"),
])
def test_each_operation_is_granted_on_the_resource_iam_checks_it_against(
    service: str, operation: str, resource: str
) -> None:
    access = resource_access(service, operation)
    names = SCOPE.ecs_clusters if service == "ecs" else SCOPE.state_machines

    assert [access.arn(name, ("aws", "us-east-1", "123456789012")) for name in names] == [resource]


def test_a_start_execution_names_its_state_machine() -> None:
    inside = {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:jobs-nightly"}
    outside = {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:payroll"}

    assert write_refusal("stepfunctions", "start_execution", inside, SCOPE) is None
    assert "payroll, which state_machines does not cover" in str(write_refusal("stepfunctions", "start_execution",
                                                                              outside, SCOPE))
