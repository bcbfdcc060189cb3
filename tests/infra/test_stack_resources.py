"""The stack's resources, synthesised offline from a typed configuration."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from aws_cdk.assertions import Match
from synthesis import BASE_CONFIG, Synthesised


def test_both_functions_are_arm64_python_with_their_handlers_and_sizes(base: Synthesised) -> None:
    ingress = base.function("app.ingress.handler")
    worker = base.function("app.worker.handler")

    assert ingress["Handler"] == "app.ingress.handler.lambda_handler"
    assert worker["Handler"] == "app.worker.handler.lambda_handler"
    for function, size in ((ingress, BASE_CONFIG["ingress"]), (worker, BASE_CONFIG["worker"])):
        assert function["Architectures"] == ["arm64"]
        assert function["Runtime"] == "python3.11"
        assert (function["MemorySize"], function["Timeout"]) == (size["memory_mb"], size["timeout_seconds"])
        assert function["LoggingConfig"]["LogFormat"] == "JSON"
    assert ingress["Timeout"] < worker["Timeout"]


def test_ingress_is_reached_through_a_function_url_without_iam_auth(base: Synthesised) -> None:
    ingress_id = base.logical_id("AWS::Lambda::Function", "Ingress")
    base.template.has_resource_properties(
        "AWS::Lambda::Url", {"AuthType": "NONE", "TargetFunctionArn": {"Fn::GetAtt": [ingress_id, "Arn"]}}
    )
    base.template.resource_count_is("AWS::Lambda::Url", 1)


def test_worker_is_invoked_asynchronously_without_retries_and_failures_go_to_a_queue(base: Synthesised) -> None:
    worker_id = base.logical_id("AWS::Lambda::Function", "Worker")
    queue_id = base.logical_id("AWS::SQS::Queue", "DeadLetters")

    base.template.has_resource_properties("AWS::Lambda::EventInvokeConfig", {
        "FunctionName": {"Ref": worker_id},
        "MaximumRetryAttempts": 0,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [queue_id, "Arn"]}}},
    })
    base.template.has_resource_properties("AWS::SQS::Queue", {"SqsManagedSseEnabled": True})


def test_dead_letter_queue_has_an_alarm_on_its_first_message(base: Synthesised) -> None:
    queue_id = base.logical_id("AWS::SQS::Queue", "DeadLetters")
    base.template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}],
        "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    })


def test_alarm_notifies_the_configured_topic(synth: Callable[..., Synthesised]) -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:oncall"
    stack = synth(alarm_topic_arn=topic)
    stack.template.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmActions": [topic]})


def test_idempotency_table_expires_items_and_triage_table_is_recoverable(base: Synthesised) -> None:
    idempotency = base.resources[base.logical_id("AWS::DynamoDB::Table", "Idempotency")]
    triage = base.resources[base.logical_id("AWS::DynamoDB::Table", "Triage")]

    assert idempotency["Properties"]["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert idempotency["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert triage["Properties"]["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert triage["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert triage["DeletionPolicy"] == "Retain"


def test_one_secret_per_credential_set_named_by_the_prefix(synth: Callable[..., Synthesised]) -> None:
    stack = synth(secret_prefix="bot/prod")
    names = sorted(value["Properties"]["Name"] for value in stack.of_type("AWS::SecretsManager::Secret").values())
    assert names == ["bot/prod/github", "bot/prod/google", "bot/prod/jobs-api", "bot/prod/slack"]
    for secret in stack.of_type("AWS::SecretsManager::Secret").values():
        assert "SecretString" not in secret["Properties"]  # values are put by the operator, never in the template


def test_each_function_logs_to_its_own_group_with_the_configured_retention(base: Synthesised) -> None:
    groups = base.of_type("AWS::Logs::LogGroup")
    assert len(groups) == 3
    assert {value["Properties"]["RetentionInDays"] for value in groups.values()} == {90}
    for handler in ("app.ingress.handler", "app.worker.handler", "app.executor.handler"):
        assert base.function(handler)["LoggingConfig"]["LogGroup"]["Ref"] in groups


def test_worker_reads_runbooks_from_a_layer_built_without_docker(base: Synthesised) -> None:
    layer_id = base.logical_id("AWS::Lambda::LayerVersion", "WorkerRunbooks")
    worker = base.function("app.worker.handler")
    assert worker["Layers"] == [{"Ref": layer_id}]
    assert worker["Environment"]["Variables"]["AIOPS_RUNBOOKS"] == "/opt/runbooks"
    staged = base.stack.node.find_child("Worker").node.find_child("Runbooks")
    assert staged is not None


def test_runbooks_from_github_have_no_layer(synth: Callable[..., Synthesised]) -> None:
    from app.config import Settings

    if "github_secret_name" not in Settings.model_fields:
        pytest.skip("this build of the bot reads no GitHub catalogs; test_deploy_config covers the refusal")
    stack = synth(runbooks="github:acme/runbooks@v3:ops")
    stack.template.resource_count_is("AWS::Lambda::LayerVersion", 0)


def test_dashboard_shows_investigations_latency_tokens_errors_and_ratings(base: Synthesised) -> None:
    body = json.dumps(next(iter(base.of_type("AWS::CloudWatch::Dashboard").values()))["Properties"]["DashboardBody"])
    for title in ("Investigations", "Latency", "Tokens", "Errors", "Ratings"):
        assert f'\\"title\\":\\"{title}\\"' in body, title
    assert "agent finished" in body
    assert "ApproximateNumberOfMessagesVisible" in body


def test_outputs_name_the_request_url_and_the_secrets(base: Synthesised) -> None:
    outputs = base.template.to_json()["Outputs"]
    assert "SlackRequestUrl" in outputs
    assert outputs["SlackRequestUrl"]["Value"] == {
        "Fn::GetAtt": [base.logical_id("AWS::Lambda::Url", "Ingress"), "FunctionUrl"]
    }
    assert {"SlackSecretName", "GithubSecretName", "JobsApiSecretName", "GoogleSecretName"} <= set(outputs)
    base.template.has_output("DeadLetterQueueUrl", {"Value": Match.any_value()})
