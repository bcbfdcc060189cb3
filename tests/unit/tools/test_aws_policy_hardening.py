"""Reads that return credentials, user data or unmasked logs are refused; malformed arguments are refusals; secret
values in ECS commands and DynamoDB items are masked (tools.aws_policy, app.agent.guard)."""

from __future__ import annotations

from typing import Any

import pytest

from app.agent.guard import ToolGuard
from tools.aws_policy import MASKED, AwsReadPolicy, scrub_response

POLICY = AwsReadPolicy.for_services(["sts", "ec2", "autoscaling", "logs", "ecs", "dynamodb"])


@pytest.mark.parametrize(
    ("service", "operation", "params", "words"),
    [
        ("sts", "get_web_identity_token", {}, "secret or credential"),
        ("sts", "get_delegated_access_token", {}, "secret or credential"),
        ("ec2", "describe_launch_template_versions", {"LaunchTemplateId": "lt-1"}, "user data"),
        ("ec2", "get_launch_template_data", {"InstanceId": "i-1"}, "user data"),
        ("autoscaling", "describe_launch_configurations", {}, "user data"),
        ("ec2", "get_console_screenshot", {"InstanceId": "i-1"}, "screenshot"),
        ("logs", "get_log_events", {"logGroupName": "g", "logStreamName": "s", "unmask": True}, "unmask"),
        ("logs", "filter_log_events", {"logGroupName": "g", "unmask": True}, "unmask"),
        ("logs", "start_query", {"queryString": "fields unmask(@message) | limit 5"}, "unmask"),
    ],
)
def test_secret_bearing_reads_are_denied(service: str, operation: str, params: dict[str, Any], words: str) -> None:
    reason = POLICY.refusal(service, operation, params)

    assert reason is not None
    assert "denied" in reason
    assert words in reason


def test_ordinary_logs_reads_stay_allowed() -> None:
    assert POLICY.refusal("logs", "filter_log_events", {"logGroupName": "g", "unmask": False}) is None
    assert POLICY.refusal("logs", "start_query", {"queryString": "fields @message | filter @message like /x/"}) is None
    assert POLICY.check("aws_logs_insights", {"query": "fields @message", "log_groups": ["g"]}) is None
    assert POLICY.check("aws_logs_insights", {"query": "fields unmask(@message)"}) is not None


@pytest.mark.parametrize(
    "args",
    [
        {"service": ["ecs"], "operation": "describe_tasks"},
        {"service": {"name": "ecs"}, "operation": "describe_tasks"},
        {"service": "ecs", "operation": ["describe_tasks"]},
        {"service": "ecs", "operation": "describe_tasks", "params": ["cluster"]},
        {"service": None, "operation": None},
    ],
)
def test_malformed_arguments_are_refused_not_raised(args: dict[str, Any]) -> None:
    assert isinstance(POLICY.check("aws_read", args), str)


def test_the_guard_refuses_when_a_check_cannot_read_the_arguments() -> None:
    def fragile(name: str, args: dict[str, Any]) -> str | None:
        return None if args["service"].startswith("e") else "no"

    guard = ToolGuard(allowed=frozenset({"aws_read"}), checks={"aws_read": fragile})

    assert guard.refusal("aws_read", {"service": ["ecs"]}) == "aws_read: malformed arguments (AttributeError)"
    assert guard.refusal("aws_read", {"service": "ecs"}) is None


def test_secret_flags_in_ecs_commands_are_masked() -> None:
    task = {"containerDefinitions": [{"name": "app", "command": ["serve", "--db-password", "hunter2", "--port", "80"],
                                      "entryPoint": ["sh", "-c"]}]}

    scrubbed = scrub_response(task)

    assert scrubbed["containerDefinitions"][0]["command"] == ["serve", "--db-password", MASKED, "--port", "80"]
    assert scrubbed["containerDefinitions"][0]["entryPoint"] == ["sh", "-c"]


def test_dynamodb_attributes_naming_secrets_are_masked() -> None:
    response = {
        "Items": [{"id": {"S": "job-1"}, "api_token": {"S": "tok-123"}, "password": {"S": "pw"},
                   "settings": {"M": {"clientSecret": {"S": "cs"}, "retries": {"N": "3"}}}}],
        "LastEvaluatedKey": {"id": {"S": "job-1"}},
        "NextToken": "page-2",
    }

    scrubbed = scrub_response(response)

    item = scrubbed["Items"][0]
    assert item["id"] == {"S": "job-1"}
    assert item["api_token"] == {"S": MASKED}
    assert item["password"] == {"S": MASKED}
    assert item["settings"]["M"] == {"clientSecret": {"S": MASKED}, "retries": {"N": "3"}}
    assert scrubbed["NextToken"] == "page-2"
