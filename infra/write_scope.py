"""Which ``aws_write`` calls the executor's role allows: the remediation grants' rule, without CDK.

infra/remediation.py turns the catalog's declared writes into the executor's grants with it (an action it
refuses fails the synth), and ``aiops runbooks check --deploy-config`` reports the same refusals with file:line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import botocore.session

from app.runbooks.scope import may_match
from infra.config import InvestigationScope
from infra.grants import ECS_SERVICES, ECS_TASKS, EXECUTIONS, FUNCTIONS, QUEUES, STATE_MACHINES, ReadAccess

SCOPED: dict[str, tuple[ReadAccess, str]] = {
    "ecs": (ECS_SERVICES, "ecs_clusters"),
    "lambda": (FUNCTIONS, "lambda_functions"),
    "sqs": (QUEUES, "sqs_queues"),
    "stepfunctions": (EXECUTIONS, "state_machines"),
}
# Operations whose IAM resource is not the service's usual one: a task, not a service; a state machine, not an
# execution. The scope's names are the same (the cluster, the state machine).
OPERATION_RESOURCES: dict[tuple[str, str], ReadAccess] = {
    ("ecs", "stop_task"): ECS_TASKS,
    ("stepfunctions", "start_execution"): STATE_MACHINES,
    ("stepfunctions", "start_sync_execution"): STATE_MACHINES,
}
# the parameter naming the scoped resource of a call (ECS calls name their cluster in ``cluster``)
RESOURCE_PARAMS = {"lambda": "FunctionName", "sqs": "QueueUrl", "stepfunctions": "executionArn"}


def resource_access(service: str, operation: str) -> ReadAccess:
    """How the ARNs of ``service.operation``'s resources are written, from the scope's names."""
    return OPERATION_RESOURCES.get((service, operation), SCOPED[service][0])


def write_refusal(service: str, operation: str, params: Mapping[str, Any], scope: InvestigationScope) -> str | None:
    """Why the executor's role would not allow this ``aws_write`` call, or None when it would.

    Beyond :func:`service_refusal`, a resource the parameters name literally (``{field}`` parts come from the
    alert) must fall under the names the scope gives its service.
    """
    reason = service_refusal(service, operation, scope)
    if reason is not None:
        return reason
    field = SCOPED[service][1]
    names: tuple[str, ...] = getattr(scope, field)
    resource = _resource_name(service, params)
    if resource is not None and not any(may_match(resource, name) for name in names):
        return f"{service}.{operation} on {resource}, which {field} does not cover ({', '.join(names)})"
    return None


def service_refusal(service: str, operation: str, scope: InvestigationScope) -> str | None:
    """Why no grant can be made for ``service.operation``: a service remediation is not scoped for, one the scope
    names nothing of, or an operation the service does not have; None when a grant can be made."""
    if service not in SCOPED:
        return (f"{service}.{operation} is on a service remediation cannot be scoped for "
                f"(scoped: {', '.join(sorted(SCOPED))})")
    field = SCOPED[service][1]
    if not getattr(scope, field):
        return f"{service}.{operation} is outside the investigation scope ({field} is empty)"
    model = botocore.session.get_session().get_service_model(service)
    if operation not in {snake(name) for name in model.operation_names}:
        return f"{service} has no operation {operation!r}"
    return None


def _resource_name(service: str, params: Mapping[str, Any]) -> str | None:
    """The scoped name the call's parameters touch (an ECS cluster, function, queue or state machine)."""
    if service == "ecs":
        return str(params.get("cluster") or "default").rsplit("/", 1)[-1]  # ECS's own default cluster
    machine = params.get("stateMachineArn") if service == "stepfunctions" else None
    if isinstance(machine, str) and machine:
        return machine.split(":")[-1]  # arn:…:stateMachine:MACHINE
    value = params.get(RESOURCE_PARAMS.get(service, ""))
    if not isinstance(value, str) or not value:
        return None
    if service == "stepfunctions":
        parts = value.split(":")  # arn:…:execution:MACHINE:NAME
        return parts[-2] if len(parts) >= 2 else value
    return re.split(r"[:/]", value)[-1] if service == "sqs" else value.split("function:")[-1].split(":")[0]


def snake(name: str) -> str:
    """botocore's Python name of an operation (``UpdateService`` → ``update_service``)."""
    from botocore import xform_name

    return str(xform_name(name))
