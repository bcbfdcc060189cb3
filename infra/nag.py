"""cdk-nag AWS Solutions findings this design accepts, each with the reason, attached where it occurs."""

from __future__ import annotations

from collections.abc import Sequence

from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import IConstruct

from infra.functions import BotFunction

RUNTIME_REASON = (
    "Python 3.11 is the version the bot is developed and tested on; the assets' wheels and byte code are built "
    "for it, so moving the runtime is a deliberate upgrade of the whole project, not a deployment setting."
)
READ_SCOPE_REASON = (
    "Read-only actions on the resources the operator configured (investigation in infra config); a trailing * "
    "is a configured name prefix or the streams/tasks/executions inside one configured resource. Actions without "
    "resource-level permissions (logs:GetQueryResults, logs:DescribeLogGroups, ecs:ListTasks with an ecs:cluster "
    "condition, CloudWatch metric reads) are granted only for configured services."
)
ROTATION_REASON = (
    "These hold credentials issued by Slack, GitHub, the jobs API and Google; they are rotated where they are "
    "issued and the new value is put into the secret (README, Deploy), no rotation Lambda can mint them."
)
TRACE_REASON = (
    "Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions, so "
    "Lambda's X-Ray statement names '*'; they only upload the function's own trace segments."
)
VPC_REASON = (
    "The worker runs in the operator's subnets (worker_vpc): Lambda manages its network interfaces, and EC2's "
    "network-interface actions Lambda requires of the role have no narrower resource than '*'."
)
DLQ_REASON = "This queue is itself the dead-letter destination of the worker's asynchronous invocations."
DEDUPE_PITR_REASON = (
    "The idempotency table holds Slack event ids for one hour (TTL) to drop Slack's retries; there is nothing to "
    "recover after an incident."
)


def suppress(construct: IConstruct, rule: str, reason: str, applies_to: Sequence[str] = ()) -> None:
    """Accept one finding on ``construct`` and everything below it."""
    suppression = NagPackSuppression(id=f"AwsSolutions-{rule}", reason=reason, applies_to=list(applies_to) or None)
    NagSuppressions.add_resource_suppressions(construct, [suppression], apply_to_children=True)


def accept_function_findings(bot: BotFunction, read_wildcards: Sequence[str] = ()) -> None:
    """Findings on a bot function: its runtime and, for the worker, its configured read scope."""
    suppress(bot.function, "L1", RUNTIME_REASON)
    suppress(bot.role, "IAM5", TRACE_REASON, ["Resource::*"])
    if read_wildcards:
        suppress(bot.role, "IAM5", READ_SCOPE_REASON, [f"Resource::{arn}" for arn in read_wildcards])
