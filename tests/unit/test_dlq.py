"""Dead-letter replay against the queue and the Lambda API under moto, through the real boto3 clients."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.cli import main
from app.dlq import parse_letter, receive, replay_command

REGION = "us-east-1"
JOB = {"kind": "alert", "event_id": "EvDEAD1", "channel": "C0ALERTS01", "ts": "1.1", "thread_ts": "1.1",
       "alert": {"text": "job 4 failed"}}


def failure_record(job: dict[str, Any]) -> str:
    """What Lambda's on-failure destination writes for an asynchronous invocation that raised."""
    return json.dumps({
        "version": "1.0", "timestamp": "2026-11-30T08:15:02.481Z",
        "requestContext": {"requestId": "8d1c", "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:w",
                           "condition": "RetriesExhausted", "approximateInvokeCount": 1},
        "requestPayload": job,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": "investigation r-1 failed: slack down", "errorType": "InvestigationError"},
    })


@pytest.fixture
def aws(aws_env: None) -> Iterator[tuple[Any, Any, str]]:
    with mock_aws(config={"lambda": {"use_docker": False}}):
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="dead-letters")["QueueUrl"]
        lambda_client = boto3.client("lambda", region_name=REGION)
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="worker", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("handler.py", "def lambda_handler(event, context):\n    return event\n")
        lambda_client.create_function(FunctionName="worker", Runtime="python3.11", Role=role,
                                      Handler="handler.lambda_handler", Code={"ZipFile": code.getvalue()})
        yield sqs, lambda_client, queue


def invoked_payloads(lambda_client: Any) -> list[dict[str, Any]]:
    """Records each Invoke request the client sends."""
    return _record_invokes(lambda_client.meta.events)


@pytest.fixture
def cli_invokes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Invoke requests of the clients the CLI builds (from a fresh default session, dropped after the test)."""
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    return _record_invokes(boto3.DEFAULT_SESSION.events)


def _record_invokes(events: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append({"function": params["FunctionName"], "type": params["InvocationType"],
                     "job": json.loads(params["Payload"])})

    events.register("provide-client-params.lambda.Invoke", record)
    return sent


def queued(sqs: Any, queue: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def run(*args: str) -> int:
    return main(["dlq", "replay", "--region", REGION, *args])


def test_replay_reinvokes_each_job_asynchronously_and_deletes_its_letter(
    aws: tuple[Any, Any, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sqs, lambda_client, queue = aws
    second = {**JOB, "event_id": "EvDEAD2"}
    for job in (JOB, second):
        sqs.send_message(QueueUrl=queue, MessageBody=failure_record(job))
    sent = invoked_payloads(lambda_client)

    code = replay_command(queue_url=queue, function="worker", limit=50, dry_run=False, sqs=sqs,
                          lambda_client=lambda_client)

    assert code == 0

    assert sorted(call["job"]["event_id"] for call in sent) == ["EvDEAD1", "EvDEAD2"]
    assert {(call["function"], call["type"]) for call in sent} == {("worker", "Event")}
    assert queued(sqs, queue) == 0
    out = capsys.readouterr().out
    assert "replayed: " in out and "RetriesExhausted: InvestigationError: investigation r-1 failed" in out
    assert out.strip().endswith("2 dead letters: 2 replayed, 0 kept in the queue")


@pytest.mark.usefixtures("aiops_env")
def test_dry_run_lists_the_letters_and_leaves_them_visible(
    aws: tuple[Any, Any, str], cli_invokes: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    sqs, _, queue = aws
    sqs.send_message(QueueUrl=queue, MessageBody=failure_record(JOB))

    assert run("--queue-url", queue, "--function", "worker", "--dry-run") == 0

    assert cli_invokes == []
    out = capsys.readouterr().out
    assert "would replay: " in out and "alert event EvDEAD1 in C0ALERTS01" in out
    assert "1 dead letter: 1 would be replayed, 0 kept in the queue" in out
    again = receive(sqs, queue, 10)  # released at once, not hidden for the inspection window
    assert [letter.payload for letter in again] == [JOB]


def test_unreadable_letters_and_failed_invocations_stay_in_the_queue(
    aws_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with mock_aws():  # no function named "missing": Lambda answers ResourceNotFoundException
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="dead-letters")["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody=failure_record(JOB))
        sqs.send_message(QueueUrl=queue, MessageBody="not json")

        code = replay_command(queue_url=queue, function="missing", limit=50, dry_run=False, sqs=sqs,
                              lambda_client=boto3.client("lambda", region_name=REGION))

        assert code == 1
        assert queued(sqs, queue) == 2

        assert queued(sqs, queue) == 2
    out = capsys.readouterr().out
    assert "kept: cannot invoke missing: " in out and "ResourceNotFoundException" in out
    assert "kept: not a Lambda failure record: " in out and "body is not JSON" in out
    assert "2 dead letters: 0 replayed, 2 kept in the queue" in out


@pytest.mark.usefixtures("aiops_env")
def test_a_queue_that_cannot_be_read_is_an_error(aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    with mock_aws():
        code = run("--queue-url", "https://sqs.us-east-1.amazonaws.com/123456789012/nowhere", "--function", "w")
    assert code == 1
    assert "cannot read dead letters from https://sqs.us-east-1.amazonaws.com/123456789012/nowhere" in (
        capsys.readouterr().out)


def test_a_record_without_a_request_payload_is_not_replayable() -> None:
    letter = parse_letter("m-1", "r-1", json.dumps({"requestContext": {"condition": "EventAgeExceeded"}}))
    assert letter.payload is None
    assert letter.describe() == "m-1: not a Lambda failure record (no requestPayload object)"


@pytest.mark.usefixtures("aiops_env")
def test_the_command_replays_through_the_clients_it_builds(
    aws: tuple[Any, Any, str], cli_invokes: list[dict[str, Any]]
) -> None:
    sqs, _, queue = aws
    sqs.send_message(QueueUrl=queue, MessageBody=failure_record(JOB))

    assert run("--queue-url", queue, "--function", "worker") == 0

    assert [call["job"] for call in cli_invokes] == [JOB]
    assert queued(sqs, queue) == 0


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["dlq", "replay", "--help"])
    assert exited.value.code == 0
    usage = capsys.readouterr().out
    for option in ("--queue-url", "--function", "--dry-run", "--max"):
        assert option in usage
