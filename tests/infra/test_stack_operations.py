"""Running the deployed bot: alarms, tracing, the outputs operators use, prices, and a dashboard of real metrics."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools import Logger
from synthesis import PROFILE, Synthesised

from app.ingress.telemetry import REQUEST_KINDS, TURNED_AWAY, IngressTelemetry
from app.models import RatingLevel
from app.worker.telemetry import MODES, NAMESPACE, OUTCOMES, Summary, emit_investigation, emit_rating, worker_metrics


def alarms(stack: Synthesised) -> dict[str, dict[str, Any]]:
    return {key: value["Properties"] for key, value in stack.of_type("AWS::CloudWatch::Alarm").items()}


def alarm(stack: Synthesised, fragment: str) -> dict[str, Any]:
    return alarms(stack)[stack.logical_id("AWS::CloudWatch::Alarm", fragment)]


def test_alarms_cover_errors_throttles_duration_dead_letters_and_model_throttling(base: Synthesised) -> None:
    ingress = base.logical_id("AWS::Lambda::Function", "Ingress")
    worker = base.logical_id("AWS::Lambda::Function", "Worker")
    expected = {
        "IngressErrors": ("Errors", ingress), "WorkerErrors": ("Errors", worker),
        "IngressThrottles": ("Throttles", ingress), "WorkerThrottles": ("Throttles", worker),
        "IngressSlow": ("Duration", ingress), "WorkerSlow": ("Duration", worker),
    }
    for fragment, (metric, function) in expected.items():
        found = alarm(base, fragment)
        assert (found["Namespace"], found["MetricName"]) == ("AWS/Lambda", metric), fragment
        assert found["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}], fragment
    assert alarm(base, "WorkerSlow")["Threshold"] == 600 * 1000 * 0.8  # 80 % of the worker's timeout
    assert alarm(base, "IngressSlow")["ExtendedStatistic"] == "p99"
    model = alarm(base, "ModelThrottled")
    assert (model["Namespace"], model["MetricName"]) == ("AWS/Bedrock", "InvocationThrottles")
    assert model["Dimensions"] == [{"Name": "ModelId", "Value": PROFILE}]
    assert alarm(base, "DeadLetterAlarm")["MetricName"] == "ApproximateNumberOfMessagesVisible"
    handoff = alarm(base, "HandoffFailures")
    assert (handoff["Namespace"], handoff["MetricName"], handoff["Threshold"]) == (NAMESPACE, "HandoffFailures", 1)
    assert handoff["Dimensions"] == [{"Name": "service", "Value": "aiops-ingress"}]
    assert len(alarms(base)) >= 4
    assert not [key for key in alarms(base) if "DailyCost" in key]  # no spending alarm unless a budget is set


def test_a_daily_budget_adds_a_spending_alarm_and_every_alarm_notifies_the_topic(
    synth: Callable[..., Synthesised]
) -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:oncall"
    stack = synth(alarm_topic_arn=topic, alarms={"daily_cost_usd": 25}, model="none", model_regions=[])
    cost = alarm(stack, "DailyCost")
    assert (cost["Namespace"], cost["MetricName"], cost["Threshold"], cost["Period"]) == (
        NAMESPACE, "CostUsd", 25, 86400)
    assert not [key for key in alarms(stack) if "ModelThrottled" in key]  # no model, no model alarm
    assert all(props.get("AlarmActions") == [topic] for props in alarms(stack).values())


def test_both_functions_are_traced(base: Synthesised) -> None:
    for handler in ("app.ingress.handler", "app.worker.handler"):
        assert base.function(handler)["TracingConfig"] == {"Mode": "Active"}


def test_outputs_name_the_triage_table_dead_letters_and_worker(base: Synthesised) -> None:
    outputs = base.template.to_json()["Outputs"]
    assert outputs["TriageTableName"]["Value"] == {"Ref": base.logical_id("AWS::DynamoDB::Table", "Triage")}
    assert outputs["DeadLetterQueueUrl"]["Value"] == {"Ref": base.logical_id("AWS::SQS::Queue", "DeadLetters")}
    assert outputs["WorkerFunctionName"]["Value"] == {"Ref": base.logical_id("AWS::Lambda::Function", "Worker")}
    assert {"IdempotencyTableName", "DashboardName"} <= set(outputs)


def test_prices_from_the_deploy_config_reach_the_worker(synth: Callable[..., Synthesised]) -> None:
    stack = synth(prices={"input_usd_per_mtok": 0.8, "output_usd_per_mtok": 4})
    variables = stack.function("app.worker.handler")["Environment"]["Variables"]
    assert (variables["AIOPS_PRICE_INPUT_USD_PER_MTOK"], variables["AIOPS_PRICE_OUTPUT_USD_PER_MTOK"]) == ("0.8", "4.0")


def dashboard_metrics(stack: Synthesised, title: str = "") -> list[tuple[str, str, dict[str, str]]]:
    """(namespace, metric, dimensions) of every metric the dashboard's widgets (or the titled one) draw."""
    body = next(iter(stack.of_type("AWS::CloudWatch::Dashboard").values()))["Properties"]["DashboardBody"]
    text = "".join(part if isinstance(part, str) else "TOKEN" for part in body["Fn::Join"][1])
    found = []
    for widget in json.loads(text)["widgets"]:
        if title and widget["properties"].get("title") != title:
            continue
        for row in widget["properties"].get("metrics", []):
            fields = [field for field in row if isinstance(field, str)]
            found.append((fields[0], fields[1], dict(zip(fields[2::2], fields[3::2], strict=True))))
    return found


@pytest.fixture(scope="module")
def emitted() -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    """(metric, dimensions) of everything the worker's and the ingress's telemetry emit, for every outcome, mode,
    level and request kind."""
    import contextlib
    import io

    out = io.StringIO()
    metrics = worker_metrics()
    logger = Logger(service="aiops-worker-dashboard-test", stream=io.StringIO())
    with contextlib.redirect_stdout(out):
        for outcome in OUTCOMES:
            for mode in MODES:
                emit_investigation(Summary("tri-1", outcome, mode, runbook="x", verdict="close"), metrics, logger)
        for level in RatingLevel:
            emit_rating(level, metrics, logger)
        metrics.flush_metrics()
        ingress = IngressTelemetry()
        for kind in REQUEST_KINDS:
            ingress.count("Requests", kind)
        for name in TURNED_AWAY:
            ingress.count(name)
        ingress.flush()
    found = set()
    for line in out.getvalue().splitlines():
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == NAMESPACE
            for dimensions in directive["Dimensions"]:
                key = tuple(sorted((name, document[name]) for name in dimensions))
                found |= {(metric["Name"], key) for metric in directive["Metrics"]}
    return found


def test_every_dashboard_metric_of_the_bot_is_one_the_worker_emits(
    base: Synthesised, emitted: set[tuple[str, tuple[tuple[str, str], ...]]]
) -> None:
    own = [(name, tuple(sorted(dims.items()))) for namespace, name, dims in dashboard_metrics(base)
           if namespace == NAMESPACE]
    assert {name for name, _ in own} >= {"Investigations", "RunbookMatched", "VerdictReached", "BlockedToolCalls",
                                         "Tokens", "CostUsd", "Ratings", "Requests", *TURNED_AWAY}
    for metric in own:
        assert metric in emitted, metric


def test_slack_requests_are_drawn_per_kind_from_the_ingress(base: Synthesised) -> None:
    drawn = dashboard_metrics(base, "Slack requests")
    assert [(name, dims) for _, name, dims in drawn] == [
        ("Requests", {"service": "aiops-ingress", "kind": kind}) for kind in REQUEST_KINDS
    ]
    assert {"alert", "question", "rating", "approval", "none"} <= set(REQUEST_KINDS)


def test_ratings_are_drawn_per_level_and_investigations_count_investigations_only(base: Synthesised) -> None:
    ratings = dashboard_metrics(base, "Ratings")
    assert {(name, dims.get("level")) for _, name, dims in ratings} == {("Ratings", level.value)
                                                                        for level in RatingLevel}
    investigations = dashboard_metrics(base, "Investigations")
    # the worker's invocations include ratings and resolved notes; the bot's own count does not
    assert ("AWS/Lambda", "Invocations", {"FunctionName": "TOKEN"}) in investigations  # Slack requests, right axis
    assert [(ns, name) for ns, name, dims in investigations if ns == NAMESPACE] == [(NAMESPACE, "Investigations")]
    worker_invocations = [row for row in investigations if row[1] == "Invocations"]
    assert len(worker_invocations) == 1
