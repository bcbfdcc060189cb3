"""The read-only AWS policy: deny by default, reads allowed, secret and credential reads denied."""

from __future__ import annotations

from typing import Any

import pytest

from tools.aws_policy import MASKED, AwsPolicyError, AwsReadPolicy, scrub_response

EVERYTHING = AwsReadPolicy.for_services(
    ["ecs", "lambda", "sqs", "stepfunctions", "cloudwatch", "logs", "secretsmanager", "ssm", "kms", "sts", "ecr",
     "cognito-idp", "cognito-identity", "ec2", "s3", "iam", "apigateway", "glue", "redshift"]
)


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("ecs", "describe_tasks", {"cluster": "jobs", "tasks": ["x"]}),
        ("ecs", "list_tasks", {"cluster": "jobs", "desiredStatus": "STOPPED"}),
        ("lambda", "get_function_configuration", {"FunctionName": "f"}),
        ("lambda", "list_functions", {}),
        ("sqs", "get_queue_attributes", {"QueueUrl": "u", "AttributeNames": ["All"]}),
        ("stepfunctions", "get_execution_history", {"executionArn": "a"}),
        ("cloudwatch", "describe_alarms", {}),
        ("cloudwatch", "get_metric_data", {}),
        ("logs", "filter_log_events", {"logGroupName": "/ecs/runner"}),
        ("logs", "start_query", {}),
        ("logs", "get_query_results", {"queryId": "q"}),
        ("ssm", "get_parameter", {"Name": "/jobs/flag"}),
        ("ssm", "describe_parameters", {}),
        ("secretsmanager", "describe_secret", {"SecretId": "s"}),
        ("sts", "get_caller_identity", {}),
        ("cloudwatch", "get_metric_statistics", {}),
    ],
)
def test_read_operations_are_allowed(service: str, operation: str, params: dict[str, Any]) -> None:
    assert EVERYTHING.refusal(service, operation, params) is None


@pytest.mark.parametrize(
    ("service", "operation", "params", "reason"),
    [
        # mutative operations, whatever their service
        ("sqs", "delete_queue", {}, "only read operations"),
        ("sqs", "purge_queue", {}, "only read operations"),
        ("sqs", "receive_message", {}, "only read operations"),  # changes visibility and receive counts
        ("sqs", "send_message", {}, "only read operations"),
        ("ecs", "stop_task", {}, "only read operations"),
        ("ecs", "update_service", {}, "only read operations"),
        ("lambda", "invoke", {}, "only read operations"),
        ("lambda", "update_function_configuration", {}, "only read operations"),
        ("stepfunctions", "start_execution", {}, "only read operations"),
        ("stepfunctions", "get_activity_task", {}, "takes a task off the activity queue"),
        ("logs", "delete_log_group", {}, "only read operations"),
        ("logs", "stop_query", {}, "only read operations"),
        ("ssm", "put_parameter", {}, "only read operations"),
        ("cloudwatch", "set_alarm_state", {}, "only read operations"),
        # secret and credential reads that look like reads
        ("secretsmanager", "get_secret_value", {}, "returns a secret or credential"),
        ("secretsmanager", "batch_get_secret_value", {}, "returns a secret or credential"),
        ("ssm", "get_parameter", {"WithDecryption": True}, "with WithDecryption is denied"),
        ("ssm", "get_parameters_by_path", {"WithDecryption": True}, "with WithDecryption is denied"),
        ("kms", "decrypt", {}, "only read operations"),
        ("kms", "generate_data_key", {}, "only read operations"),
        ("kms", "get_parameters_for_import", {}, "returns key import material"),
        ("sts", "assume_role", {}, "only read operations"),
        ("sts", "get_session_token", {}, "returns a secret or credential"),
        ("sts", "get_federation_token", {}, "returns a secret or credential"),
        ("sts", "get_access_key_info", {}, "passwords, credentials, keys or download links"),
        ("ecr", "get_authorization_token", {}, "returns a registry password"),
        ("ecr", "get_download_url_for_layer", {}, "presigned download link"),
        ("cognito-idp", "describe_user_pool_client", {}, "returns the app client secret"),
        ("cognito-identity", "get_credentials_for_identity", {}, "returns a secret or credential"),
        ("lambda", "get_function", {}, "presigned URL that downloads the code package"),
        ("lambda", "get_layer_version", {}, "presigned download link"),
        ("ec2", "get_password_data", {}, "administrator password"),
        ("ec2", "describe_instance_attribute", {"Attribute": "userData"}, "user data often holds"),
        ("s3", "get_object", {}, "returns object contents"),
        ("iam", "list_access_keys", {}, "passwords, credentials, keys or download links"),
        ("iam", "get_credential_report", {}, "passwords, credentials, keys or download links"),
        ("apigateway", "get_api_keys", {}, "returns API key values"),
        ("glue", "get_connection", {}, "returns connection passwords"),
        ("redshift", "get_cluster_credentials", {}, "returns a secret or credential"),
    ],
)
def test_writes_and_secret_reads_are_denied(
    service: str, operation: str, params: dict[str, Any], reason: str
) -> None:
    refusal = EVERYTHING.refusal(service, operation, params)

    assert refusal is not None
    assert refusal.startswith(f"{service}.{operation}")
    assert reason in refusal


@pytest.mark.parametrize(
    ("service", "operation", "params", "reason"),
    [
        ("dynamodb", "scan", {}, "AWS service 'dynamodb' is not readable; readable services: apigateway, cloudwatch"),
        (None, "list_tasks", {}, "AWS service None is not readable"),
        ("ecs", "get_paginator", {}, "ecs has no API operation 'get_paginator'"),
        ("ecs", "get_waiter", {}, "ecs has no API operation 'get_waiter'"),
        ("s3", "generate_presigned_url", {}, "s3 has no API operation 'generate_presigned_url'"),
        ("ecs", "describe_everything", {}, "ecs has no API operation 'describe_everything'"),
        ("ecs", "DescribeTasks", {}, "not a boto3 snake_case operation name"),
        ("ecs", "describe-tasks", {}, "not a boto3 snake_case operation name"),
        ("ecs", "describe_tasks; rm -rf", {}, "not a boto3 snake_case operation name"),
        ("ecs", 42, {}, "not a boto3 snake_case operation name"),
        ("ecs", "describe_tasks", ["cluster"], "params must be an object"),
    ],
)
def test_unknown_services_operations_and_bad_arguments_are_denied(
    service: Any, operation: Any, params: Any, reason: str
) -> None:
    refusal = EVERYTHING.refusal(service, operation, params)

    assert refusal is not None and reason in refusal


def test_deny_by_default_with_no_services() -> None:
    empty = AwsReadPolicy.for_services([])

    assert empty.refusal("ecs", "describe_tasks", {}) == "AWS service 'ecs' is not readable; readable services: none"
    assert empty.check("aws_logs_insights", {}) == "AWS service 'logs' is not readable; readable services: none"


def test_guard_check_reads_the_tool_arguments() -> None:
    policy = AwsReadPolicy.for_services(["ecs", "logs"])

    assert policy.check("aws_read", {"service": "ecs", "operation": "list_clusters"}) is None
    assert policy.check("aws_read", {"service": "ecs", "operation": "delete_cluster", "params": {"cluster": "j"}})
    assert policy.check("aws_read", {}) is not None
    assert policy.check("aws_logs_insights", {"log_groups": ["/x"], "query": "fields @message"}) is None


def test_unknown_service_names_fail_at_start() -> None:
    with pytest.raises(AwsPolicyError, match="unknown AWS service 'states'"):
        AwsReadPolicy.for_services(["ecs", "states"])


def test_scrub_masks_environment_values_in_every_shape() -> None:
    response = {
        "Functions": [{"FunctionName": "f", "Environment": {"Variables": {"TOKEN": "t", "MODE": "m"}, "Error": {}}}],
        "taskDefinition": {"containerDefinitions": [{"environment": [{"name": "DB", "value": "p"}],
                                                     "secrets": [{"name": "S", "valueFrom": "arn:x"}]}]},
        "project": {"environmentVariables": [{"name": "K", "value": "v", "type": "PLAINTEXT"}]},
        "count": 3,
    }

    scrubbed = scrub_response(response)

    assert scrubbed["Functions"][0]["Environment"] == {"Variables": {"TOKEN": MASKED, "MODE": MASKED}, "Error": {}}
    assert scrubbed["taskDefinition"]["containerDefinitions"][0] == {
        "environment": [{"name": "DB", "value": MASKED}], "secrets": [{"name": "S", "valueFrom": "arn:x"}]
    }
    assert scrubbed["project"]["environmentVariables"] == [{"name": "K", "value": MASKED, "type": "PLAINTEXT"}]
    assert scrubbed["count"] == 3
    assert response["Functions"][0]["Environment"]["Variables"]["TOKEN"] == "t"  # the input is not changed
