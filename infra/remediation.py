"""The executor's writes, generated at synth from the runbooks' declared AWS actions (least privilege).

Each ``aws_write`` action of the catalog becomes one IAM action (botocore names it: ``ecs.update_service`` →
``ecs:UpdateService``) on the resources the investigation scope names for its service. An action on a service
the scope does not name fails the synth with the runbook named; so does one on a service with no scoping here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import botocore.session

from app.runbooks.actions import AWS_WRITE_TOOL
from app.runbooks.catalog import parse_snapshot
from app.runbooks.source import FolderSource
from infra.config import DeployConfigError, InvestigationScope
from infra.investigation import TEMPLATE
from infra.write_scope import SCOPED, resource_access, service_refusal, snake


@dataclass(frozen=True)
class RemediationGrant:
    """One declared AWS action: which runbook, the IAM action, and the resources it may touch."""

    runbook: str
    action: str
    iam_action: str
    resources: tuple[str, ...]


def declared_writes(runbooks: Path | None) -> list[tuple[str, str, str, str]]:
    """``(runbook id, action id, service, operation)`` of every ``aws_write`` action in the folder's catalog."""
    if runbooks is None:
        return []
    catalog = parse_snapshot(FolderSource(runbooks).fetch())
    return [(runbook.id, action.id, str(action.args.get("service")), str(action.args.get("operation")))
            for runbook in catalog.runbooks for action in runbook.actions if action.tool == AWS_WRITE_TOOL]


def remediation_grants(runbooks: Path | None, scope: InvestigationScope) -> list[RemediationGrant]:
    """The grants of the catalog's AWS actions.

    Raises:
        DeployConfigError: An action is on a service the scope does not name, or names no real operation.
    """
    return [_grant(*write, scope) for write in declared_writes(runbooks)]


def _grant(runbook: str, action: str, service: str, operation: str, scope: InvestigationScope) -> RemediationGrant:
    reason = service_refusal(service, operation, scope)
    if reason is not None:
        raise DeployConfigError(f"runbook {runbook}, action {action}: {reason}")
    access, field = resource_access(service, operation), SCOPED[service][1]
    model = botocore.session.get_session().get_service_model(service)
    by_python_name = {snake(name): name for name in model.operation_names}
    prefix = str(model.metadata.get("signingName") or model.endpoint_prefix)
    return RemediationGrant(runbook, action, f"{prefix}:{by_python_name[operation]}",
                            tuple(access.arn(name, TEMPLATE) for name in getattr(scope, field)))
