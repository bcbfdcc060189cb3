"""What the worker's role may read for an investigation scope: IAM actions and resource patterns, without CDK.

infra/investigation.py turns these into policy statements; ``aiops runbooks check --deploy-config`` compares the
runbooks' evidence steps with ``granted_actions``, and their actions with the executor's grants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from app.runbooks.scope import DeployedScope
from infra.config import DeployConfig, InvestigationScope


@dataclass(frozen=True)
class ReadAccess:
    """Read actions of one service, on ARNs derived from configured names."""

    sid: str
    service: str
    actions: tuple[str, ...]
    resource: str  # with {name}

    def arn(self, name: str, pseudo: tuple[str, str, str]) -> str:
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
    "ReadConfiguredFunctions", "lambda", ("lambda:GetFunctionConfiguration", "lambda:GetFunctionConcurrency"),
    "function:{name}",
)
REPOSITORIES = ReadAccess(
    "ReadConfiguredRepositories", "ecr",
    ("ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:BatchGetImage"), "repository/{name}",
)
DATABASES = ReadAccess("ReadConfiguredDatabases", "rds", ("rds:DescribeDBInstances",), "db:{name}")
SCHEDULES = ReadAccess("ReadConfiguredSchedules", "scheduler", ("scheduler:GetSchedule",), "schedule/{name}")
# Actions without resource-level permissions: allowed only when their service is configured at all.
LOG_QUERY_RESULTS = ("logs:GetQueryResults", "logs:DescribeLogGroups")
ECS_TASK_LIST = ("ecs:ListTasks",)
METRICS = ("cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics",
           "cloudwatch:DescribeAlarms")
LAMBDA_ACCOUNT = ("lambda:GetAccountSettings",)
SCHEDULE_LIST = ("scheduler:ListSchedules",)
# Services whose describe actions have no resource-level permissions: a yes/no switch in the scope each.
LOAD_BALANCERS = ("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroups",
                  "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeListeners")
CERTIFICATES = ("acm:DescribeCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate")
AUTO_SCALING = ("autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeScalingActivities")


def scoped_pairs(scope: InvestigationScope) -> list[tuple[ReadAccess, tuple[str, ...]]]:
    """Each resource-scoped grant with the configured names it applies to."""
    return [
        (LOG_GROUPS, scope.log_groups), (ECS_TASKS, scope.ecs_clusters), (ECS_CLUSTERS, scope.ecs_clusters),
        (ECS_SERVICES, scope.ecs_clusters), (EXECUTIONS, scope.state_machines),
        (STATE_MACHINES, scope.state_machines), (QUEUES, scope.sqs_queues), (FUNCTIONS, scope.lambda_functions),
        (REPOSITORIES, scope.ecr_repositories), (DATABASES, scope.rds_instances), (SCHEDULES, scope.schedules),
    ]


def unscoped_actions(scope: InvestigationScope) -> list[tuple[str, Sequence[str]]]:
    """(statement id, actions) granted on every resource, each only when its service is configured."""
    switches = [
        ("ReadLogQueryResults", LOG_QUERY_RESULTS, bool(scope.log_groups)),
        ("ReadMetrics", METRICS, scope.cloudwatch_metrics),
        ("ReadLambdaAccountSettings", LAMBDA_ACCOUNT, bool(scope.lambda_functions)),
        ("ListSchedules", SCHEDULE_LIST, bool(scope.schedules)),
        ("ReadLoadBalancers", LOAD_BALANCERS, scope.load_balancers),
        ("ReadCertificates", CERTIFICATES, scope.certificates),
        ("ReadAutoScalingGroups", AUTO_SCALING, scope.auto_scaling),
    ]
    return [(sid, actions) for sid, actions, granted in switches if granted]


def granted_actions(scope: InvestigationScope) -> frozenset[str]:
    """Every IAM action the scope grants on some resource."""
    actions = {action for access, names in scoped_pairs(scope) if names for action in access.actions}
    actions |= {action for _, listed in unscoped_actions(scope) for action in listed}
    if scope.ecs_clusters:
        actions |= set(ECS_TASK_LIST)
    return frozenset(actions)


def deployed_scope(config: DeployConfig) -> DeployedScope:
    """What the configured deployment lets the worker read and the executor write, for ``runbooks check``."""
    from infra.write_scope import write_refusal  # it builds on this module's grants

    jobs_api = config.jobs_api_spec or any(api.name == "jobs" for api in config.apis)
    chosen = {"jobs_api_spec": jobs_api, "google_project": config.google_project,
              "github_repos": config.github_repos}
    return DeployedScope(
        actions=granted_actions(config.investigation), log_groups=config.investigation.log_groups,
        settings=frozenset(name for name, value in chosen.items() if value),
        write_refusal=partial(write_refusal, scope=config.investigation),
        writes_from_github=config.runbooks_from_github,
    )
