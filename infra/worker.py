"""The worker function: started asynchronously, never retried, failures to a dead-letter queue with an alarm."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import DeployConfig
from infra.environment import Wiring, worker_environment
from infra.functions import RUNBOOKS_MOUNT, BotFunction, FunctionSpec, runbook_layer
from infra.investigation import read_statements
from infra.policies import SECRET_READ, TRIAGE_ACTIONS, allow, bedrock_invoke, guard_denies
from infra.state import CREDENTIALS, BotState
from tools.system import with_credentials

WORKER_HANDLER = "app.worker.handler.lambda_handler"
WORKER_CREDENTIALS = tuple(sorted({"slack", *(system.credential for system in with_credentials())},
                                  key=list(CREDENTIALS).index))
"""Its own Slack secret, and the secret of every system it has tools for (as the systems declare them)."""


class Worker(Construct):
    """The investigation function, its dead-letter queue and the alarm on that queue."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: DeployConfig, code: Path, runbooks: Path | None,
        state: BotState, executor: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        layers = (runbook_layer(self, "Runbooks", runbooks),) if runbooks else ()
        wiring = Wiring(
            triage_table=state.tables.triage.table_name, runbooks=RUNBOOKS_MOUNT if runbooks else config.runbooks,
            executor_function=executor.function_name,
        )
        self.executor = executor
        self.bot = BotFunction(self, "Bot", FunctionSpec(
            description="Runbook AIOps worker: one read-only investigation per Slack alert or question",
            code=code, handler=WORKER_HANDLER, size=config.worker,
            environment=worker_environment(config, wiring),
            log_retention_days=config.log_retention_days, layers=layers, network=config.worker_vpc,
            reserved_concurrency=config.scaling.worker_concurrency,
        ))
        self.function = self.bot.function
        self._grant(config, state)
        self.dead_letters = sqs.Queue(
            self, "DeadLetters", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.function.configure_async_invoke(
            retry_attempts=0,  # a failed investigation told its thread; throttled events are retried regardless
            max_event_age=Duration.minutes(config.scaling.max_event_age_minutes),  # how long a burst may wait
            on_failure=destinations.SqsDestination(self.dead_letters),
        )
        self.alarm = self._alarm()

    def _grant(self, config: DeployConfig, state: BotState) -> None:
        own_secrets = state.secrets.arns(*WORKER_CREDENTIALS, *(api.credential for api in config.apis))
        self.bot.allow(
            allow("ReadOwnSecrets", SECRET_READ, own_secrets),
            allow("WriteTriageRecords", TRIAGE_ACTIONS, [state.tables.triage.table_arn]),
            allow("StartApprovedActions", ["lambda:InvokeFunction"], [self.executor.function_arn]),
            allow("CloseClaims", ["dynamodb:DeleteItem"], [state.tables.triage.table_arn],
                  **{"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CLAIM#*"]}}),
            *bedrock_invoke(config),
            *read_statements(config.investigation),
            *guard_denies(own_secrets),
        )

    def _alarm(self) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            self, "DeadLetterAlarm",
            alarm_description="An investigation failed and its job is in the worker's dead-letter queue",
            metric=self.dead_letters.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic="Maximum"
            ),
            threshold=1, evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
