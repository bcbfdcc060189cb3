"""A realistic AWS account for the tool tests, as seed calls: ECS with stopped tasks, Lambda, SQS with a DLQ,
Step Functions, CloudWatch alarms and logs, plus secrets the agent must never read.

Imported by the test modules next to it (pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

import json
import time
from typing import Any

REGION = "us-east-1"
PULL_ERROR = (
    "CannotPullContainerError: pull access denied for registry.example.com/runner, repository does not exist "
    "or may require 'docker login'"
)
OOM = "OutOfMemoryError: Container killed due to memory usage"
DB_PASSWORD = "s3cr3t-db-pass"
API_TOKEN = "tok-live-abc123"
TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})
DEFINITION = json.dumps({"StartAt": "Export", "States": {"Export": {"Type": "Pass", "End": True}}})


def world_calls(now_ms: int | None = None) -> list[dict[str, Any]]:
    """The seed calls (``aws.yaml`` format); log event times are the last minutes before ``now_ms``."""
    now_ms = now_ms or int(time.time() * 1000)
    return [
        *_ecs(),
        {"service": "iam", "op": "create_role", "save": "role",
         "params": {"RoleName": "job-dispatcher", "AssumeRolePolicyDocument": TRUST}},
        {"service": "lambda", "op": "create_function", "params": {
            "FunctionName": "job-dispatcher", "Runtime": "python3.11", "Role": "{{role.Role.Arn}}",
            "Handler": "app.handler", "Code": {"ZipFile": b"PK-not-really-a-zip"}, "Timeout": 30,
            "Environment": {"Variables": {"JOBS_API_TOKEN": API_TOKEN, "QUEUE": "jobs"}}}},
        *_sqs(),
        {"service": "stepfunctions", "op": "create_state_machine", "save": "machine",
         "params": {"name": "nightly-export", "definition": DEFINITION, "roleArn": "{{role.Role.Arn}}"}},
        {"service": "stepfunctions", "op": "start_execution", "save": "execution",
         "params": {"stateMachineArn": "{{machine.stateMachineArn}}", "name": "export-2026-11-20"}},
        {"service": "stepfunctions", "op": "stop_execution", "params": {
            "executionArn": "{{execution.executionArn}}", "error": "States.TaskFailed", "cause": OOM}},
        {"service": "cloudwatch", "op": "put_metric_alarm", "params": {
            "AlarmName": "jobs-dlq-not-empty", "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": "jobs-dlq"}], "Statistic": "Maximum", "Period": 60,
            "EvaluationPeriods": 1, "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold"}},
        {"service": "cloudwatch", "op": "set_alarm_state", "params": {
            "AlarmName": "jobs-dlq-not-empty", "StateValue": "ALARM", "StateReason": "2 messages in jobs-dlq"}},
        *_logs(now_ms),
        {"service": "secretsmanager", "op": "create_secret",
         "params": {"Name": "jobs/db", "SecretString": json.dumps({"password": DB_PASSWORD})}},
        {"service": "ssm", "op": "put_parameter",
         "params": {"Name": "/jobs/db-password", "Value": DB_PASSWORD, "Type": "SecureString"}},
    ]


def _ecs() -> list[dict[str, Any]]:
    run = {"cluster": "jobs", "taskDefinition": "runner", "launchType": "FARGATE", "startedBy": "scheduler"}
    return [
        {"service": "ecs", "op": "create_cluster", "params": {"clusterName": "jobs"}},
        {"service": "ecs", "op": "register_task_definition", "params": {
            "family": "runner", "networkMode": "bridge", "cpu": "256", "memory": "512",
            "containerDefinitions": [{
                "name": "runner", "image": "registry.example.com/runner:4.2", "memory": 512,
                "environment": [{"name": "DB_PASSWORD", "value": DB_PASSWORD}, {"name": "QUEUE", "value": "jobs"}],
            }]}},
        {"service": "ecs", "op": "create_service", "params": {
            "cluster": "jobs", "serviceName": "runner", "taskDefinition": "runner", "desiredCount": 2,
            "launchType": "FARGATE"}},
        {"service": "ecs", "op": "run_task", "save": "pull", "params": run},
        {"service": "ecs", "op": "run_task", "save": "oom", "params": run},
        {"service": "ecs", "op": "run_task", "save": "healthy", "params": run},
        {"service": "ecs", "op": "stop_task",
         "params": {"cluster": "jobs", "task": "{{pull.tasks[0].taskArn}}", "reason": PULL_ERROR}},
        {"service": "ecs", "op": "stop_task",
         "params": {"cluster": "jobs", "task": "{{oom.tasks[0].taskArn}}", "reason": OOM}},
    ]


def _sqs() -> list[dict[str, Any]]:
    return [
        {"service": "sqs", "op": "create_queue", "save": "dlq", "params": {"QueueName": "jobs-dlq"}},
        {"service": "sqs", "op": "get_queue_attributes", "save": "dlq_attributes",
         "params": {"QueueUrl": "{{dlq.QueueUrl}}", "AttributeNames": ["QueueArn"]}},
        {"service": "sqs", "op": "create_queue", "save": "jobs", "params": {
            "QueueName": "jobs", "Attributes": {"RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": "{{dlq_attributes.Attributes.QueueArn}}", "maxReceiveCount": "3"})}}},
        {"service": "sqs", "op": "send_message",
         "params": {"QueueUrl": "{{dlq.QueueUrl}}", "MessageBody": '{"job_id": 16852935}'}},
        {"service": "sqs", "op": "send_message",
         "params": {"QueueUrl": "{{dlq.QueueUrl}}", "MessageBody": '{"job_id": 16852936}'}},
    ]


def _logs(now_ms: int) -> list[dict[str, Any]]:
    events = [
        {"timestamp": now_ms - 300_000, "message": "INFO job 16852935 task normal-4 started"},
        {"timestamp": now_ms - 240_000, "message": f"ERROR job 16852935 task normal-4: {OOM}"},
        {"timestamp": now_ms - 60_000, "message": "INFO job 16852936 task normal-1 finished"},
    ]
    return [
        {"service": "logs", "op": "create_log_group", "params": {"logGroupName": "/ecs/runner"}},
        {"service": "logs", "op": "create_log_stream",
         "params": {"logGroupName": "/ecs/runner", "logStreamName": "runner/runner/abc123"}},
        {"service": "logs", "op": "put_log_events", "params": {
            "logGroupName": "/ecs/runner", "logStreamName": "runner/runner/abc123", "logEvents": events}},
    ]
