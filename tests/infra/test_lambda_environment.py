"""The environment each Lambda receives is what ``Settings`` reads, and it composes the AWS-backed bot.

Written against the Settings fields present when the test runs, so it keeps holding as settings are added.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest
from moto import mock_aws
from synthesis import BASE_CONFIG, Synthesised

from app.agent.budget import Budget
from app.config import Settings, load_settings
from app.ingress.dispatch import DispatchError, LambdaDispatcher
from app.ingress.handler import build_ingress
from app.models import Alert, Job, TriageRecord
from app.storage.triage import DynamoTriageStore
from app.worker.handler import build_worker
from infra.environment import settings_environment

REGION = "us-east-1"
CONCRETE = {"Idempotency": "aiops-idempotency", "Triage": "aiops-triage", "WorkerBotFunction": "aiops-worker",
            "ExecutorBotFunction": "aiops-executor"}
SLACK_SECRET = {"signing_secret": "8f14e45fceea167a5a36dedd4bea2543", "bot_token": "xoxb-test"}


def environment(stack: Synthesised, handler: str) -> dict[str, Any]:
    variables: dict[str, Any] = stack.function(handler)["Environment"]["Variables"]
    return variables


def resolve(value: Any, stack: Synthesised) -> str:
    """A concrete value for a template value: references become the names the resources would get."""
    if isinstance(value, str):
        return value
    target = value["Ref"]
    if target == "AWS::Region":
        return REGION
    for fragment, name in CONCRETE.items():
        if fragment in target and target in stack.resources:
            return name
    raise AssertionError(f"unexpected reference in a Lambda environment: {value}")


@pytest.fixture
def deployed_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Apply a function's resolved environment as the only AIOPS_ variables."""
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)

    def apply(stack: Synthesised, handler: str) -> Settings:
        for name, value in environment(stack, handler).items():
            monkeypatch.setenv(name, resolve(value, stack))
        return load_settings()

    return apply


@pytest.mark.parametrize("handler", ["app.ingress.handler", "app.worker.handler"])
def test_every_variable_is_a_setting(base: Synthesised, handler: str) -> None:
    fields = {f"AIOPS_{name.upper()}" for name in Settings.model_fields}
    assert set(environment(base, handler)) <= fields


def test_worker_gets_every_credential_setting_and_the_ingress_only_slack(base: Synthesised) -> None:
    secret_settings = {f"AIOPS_{name.upper()}" for name in Settings.model_fields if name.endswith("_secret_name")}
    worker = set(environment(base, "app.worker.handler"))
    ingress = set(environment(base, "app.ingress.handler"))
    assert secret_settings <= worker
    assert ingress & secret_settings == {"AIOPS_SLACK_SECRET_NAME"}


def test_worker_reads_only_the_aws_services_its_role_is_scoped_to(base: Synthesised) -> None:
    services = environment(base, "app.worker.handler")["AIOPS_AWS_READ_SERVICES"].split(",")
    assert sorted(services) == ["cloudwatch", "ecs", "lambda", "logs", "sqs", "stepfunctions"]  # all six are scoped


def test_worker_state_lives_in_the_writable_tmp(base: Synthesised) -> None:
    # the GitHub runbook cache is written under the state folder; /tmp is the only writable path in Lambda
    assert environment(base, "app.worker.handler")["AIOPS_STATE_DIR"].startswith("/tmp/")  # noqa: S108


@pytest.mark.usefixtures("aws_env")
def test_ingress_environment_composes_the_aws_backed_ingress(base: Synthesised, deployed_env: Any) -> None:
    settings = deployed_env(base, "app.ingress.handler")
    assert settings.secrets_backend == "aws"
    assert settings.alert_channels == tuple(BASE_CONFIG["alert_channels"])
    with mock_aws():
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name=settings.slack_secret_name, SecretString=json.dumps(SLACK_SECRET)
        )
        ingress = build_ingress(settings)
        assert isinstance(ingress.dispatcher, LambdaDispatcher)
        with pytest.raises(DispatchError, match="cannot invoke aiops-worker"):
            ingress.dispatcher.dispatch(job=_job())
    assert (settings.idempotency_table, settings.triage_table) == ("aiops-idempotency", "aiops-triage")


@pytest.mark.usefixtures("aws_env")
def test_worker_environment_composes_the_aws_backed_worker(base: Synthesised, deployed_env: Any) -> None:
    settings = deployed_env(base, "app.worker.handler")
    with mock_aws():
        boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name=settings.slack_secret_name, SecretString=json.dumps(SLACK_SECRET)
        )
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName="aiops-triage", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )
        worker = build_worker(settings)
        worker.deps.store.put(TriageRecord(id="R1", job=_job()))
        stored = dynamodb.get_item(TableName="aiops-triage", Key={"pk": {"S": "TRIAGE#R1"}})["Item"]
    assert isinstance(worker.deps.store, DynamoTriageStore)
    assert json.loads(stored["body"]["S"])["id"] == "R1"
    assert worker.deps.model_spec == BASE_CONFIG["model"]
    assert worker.deps.budget == Budget(max_turns=8, max_total_tokens=60_000, timeout_seconds=240.0)
    assert str(settings.runbooks) == "/opt/runbooks"
    assert settings.executor_function == "aiops-executor"


def _job() -> Job:
    return Job(kind="alert", event_id="Ev1", channel="C0ALERTS01", ts="1.000001", thread_ts="1.000001",
               alert=Alert(text="started_at has no value"))


def test_a_value_for_a_setting_the_bot_does_not_read_stops_the_synth() -> None:
    from infra.config import DeployConfigError

    with pytest.raises(DeployConfigError, match="sets AIOPS_NOT_A_SETTING, which this version"):
        settings_environment(required={}, chosen={"not_a_setting": "value"})
    with pytest.raises(DeployConfigError, match="has no setting AIOPS_NOT_A_SETTING"):
        settings_environment(required={"not_a_setting": "value"})


def test_settings_the_bot_does_not_read_yet_are_left_out_and_empty_values_skipped() -> None:
    env = settings_environment(required={"model": "none"}, chosen={"log_level": ""}, available={"not_a_setting": "x"})
    assert env == {"AIOPS_MODEL": "none"}
