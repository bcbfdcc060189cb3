"""One CloudWatch dashboard: investigations, latency, tokens, errors and ratings."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# The worker logs "agent finished stop_reason=… tokens=… turns=…" once per investigation with a model.
TOKENS_QUERY = [
    "filter @message like /agent finished/",
    "parse @message /tokens=(?<tokens>\\d+) turns=(?<turns>\\d+)/",
    "stats sum(tokens) as total_tokens, avg(tokens) as tokens_per_investigation, max(turns) as max_turns"
    " by bin(1h)",
]
# Ratings are the rating buttons' action ids (rate_better, rate_same, rate_partly, rate_wrong) in the ingress's logs.
RATINGS_QUERY = [
    "filter @message like /rate_(better|same|partly|wrong)/",
    "parse @message /(?<rating>rate_(better|same|partly|wrong))/",
    "stats count(*) as ratings by rating",
]
PERIOD = Duration.minutes(5)


@dataclass(frozen=True)
class Watched:
    """What the dashboard shows."""

    ingress: lambda_.Function
    worker: lambda_.Function
    ingress_logs: logs.ILogGroup
    worker_logs: logs.ILogGroup
    dead_letters: sqs.IQueue


class BotDashboard(Construct):
    """The operator's view of the bot: a row of metric graphs and a row of log queries."""

    def __init__(self, scope: Construct, construct_id: str, watched: Watched) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", default_interval=Duration.days(1))
        self.dashboard.add_widgets(*metric_graphs(watched))
        self.dashboard.add_widgets(
            cloudwatch.LogQueryWidget(
                title="Tokens", width=12, log_group_names=[watched.worker_logs.log_group_name],
                query_lines=TOKENS_QUERY, view=cloudwatch.LogQueryVisualizationType.TABLE,
            ),
            cloudwatch.LogQueryWidget(
                title="Ratings", width=12, log_group_names=[watched.ingress_logs.log_group_name],
                query_lines=RATINGS_QUERY, view=cloudwatch.LogQueryVisualizationType.BAR,
            ),
        )


def metric_graphs(watched: Watched) -> list[cloudwatch.IWidget]:
    """Investigations started, their latency, and everything that failed."""
    ingress, worker = watched.ingress, watched.worker
    return [
        cloudwatch.GraphWidget(
            title="Investigations", width=8,
            left=[worker.metric_invocations(period=PERIOD, label="investigations started")],
            right=[ingress.metric_invocations(period=PERIOD, label="Slack requests")],
        ),
        cloudwatch.GraphWidget(
            title="Latency", width=8,
            left=[worker.metric_duration(period=PERIOD, statistic=stat, label=f"investigation {stat}")
                  for stat in ("p50", "p90", "Maximum")],
            right=[ingress.metric_duration(period=PERIOD, statistic="p99", label="ack p99")],
        ),
        cloudwatch.GraphWidget(
            title="Errors", width=8,
            left=[worker.metric_errors(period=PERIOD, label="worker errors"),
                  ingress.metric_errors(period=PERIOD, label="ingress errors"),
                  worker.metric_throttles(period=PERIOD, label="worker throttles")],
            right=[watched.dead_letters.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum", label="dead letters")],
        ),
    ]
