"""The executor function: the only role that may make remediation writes, exactly the catalog's declared ones."""

from __future__ import annotations

from pathlib import Path

from constructs import Construct

from infra.config import DeployConfig
from infra.environment import Wiring, worker_environment
from infra.functions import RUNBOOKS_MOUNT, BotFunction, FunctionSpec, runbook_layer
from infra.investigation import read_statements
from infra.policies import SECRET_READ, TRIAGE_ACTIONS, allow, guard_denies
from infra.remediation import RemediationGrant, remediation_grants
from infra.state import BotState
from tools.system import JOBS_API

EXECUTOR_HANDLER = "app.executor.handler.lambda_handler"
EXECUTOR_CREDENTIALS = ("slack", JOBS_API.credential)  # its writes: the jobs API's and the role's AWS actions


class Executor(Construct):
    """Runs an approved runbook action once and verifies it; started by the worker, asynchronously."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: DeployConfig, code: Path, runbooks: Path | None,
        state: BotState,
    ) -> None:
        super().__init__(scope, construct_id)
        self.grants: list[RemediationGrant] = remediation_grants(runbooks, config.investigation)
        layers = (runbook_layer(self, "Runbooks", runbooks),) if runbooks else ()
        wiring = Wiring(
            triage_table=state.tables.triage.table_name, runbooks=RUNBOOKS_MOUNT if runbooks else config.runbooks
        )
        self.bot = BotFunction(self, "Bot", FunctionSpec(
            description="Runbook AIOps executor: runs an approved runbook action once, then verifies it",
            code=code, handler=EXECUTOR_HANDLER, size=config.worker,
            environment=worker_environment(config, wiring),
            log_retention_days=config.log_retention_days, layers=layers,
        ))
        self.function = self.bot.function
        own_secrets = state.secrets.arns(*EXECUTOR_CREDENTIALS)
        self.bot.allow(
            allow("ReadOwnSecrets", SECRET_READ, own_secrets),
            allow("WriteActionRecords", [*TRIAGE_ACTIONS, "dynamodb:Scan"], [state.tables.triage.table_arn]),
            *read_statements(config.investigation),  # the verification re-reads what the investigation read
            *[allow(f"Remediation{n}", [grant.iam_action], list(grant.resources))
              for n, grant in enumerate(self.grants, start=1)],
            *guard_denies(own_secrets),
        )
