"""Alarms on what an operator must hear about: errors, throttles, slow runs, model throttling and spending."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from app.ingress.telemetry import SERVICE as INGRESS_SERVICE
from app.worker.telemetry import NAMESPACE, SERVICE
from infra.config import DeployConfig

PERIOD = Duration.minutes(5)
AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD


@dataclass(frozen=True)
class Alarmed:
    """The functions the alarms watch, and the alarms made elsewhere that share their topic."""

    ingress: lambda_.Function
    worker: lambda_.Function
    others: tuple[cloudwatch.Alarm, ...] = ()


class BotAlarms(Construct):
    """One alarm per failure an operator acts on; all notify the configured SNS topic, if any."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, watched: Alarmed) -> None:
        super().__init__(scope, construct_id)
        ingress, worker, limits = watched.ingress, watched.worker, config.alarms
        worst_ms = config.worker.timeout_seconds * 1000 * limits.worker_duration_share
        self.alarms = [
            self._alarm("IngressErrors", "The ingress failed on Slack requests (Slack retries, then gives up)",
                        ingress.metric_errors(period=PERIOD), 1),
            self._alarm("WorkerErrors", "Investigations failed (each also lands in the dead-letter queue)",
                        worker.metric_errors(period=PERIOD), 1),
            self._alarm("IngressThrottles", "Slack requests were throttled: raise the account's concurrency",
                        ingress.metric_throttles(period=PERIOD), 1),
            self._alarm("WorkerThrottles", "Investigations were throttled: raise the account's concurrency",
                        worker.metric_throttles(period=PERIOD), 1),
            self._alarm("IngressSlow", "The ingress's p99 comes close to Slack's 3-second limit",
                        ingress.metric_duration(period=PERIOD, statistic="p99"), limits.ingress_p99_ms),
            self._alarm("WorkerSlow", "An investigation ran close to the worker's timeout",
                        worker.metric_duration(period=PERIOD, statistic="Maximum"), worst_ms),
            self._alarm("HandoffFailures", "The ingress could not start the worker on a job (Slack retries an "
                        "event three times, then gives up)",
                        cloudwatch.Metric(namespace=NAMESPACE, metric_name="HandoffFailures", period=PERIOD,
                                          dimensions_map={"service": INGRESS_SERVICE}, statistic="Sum"), 1),
        ]
        if config.model_id:
            self.alarms.append(self._alarm(
                "ModelThrottled", "Bedrock throttled the model: investigations fall back to evidence reports",
                cloudwatch.Metric(namespace="AWS/Bedrock", metric_name="InvocationThrottles",
                                  dimensions_map={"ModelId": config.model_id}, period=PERIOD, statistic="Sum"), 1,
            ))
        if limits.daily_cost_usd:
            self.alarms.append(self._alarm(
                "DailyCost", "The model's estimated spending today passed the configured daily budget",
                cloudwatch.Metric(namespace=NAMESPACE, metric_name="CostUsd", dimensions_map={"service": SERVICE},
                                  period=Duration.days(1), statistic="Sum"), limits.daily_cost_usd,
            ))
        if config.alarm_topic_arn:
            topic = sns.Topic.from_topic_arn(self, "Topic", config.alarm_topic_arn)
            for alarm in (*self.alarms, *watched.others):
                alarm.add_alarm_action(actions.SnsAction(topic))

    def _alarm(self, construct_id: str, description: str, metric: cloudwatch.IMetric, threshold: float
               ) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            self, construct_id, alarm_description=description, metric=metric, threshold=threshold,
            evaluation_periods=1, comparison_operator=AT_LEAST,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
