"""One CloudWatch dashboard: Slack requests, investigations, latency, tokens, errors and ratings.

The bot's own metrics are the ingress's and the worker's EMF metrics (app/ingress/telemetry.py,
app/worker/telemetry.py); a test checks that every metric of the ``RunbookAiops`` namespace the dashboard shows
is one they emit, with the same dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from app.ingress.telemetry import REQUEST_KINDS, TURNED_AWAY
from app.ingress.telemetry import SERVICE as INGRESS_SERVICE
from app.worker.telemetry import LEVELS, MODES, NAMESPACE, OUTCOMES, SERVICE

# The worker logs "agent finished stop_reason=… tokens=… turns=…" once per investigation with a model.
TOKENS_QUERY = [
    "filter @message like /agent finished/",
    "parse @message /tokens=(?<tokens>\\d+) turns=(?<turns>\\d+)/",
    "stats sum(tokens) as total_tokens, avg(tokens) as tokens_per_investigation, max(turns) as max_turns"
    " by bin(1h)",
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
        self.dashboard.add_widgets(*outcome_graphs())
        self.dashboard.add_widgets(*ingress_graphs())
        self.dashboard.add_widgets(
            cloudwatch.LogQueryWidget(
                title="Tokens", width=12, log_group_names=[watched.worker_logs.log_group_name],
                query_lines=TOKENS_QUERY, view=cloudwatch.LogQueryVisualizationType.TABLE,
            ),
            cloudwatch.GraphWidget(
                title="Ratings", width=12, view=cloudwatch.GraphWidgetView.BAR,
                left=[bot_metric("Ratings", "Sum", f"rated {level}", level=level) for level in LEVELS],
            ),
        )


def metric_graphs(watched: Watched) -> list[cloudwatch.IWidget]:
    """Investigations started, their latency, and everything that failed."""
    ingress, worker = watched.ingress, watched.worker
    return [
        cloudwatch.GraphWidget(
            title="Investigations", width=8,
            left=[bot_metric("Investigations", "Sum", "investigations")],
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


def bot_metric(name: str, statistic: str, label: str, *, service: str = SERVICE, **dimensions: str
               ) -> cloudwatch.Metric:
    """One of the bot's own metrics (the worker's unless ``service`` names the ingress)."""
    return cloudwatch.Metric(
        namespace=NAMESPACE, metric_name=name, dimensions_map={"service": service, **dimensions},
        statistic=statistic, period=PERIOD, label=label,
    )


def ingress_graphs() -> list[cloudwatch.IWidget]:
    """Slack requests by the kind of job they started, and the requests and events the ingress turned away."""
    return [
        cloudwatch.GraphWidget(
            title="Slack requests", width=12, stacked=True,
            left=[bot_metric("Requests", "Sum", kind, service=INGRESS_SERVICE, kind=kind) for kind in REQUEST_KINDS],
        ),
        cloudwatch.GraphWidget(
            title="Turned away at the ingress", width=12,
            left=[bot_metric(name, "Sum", _words(name), service=INGRESS_SERVICE) for name in TURNED_AWAY],
        ),
    ]


def _words(name: str) -> str:
    """``RateLimitedQuestions`` → ``rate limited questions``."""
    return "".join(f" {char.lower()}" if char.isupper() else char for char in name).strip()


def outcome_graphs() -> list[cloudwatch.IWidget]:
    """Investigations by outcome and mode; how often a runbook matched and decided; blocked calls; spending."""
    return [
        cloudwatch.GraphWidget(
            title="Outcomes", width=8, stacked=True,
            left=[bot_metric("Investigations", "Sum", f"{outcome}, {mode}", outcome=outcome, mode=mode)
                  for outcome in OUTCOMES for mode in MODES],
        ),
        cloudwatch.GraphWidget(
            title="Match and verdict rate", width=8, left_y_axis=cloudwatch.YAxisProps(min=0, max=1),
            left=[bot_metric("RunbookMatched", "Average", "runbook matched"),
                  bot_metric("VerdictReached", "Average", "verdict reached")],
            right=[bot_metric("BlockedToolCalls", "Sum", "blocked tool calls")],
        ),
        cloudwatch.GraphWidget(
            title="Model usage", width=8,
            left=[bot_metric("Tokens", "Sum", "tokens")],
            right=[bot_metric("CostUsd", "Sum", "estimated USD")],
        ),
    ]
