"""The bot's one stack: it composes the constructs and states which cdk-nag findings it accepts, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import nag
from infra.alarms import Alarmed, BotAlarms
from infra.config import DeployConfig
from infra.dashboard import BotDashboard, Watched
from infra.functions import LambdaAssets
from infra.ingress import Ingress
from infra.investigation import wildcard_resources
from infra.state import BotState
from infra.worker import Worker


class AiopsStack(Stack):
    """Secrets, tables, the worker, the ingress behind a Function URL, and a dashboard."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: DeployConfig,
        assets: LambdaAssets,
        runbooks: Path | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, description="Runbook AIOps bot for Slack", **kwargs)
        self.state = BotState(self, "State", config)
        self.worker = Worker(
            self, "Worker", config=config, code=assets.worker, runbooks=runbooks, state=self.state
        )
        self.ingress = Ingress(
            self, "Ingress", config=config, code=assets.ingress, state=self.state, worker=self.worker.function
        )
        self.dashboard = BotDashboard(self, "Dashboard", Watched(
            ingress=self.ingress.function, worker=self.worker.function, ingress_logs=self.ingress.bot.log_group,
            worker_logs=self.worker.bot.log_group, dead_letters=self.worker.dead_letters,
        ))
        self.alarms = BotAlarms(self, "Alarms", config=config, watched=Alarmed(
            ingress=self.ingress.function, worker=self.worker.function, others=(self.worker.alarm,),
        ))
        self._outputs()
        self._accept_findings(config)

    def _outputs(self) -> None:
        CfnOutput(self, "SlackRequestUrl", value=self.ingress.url.url,
                  description="Request URL for the Slack app manifest (events and interactivity)")
        for credential, secret in self.state.secrets.by_credential.items():
            CfnOutput(self, f"{secret.node.id}SecretName", value=secret.secret_name,
                      description=f"Secrets Manager secret for {credential}")
        tables = self.state.tables
        for name, value, description in (
            ("DeadLetterQueueUrl", self.worker.dead_letters.queue_url, "aiops dlq replay --queue-url"),
            ("WorkerFunctionName", self.worker.function.function_name, "aiops dlq replay --function"),
            ("TriageTableName", tables.triage.table_name, "AIOPS_TRIAGE_TABLE for aiops ratings report"),
            ("IdempotencyTableName", tables.idempotency.table_name, "Slack event ids seen in the last hour"),
            ("DashboardName", self.dashboard.dashboard.dashboard_name, "The CloudWatch dashboard"),
        ):
            CfnOutput(self, name, value=value, description=description)

    def _accept_findings(self, config: DeployConfig) -> None:
        nag.accept_function_findings(self.ingress.bot)
        nag.accept_function_findings(self.worker.bot, wildcard_resources(config.investigation))
        if config.worker_vpc is not None:
            nag.suppress(self.worker.bot.role, "IAM5", nag.VPC_REASON, ["Resource::*"])
        nag.suppress(self.state.secrets, "SMG4", nag.ROTATION_REASON)
        nag.suppress(self.worker.dead_letters, "SQS3", nag.DLQ_REASON)
        nag.suppress(self.state.tables.idempotency, "DDB3", nag.DEDUPE_PITR_REASON)
