"""Seeding a moto account from aws.yaml calls, with references to earlier responses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from app.fakes.aws import SeedError, load_aws_calls, resolve, seed_aws

AWS_YAML = """
- {service: ecs, op: create_cluster, params: {clusterName: jobs}}
- service: ecs
  op: register_task_definition
  params:
    family: runner
    networkMode: bridge
    containerDefinitions: [{name: runner, image: "registry.example.com/runner:4.2", memory: 512}]
- {service: ecs, op: run_task, save: run, params: {cluster: jobs, taskDefinition: runner, launchType: FARGATE}}
- service: ecs
  op: stop_task
  params:
    cluster: jobs
    task: "{{run.tasks[0].taskArn}}"
    reason: "OutOfMemoryError: Container killed due to memory usage"
- {service: sqs, op: create_queue, save: queue, params: {QueueName: jobs}}
- service: sqs
  op: send_message
  params: {QueueUrl: "{{ queue.QueueUrl }}", MessageBody: "job {{run.tasks[0].group}}"}
"""


@pytest.fixture
def session(aws_env: None) -> Iterator[boto3.Session]:
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


def test_scenario_file_seeds_the_account_and_references_earlier_responses(
    session: boto3.Session, tmp_path: Path
) -> None:
    path = tmp_path / "aws.yaml"
    path.write_text(AWS_YAML, encoding="utf-8")

    saved = seed_aws(load_aws_calls(path), session)

    arn = saved["run"]["tasks"][0]["taskArn"]
    task = session.client("ecs").describe_tasks(cluster="jobs", tasks=[arn])["tasks"][0]
    assert task["lastStatus"] == "STOPPED"
    assert task["stoppedReason"] == "OutOfMemoryError: Container killed due to memory usage"
    messages = session.client("sqs").receive_message(QueueUrl=saved["queue"]["QueueUrl"])["Messages"]
    assert [message["Body"] for message in messages] == ["job family:runner"]


def test_an_id_reference_takes_what_follows_the_arn_last_slash() -> None:
    saved = {"run": {"tasks": [{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/jobs/4f1c9e"}]}}

    assert resolve('{"TaskId": "{{run.tasks[0].taskArn|id}}"}', saved) == '{"TaskId": "4f1c9e"}'
    assert resolve("{{ run.tasks[0].taskArn | id }}", saved) == "4f1c9e"


def test_a_whole_string_reference_keeps_the_value_type() -> None:
    saved = {"r": {"items": [{"ids": [1, 2]}], "name": "x"}}

    assert resolve({"a": "{{r.items[0].ids}}", "b": ["{{r.name}}-1"], "c": 3}, saved) == {
        "a": [1, 2], "b": ["x-1"], "c": 3
    }


@pytest.mark.parametrize(
    ("calls", "message"),
    [
        ([{"service": "ecs"}], "seed call 1 must be an object with service and op strings"),
        (["create_cluster"], "seed call 1 must be an object with service and op strings"),
        ([{"service": "ecs", "op": "create_cluster", "params": ["jobs"]}], "seed call 1: params must be an object"),
        ([{"service": "ecs", "op": "make_cluster"}], r"seed call 1 \(ecs.make_cluster\): ecs has no operation"),
        ([{"service": "ecs", "op": "stop_task", "params": {"cluster": "j", "task": "{{run.tasks[0].taskArn}}"}}],
         r"seed call 1 \(ecs.stop_task\): \{\{run.tasks\[0\].taskArn\}\} refers to no saved response"),
        ([{"service": "sqs", "op": "create_queue", "save": "q", "params": {"QueueName": "a"}},
          {"service": "sqs", "op": "send_message", "params": {"QueueUrl": "{{q.Url}}", "MessageBody": "x"}}],
         r"seed call 2 \(sqs.send_message\): \{\{q.Url\}\}: the response has no Url"),
        ([{"service": "ecs", "op": "list_clusters"},
          {"service": "sqs", "op": "get_queue_url", "params": {"QueueName": "missing"}}],
         r"seed call 2 \(sqs.get_queue_url\) failed: .*(QueueDoesNotExist|NonExistentQueue)"),
    ],
)
def test_bad_calls_name_the_call_and_the_problem(
    session: boto3.Session, calls: list[Any], message: str
) -> None:
    with pytest.raises(SeedError, match=message):
        seed_aws(calls, session)


@pytest.mark.parametrize(
    ("text", "message"), [("{service: ecs}", "must hold a list"), ("- [unclosed", "cannot read")]
)
def test_bad_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "aws.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(SeedError, match=message):
        load_aws_calls(path)
