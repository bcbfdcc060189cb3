"""cdk-nag's AWS Solutions checks pass on the stack; every accepted finding is named and justified in code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_cdk import App, Aspects, Stack
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match
from cdk_nag import AwsSolutionsChecks
from synthesis import Synthesised

ACCEPTED_RULES = {"AwsSolutions-L1", "AwsSolutions-IAM5", "AwsSolutions-SMG4", "AwsSolutions-SQS3",
                  "AwsSolutions-DDB3"}


def nag_findings(stack: Stack) -> list[Any]:
    annotations = Annotations.from_stack(stack)
    pattern = Match.string_like_regexp("AwsSolutions-.*")
    return [*annotations.find_error("*", pattern), *annotations.find_warning("*", pattern)]


def suppressions(stack: Synthesised) -> list[dict[str, Any]]:
    found = []
    for resource in stack.resources.values():
        found.extend(resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []))
    return found


def test_aws_solutions_checks_pass(base: Synthesised) -> None:
    assert nag_findings(base.stack) == []


def test_checks_pass_for_a_minimal_configuration(synth: Callable[..., Synthesised]) -> None:
    stack = synth(investigation={}, model="none", model_regions=[])
    assert nag_findings(stack.stack) == []


def test_accepted_findings_are_these_rules_each_with_a_reason(base: Synthesised) -> None:
    accepted = suppressions(base)
    assert {entry["id"] for entry in accepted} == ACCEPTED_RULES
    for entry in accepted:
        assert len(entry["reason"]) >= 80, entry


def test_wildcards_are_accepted_one_by_one_for_the_configured_scope(base: Synthesised) -> None:
    applies = {item for entry in suppressions(base) if entry["id"] == "AwsSolutions-IAM5"
               for item in entry.get("applies_to", [])}
    arn = "arn:<AWS::Partition>:{}:<AWS::Region>:<AWS::AccountId>:{}"
    assert applies == {
        "Resource::" + arn.format("logs", "log-group:/aws/lambda/jobs-*:*"),
        "Resource::" + arn.format("logs", "log-group:/ecs/jobs-api:*"),
        "Resource::" + arn.format("ecs", "task/jobs/*"),
        "Resource::" + arn.format("ecs", "service/jobs/*"),
        "Resource::" + arn.format("states", "execution:jobs-*:*"),
        "Resource::" + arn.format("states", "stateMachine:jobs-*"),
        "Resource::*",
    }


def test_the_checks_do_report_an_insecure_resource() -> None:
    app = App()
    stack = Stack(app, "Insecure")
    sqs.Queue(stack, "Plain", encryption=sqs.QueueEncryption.UNENCRYPTED)
    Aspects.of(app).add(AwsSolutionsChecks())
    rules = {str(finding.entry.data).split(":")[0] for finding in nag_findings(stack)}
    assert {"AwsSolutions-SQS2", "AwsSolutions-SQS3", "AwsSolutions-SQS4"} <= rules
