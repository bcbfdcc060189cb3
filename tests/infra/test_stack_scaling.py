"""The worker's concurrency cap and the buffering of bursts beyond it, and the claims' expiry and permissions."""

from __future__ import annotations

import json
from collections.abc import Callable

from synthesis import Synthesised


def test_worker_concurrency_is_capped_and_a_burst_waits_in_the_async_queue(base: Synthesised) -> None:
    worker_id = base.logical_id("AWS::Lambda::Function", "Worker")

    assert base.function("app.worker.handler")["ReservedConcurrentExecutions"] == 10
    assert "ReservedConcurrentExecutions" not in base.function("app.ingress.handler")
    base.template.has_resource_properties("AWS::Lambda::EventInvokeConfig", {
        "FunctionName": {"Ref": worker_id}, "MaximumEventAgeInSeconds": 6 * 3600, "MaximumRetryAttempts": 0,
    })


def test_scaling_and_alert_handling_come_from_the_configuration(synth: Callable[..., Synthesised]) -> None:
    stack = synth(
        scaling={"worker_concurrency": 4, "max_event_age_minutes": 90},
        alerts={"storm_window_seconds": 120, "daily_budget_tokens": 2_000_000, "daily_budget_usd": 25.5},
    )
    worker = stack.function("app.worker.handler")
    environment = worker["Environment"]["Variables"]

    assert worker["ReservedConcurrentExecutions"] == 4
    stack.template.has_resource_properties("AWS::Lambda::EventInvokeConfig", {"MaximumEventAgeInSeconds": 5400})
    assert (environment["AIOPS_STORM_WINDOW_SECONDS"], environment["AIOPS_REPEAT_WINDOW_SECONDS"]) == ("120", "3600")
    assert (environment["AIOPS_DAILY_BUDGET_TOKENS"], environment["AIOPS_DAILY_BUDGET_USD"]) == ("2000000", "25.5")


def test_claims_expire_and_the_worker_may_delete_claims_only(base: Synthesised) -> None:
    triage = base.resources[base.logical_id("AWS::DynamoDB::Table", "Triage")]["Properties"]
    role = base.resources[base.logical_id("AWS::IAM::Policy", "WorkerBotRole")]["Properties"]
    deletes = [
        statement for statement in role["PolicyDocument"]["Statement"]
        if "dynamodb:DeleteItem" in json.dumps(statement["Action"])
    ]

    assert triage["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert len(deletes) == 1
    assert deletes[0]["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CLAIM#*"]}}
