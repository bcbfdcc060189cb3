"""The worker's read-only view of the platform: per service, read actions on the configured resources only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.config import InvestigationScope
from infra.policies import allow

# How CloudFormation pseudo parameters appear in an ARN: as tokens in the template, as cdk-nag prints them.
TEMPLATE = (Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID)
NAG = ("<AWS::Partition>", "<AWS::Region>", "<AWS::AccountId>")


@dataclass(frozen=True)
class ReadAccess:
    """Read actions of one service, on ARNs derived from configured names."""

    sid: str
    service: str
    actions: tuple[str, ...]
    resource: str  # with {name}

    def arn(self, name: str, pseudo: tuple[str, str, str] = TEMPLATE) -> str:
        """The ARN of the named resource (or name prefix) in this account and region."""
        partition, region, account = pseudo
        return f"arn:{partition}:{self.service}:{region}:{account}:{self.resource.format(name=name)}"


LOG_GROUPS = ReadAccess(
    "ReadConfiguredLogGroups", "logs",
    ("logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogStreams", "logs:StartQuery"),
    "log-group:{name}:*",
)
ECS_TASKS = ReadAccess("ReadConfiguredEcsTasks", "ecs", ("ecs:DescribeTasks",), "task/{name}/*")
ECS_CLUSTERS = ReadAccess("ReadConfiguredEcsClusters", "ecs", ("ecs:DescribeClusters",), "cluster/{name}")
ECS_SERVICES = ReadAccess("ReadConfiguredEcsServices", "ecs", ("ecs:DescribeServices",), "service/{name}/*")
EXECUTIONS = ReadAccess(
    "ReadConfiguredExecutions", "states", ("states:DescribeExecution", "states:GetExecutionHistory"),
    "execution:{name}:*",
)
STATE_MACHINES = ReadAccess(
    "ReadConfiguredStateMachines", "states", ("states:DescribeStateMachine", "states:ListExecutions"),
    "stateMachine:{name}",
)
QUEUES = ReadAccess(
    "ReadConfiguredQueues", "sqs", ("sqs:GetQueueAttributes", "sqs:ListDeadLetterSourceQueues"), "{name}"
)
FUNCTIONS = ReadAccess(
    "ReadConfiguredFunctions", "lambda", ("lambda:GetFunctionConfiguration",), "function:{name}"
)
# Actions without resource-level permissions: allowed only when their service is configured at all.
LOG_QUERY_RESULTS = ("logs:GetQueryResults", "logs:DescribeLogGroups")
ECS_TASK_LIST = ("ecs:ListTasks",)
METRICS = ("cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics",
           "cloudwatch:DescribeAlarms")


def read_statements(scope: InvestigationScope) -> list[iam.PolicyStatement]:
    """Read-only statements for every service the scope names; nothing for the others."""
    statements = [statement for access, names in _pairs(scope) for statement in _scoped(access, names)]
    if scope.log_groups:
        statements.append(allow("ReadLogQueryResults", LOG_QUERY_RESULTS, ["*"]))
    if scope.ecs_clusters:
        clusters = [ECS_CLUSTERS.arn(name) for name in scope.ecs_clusters]
        statements.append(allow("ListTasksOfConfiguredClusters", ECS_TASK_LIST, ["*"],
                                ArnLike={"ecs:cluster": clusters}))
    if scope.cloudwatch_metrics:
        statements.append(allow("ReadMetrics", METRICS, ["*"]))
    return statements


def _scoped(access: ReadAccess, names: Sequence[str]) -> list[iam.PolicyStatement]:
    if not names:
        return []
    return [allow(access.sid, access.actions, [access.arn(name) for name in names])]


def _pairs(scope: InvestigationScope) -> list[tuple[ReadAccess, tuple[str, ...]]]:
    return [
        (LOG_GROUPS, scope.log_groups), (ECS_TASKS, scope.ecs_clusters), (ECS_CLUSTERS, scope.ecs_clusters),
        (ECS_SERVICES, scope.ecs_clusters), (EXECUTIONS, scope.state_machines),
        (STATE_MACHINES, scope.state_machines), (QUEUES, scope.sqs_queues), (FUNCTIONS, scope.lambda_functions),
    ]


def wildcard_resources(scope: InvestigationScope) -> list[str]:
    """The granted resources that contain ``*``, as cdk-nag names them (each is a finding to justify)."""
    arns = [access.arn(name, NAG) for access, names in _pairs(scope) for name in names]
    wildcards = sorted({arn for arn in arns if "*" in arn})
    if scope.log_groups or scope.ecs_clusters or scope.cloudwatch_metrics:
        wildcards.append("*")
    return wildcards
