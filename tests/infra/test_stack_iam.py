"""Least privilege: what each role may do, that nothing writes broadly, and the denies that always hold."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from synthesis import BASE_CONFIG, PROFILE, Synthesised

READ_VERBS = re.compile(r"^[a-z0-9-]+:(Get|Describe|List|Filter|StartQuery|BatchGet|Query)[A-Za-z]*$")
# The only writes a role may have, each on named resources of this stack.
ALLOWED_WRITES = {
    "lambda:InvokeFunction", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage",
    "bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream",
}
# X-Ray's trace uploads (active tracing) have no resource-level permissions: they are the only writes on "*".
TRACE_WRITES = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(stack: Synthesised, role_fragment: str) -> list[dict[str, Any]]:
    role_id = stack.logical_id("AWS::IAM::Role", role_fragment)
    found = []
    for policy in stack.of_type("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return found


def by_sid(stack: Synthesised, role_fragment: str) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in statements(stack, role_fragment) if "Sid" in statement}


def allowed_actions(stack: Synthesised, role_fragment: str) -> set[str]:
    return {
        action for statement in statements(stack, role_fragment) if statement["Effect"] == "Allow"
        for action in listed(statement["Action"])
    }


@pytest.mark.parametrize("role", ["IngressBotRole", "WorkerBotRole"])
def test_no_wildcard_actions_and_writes_only_on_named_resources(base: Synthesised, role: str) -> None:
    for statement in statements(base, role):
        if statement["Effect"] != "Allow":
            continue
        for action in listed(statement["Action"]):
            assert "*" not in action, action
            assert READ_VERBS.match(action) or action in ALLOWED_WRITES | TRACE_WRITES, action
            if action in ALLOWED_WRITES:
                assert "*" not in json.dumps(statement["Resource"]), statement
            if action in TRACE_WRITES:
                assert set(listed(statement["Action"])) == TRACE_WRITES, statement


@pytest.mark.parametrize("role", ["IngressBotRole", "WorkerBotRole"])
def test_roles_have_no_managed_policies(base: Synthesised, role: str) -> None:
    properties = base.resources[base.logical_id("AWS::IAM::Role", role)]["Properties"]
    assert "ManagedPolicyArns" not in properties
    assert properties["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_ingress_may_start_the_worker_use_its_tables_and_read_the_slack_secret_only(base: Synthesised) -> None:
    worker = base.logical_id("AWS::Lambda::Function", "Worker")
    idempotency = base.logical_id("AWS::DynamoDB::Table", "Idempotency")
    triage = base.logical_id("AWS::DynamoDB::Table", "Triage")
    slack = base.logical_id("AWS::SecretsManager::Secret", "Slack")
    logs = base.logical_id("AWS::Logs::LogGroup", "Ingress")

    granted = {
        (action, json.dumps(statement["Resource"], sort_keys=True))
        for statement in statements(base, "IngressBotRole") if statement["Effect"] == "Allow"
        for action in listed(statement["Action"])
    }

    def on(resource: Any, *actions: str) -> set[tuple[str, str]]:
        return {(action, json.dumps(resource, sort_keys=True)) for action in actions}

    assert granted == (
        on({"Fn::GetAtt": [worker, "Arn"]}, "lambda:InvokeFunction")
        | on({"Fn::GetAtt": [idempotency, "Arn"]}, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
             "dynamodb:DeleteItem")
        | on({"Fn::GetAtt": [triage, "Arn"]}, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
        | on({"Ref": slack}, "secretsmanager:GetSecretValue")
        | on({"Fn::GetAtt": [logs, "Arn"]}, "logs:CreateLogStream", "logs:PutLogEvents")
        | on("*", *TRACE_WRITES)
    )


@pytest.mark.parametrize(("role", "secrets"), [
    ("IngressBotRole", ["Slack"]),
    ("WorkerBotRole", ["Slack", "Github", "JobsApi", "Google"]),
])
def test_denies_on_secret_and_credential_apis_hold_beyond_own_secrets(
    base: Synthesised, role: str, secrets: list[str]
) -> None:
    own = [{"Ref": base.logical_id("AWS::SecretsManager::Secret", f"Secrets{name}")} for name in secrets]
    denies = {sid: s for sid, s in by_sid(base, role).items() if s["Effect"] == "Deny"}

    assert set(listed(denies["DenyOtherSecrets"]["Action"])) >= {"secretsmanager:GetSecretValue"}
    assert listed(denies["DenyOtherSecrets"]["NotResource"]) == own
    assert set(denies["DenyParameterValues"]["Action"]) >= {"ssm:GetParameter", "ssm:GetParameters",
                                                             "ssm:GetParametersByPath"}
    assert denies["DenyDecryptOutsideSecretsManager"]["Action"] == "kms:Decrypt"
    assert "kms:ViaService" in denies["DenyDecryptOutsideSecretsManager"]["Condition"]["StringNotEquals"]
    assert set(denies["DenyCredentials"]["Action"]) >= {
        "sts:AssumeRole", "sts:GetSessionToken", "sts:GetFederationToken", "iam:CreateAccessKey",
        "iam:CreateLoginProfile",
    }
    allowed_secrets = [
        resource for s in statements(base, role) if s["Effect"] == "Allow"
        and "secretsmanager:GetSecretValue" in listed(s["Action"]) for resource in listed(s["Resource"])
    ]
    assert allowed_secrets == own


def test_worker_invokes_the_configured_profile_and_its_model_only_through_it(base: Synthesised) -> None:
    sids = by_sid(base, "WorkerBotRole")
    profile = json.dumps(sids["InvokeConfiguredProfile"]["Resource"])
    models = json.dumps(sids["InvokeModelThroughProfile"]["Resource"])

    assert f":inference-profile/{PROFILE}" in profile
    for region in BASE_CONFIG["model_regions"]:
        assert f":bedrock:{region}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0" in models
    assert "us-east-2" not in models
    condition = sids["InvokeModelThroughProfile"]["Condition"]["StringEquals"]["bedrock:InferenceProfileArn"]
    assert json.dumps(condition) == profile
    bedrock = {a for a in allowed_actions(base, "WorkerBotRole") if a.startswith("bedrock:")}
    assert bedrock == {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}


def test_a_plain_model_id_is_invoked_in_the_stack_region(synth: Callable[..., Synthesised]) -> None:
    stack = synth(model="bedrock:anthropic.claude-3-5-haiku-20241022-v1:0", model_regions=[])
    sids = by_sid(stack, "WorkerBotRole")
    assert "InvokeConfiguredProfile" not in sids
    resource = json.dumps(sids["InvokeConfiguredModel"]["Resource"])
    assert "AWS::Region" in resource
    assert resource.endswith('::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0"]]}')


def test_no_model_means_no_bedrock_permission(synth: Callable[..., Synthesised]) -> None:
    stack = synth(model="none", model_regions=[])
    assert not {a for a in allowed_actions(stack, "WorkerBotRole") if a.startswith("bedrock:")}


def test_investigation_reads_are_scoped_to_the_configured_resources(base: Synthesised) -> None:
    sids = by_sid(base, "WorkerBotRole")
    logs = json.dumps(sids["ReadConfiguredLogGroups"]["Resource"])
    assert ":log-group:/aws/lambda/jobs-*:*" in logs
    assert ":log-group:/ecs/jobs-api:*" in logs
    assert json.dumps(sids["ReadConfiguredQueues"]["Resource"]).endswith(':jobs-queue"]]}')
    assert json.dumps(sids["ReadConfiguredFunctions"]["Resource"]).endswith(':function:jobs-healthcheck"]]}')
    assert json.dumps(sids["ReadConfiguredEcsTasks"]["Resource"]).endswith(':task/jobs/*"]]}')
    assert "ecs:cluster" in sids["ListTasksOfConfiguredClusters"]["Condition"]["ArnLike"]


def test_unconfigured_services_get_no_permissions(synth: Callable[..., Synthesised]) -> None:
    stack = synth(investigation={"log_groups": ["/aws/lambda/jobs-*"]})
    services = {action.split(":")[0] for action in allowed_actions(stack, "WorkerBotRole")}
    assert services == {"logs", "secretsmanager", "dynamodb", "bedrock", "sqs", "xray"}
    sqs_actions = {a for a in allowed_actions(stack, "WorkerBotRole") if a.startswith("sqs:")}
    assert sqs_actions == {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}  # its dead letters


def test_the_runbooks_other_services_are_granted_only_when_configured(synth: Callable[..., Synthesised]) -> None:
    stack = synth(investigation={"ecr_repositories": ["jobs-*"], "rds_instances": ["jobs-db"],
                                 "schedules": ["default/jobs-*"], "load_balancers": True, "certificates": True,
                                 "auto_scaling": True})
    sids = by_sid(stack, "WorkerBotRole")
    assert sids["ReadConfiguredRepositories"]["Resource"] == {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":ecr:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"},
        ":repository/jobs-*"]]}
    assert "rds:DescribeDBInstances" in listed(sids["ReadConfiguredDatabases"]["Action"])
    assert "scheduler:GetSchedule" in listed(sids["ReadConfiguredSchedules"]["Action"])
    for sid in ("ReadLoadBalancers", "ReadCertificates", "ReadAutoScalingGroups", "ListSchedules"):
        assert sids[sid]["Resource"] == "*", sid
    variables = stack.function("app.worker.handler")["Environment"]["Variables"]
    assert set(variables["AIOPS_AWS_READ_SERVICES"].split(",")) == {"ecr", "rds", "scheduler", "elbv2", "acm",
                                                                     "autoscaling"}
