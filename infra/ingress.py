"""The ingress function behind a Function URL: Slack's signature is the authentication."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.config import DeployConfig
from infra.environment import Wiring, ingress_environment
from infra.functions import BotFunction, FunctionSpec
from infra.policies import IDEMPOTENCY_ACTIONS, SECRET_READ, TRIAGE_ACTIONS, allow, guard_denies
from infra.state import BotState

INGRESS_HANDLER = "app.ingress.handler.lambda_handler"


class Ingress(Construct):
    """May start the worker, use its two tables and read the Slack secret; nothing else."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: DeployConfig, code: Path, state: BotState,
        worker: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        tables = state.tables
        wiring = Wiring(
            worker_function=worker.function_name, idempotency_table=tables.idempotency.table_name,
            triage_table=tables.triage.table_name,
        )
        self.bot = BotFunction(self, "Bot", FunctionSpec(
            description="Runbook AIOps ingress: verifies Slack requests, answers within 3 s, starts the worker",
            code=code, handler=INGRESS_HANDLER, size=config.ingress,
            environment=ingress_environment(config, wiring),
            log_retention_days=config.log_retention_days,
        ))
        self.function = self.bot.function
        slack_secret = state.secrets.arns("slack")
        self.bot.allow(
            allow("StartWorker", ["lambda:InvokeFunction"], [worker.function_arn]),
            allow("DedupeEvents", IDEMPOTENCY_ACTIONS, [tables.idempotency.table_arn]),
            allow("StoreRatings", TRIAGE_ACTIONS, [tables.triage.table_arn]),
            allow("ReadSlackSecret", SECRET_READ, slack_secret),
            *guard_denies(slack_secret),
        )
        self.url = self.function.add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)
