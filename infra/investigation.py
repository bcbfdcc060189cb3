"""The worker's read-only view of the platform: per service, read actions on the configured resources only."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.config import InvestigationScope
from infra.grants import ECS_CLUSTERS, ECS_TASK_LIST, ReadAccess, scoped_pairs, unscoped_actions
from infra.policies import allow

# How CloudFormation pseudo parameters appear in an ARN: as tokens in the template, as cdk-nag prints them.
TEMPLATE = (Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID)
NAG = ("<AWS::Partition>", "<AWS::Region>", "<AWS::AccountId>")


def read_statements(scope: InvestigationScope) -> list[iam.PolicyStatement]:
    """Read-only statements for every service the scope names; nothing for the others."""
    statements = [statement for access, names in scoped_pairs(scope) for statement in _scoped(access, names)]
    statements += [allow(sid, actions, ["*"]) for sid, actions in unscoped_actions(scope)]
    if scope.ecs_clusters:
        clusters = [ECS_CLUSTERS.arn(name, TEMPLATE) for name in scope.ecs_clusters]
        statements.append(allow("ListTasksOfConfiguredClusters", ECS_TASK_LIST, ["*"],
                                ArnLike={"ecs:cluster": clusters}))
    return statements


def _scoped(access: ReadAccess, names: Sequence[str]) -> list[iam.PolicyStatement]:
    if not names:
        return []
    return [allow(access.sid, access.actions, [access.arn(name, TEMPLATE) for name in names])]


def wildcard_resources(scope: InvestigationScope) -> list[str]:
    """The granted resources that contain ``*``, as cdk-nag names them (each is a finding to justify)."""
    arns = [access.arn(name, NAG) for access, names in scoped_pairs(scope) for name in names]
    wildcards = sorted({arn for arn in arns if "*" in arn})
    if scope.ecs_clusters or unscoped_actions(scope):
        wildcards.append("*")
    return wildcards
