"""Read-only AWS: ``aws_read`` (one allowlisted boto3 read call) and ``aws_logs_insights`` (a Logs Insights query).

Both run in the pinned region with the credentials of the session factory (the Lambda's role): there is no
profile argument and nothing ever prompts. Every call passes :class:`tools.aws_policy.AwsReadPolicy` twice: in the
agent's guard before the call is made, and again here, so an evidence step or a direct call is held to the same
rules.
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from strands import tool

from tools.aws_policy import SYSTEM, AwsReadPolicy, scrub_response
from tools.connections import MAX_PARALLEL_CALLS
from tools.data import success
from tools.deadlines import attempt_timeouts
from tools.registry import ToolSet, error_result
from tools.timewindow import TimeWindowError, rfc3339, time_window, utcnow

if TYPE_CHECKING:
    import boto3

SessionFactory = Callable[[], "boto3.session.Session"]
INSIGHTS_MAX_LIMIT = 10_000
AWS_ATTEMPTS = 3
_DONE = ("Complete", "Failed", "Cancelled", "Timeout", "Unknown")
_NOT_FOUND = ("NotFound", "NoSuchEntity", "DoesNotExist", "NonExistent")
_DENIED = ("AccessDenied", "UnauthorizedOperation", "UnrecognizedClient", "InvalidClientTokenId", "ExpiredToken")
_THROTTLED = ("Throttl", "TooManyRequests", "RequestLimitExceeded", "LimitExceeded", "SlowDown")


@dataclass
class AwsClients:
    """The AWS clients of the tools, in the pinned region; built once per cold start.

    The session comes from ``session_factory`` on first use, and each service's client is made once, under a
    lock (a boto3 session is not thread-safe; its clients are), then shared by every call, keeping ``pool_size``
    connections (botocore keeps ten) for the calls a runbook's parallel steps make to one service.
    """

    session_factory: SessionFactory
    region: str
    timeout: float = 20.0
    now: Callable[[], datetime] = field(default=utcnow)
    pool_size: int = MAX_PARALLEL_CALLS
    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _session: Any = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def client(self, service: str) -> Any:
        """The client for ``service``: short timeouts, standard retries, the pinned region."""
        with self._lock:
            if service not in self._clients:
                if self._session is None:
                    self._session = self.session_factory()
                connect, read = attempt_timeouts(self.timeout, AWS_ATTEMPTS)  # all attempts within the timeout
                config = Config(
                    region_name=self.region, connect_timeout=connect, read_timeout=read,
                    retries={"total_max_attempts": AWS_ATTEMPTS, "mode": "standard"},
                    max_pool_connections=self.pool_size,
                )
                self._clients[service] = self._session.client(service, region_name=self.region, config=config)
            return self._clients[service]


def aws_tools(clients: AwsClients, policy: AwsReadPolicy) -> ToolSet:
    """One read call over the policy's services, and Logs Insights queries when ``logs`` is one of them."""
    tools = [_aws_read(clients, policy)]
    if "logs" in policy.operations:
        tools.append(_aws_logs_insights(clients, policy))
    return ToolSet(tools, checks={item.tool_name: policy.check for item in tools}, label=SYSTEM.label)


def _aws_read(clients: AwsClients, policy: AwsReadPolicy) -> Any:
    def aws_read(service: str, operation: str, params: dict[str, Any] | None = None) -> Any:
        """Make one read-only AWS API call (boto3) and return its response as JSON.

        Use this to look at the platform's AWS side: ECS services, tasks and their stop reasons, Lambda
        configuration, SQS queue depth and dead-letter queues, Step Functions executions and their history,
        CloudWatch alarms and metrics, CloudWatch Logs events. Only read operations run (describe_, list_, get_,
        filter_, lookup_); anything that changes state, or returns secrets, credentials or download links, is
        refused before it runs. Lambda and ECS environment variable values are masked. Long responses are cut:
        pass filters or maxResults in params, and the response's nextToken to read on. An empty list in the
        response means nothing of that kind exists in the region, not that the call failed.

        Args:
            service: boto3 service name, one of the readable services listed above.
            operation: boto3 method name in snake_case, e.g. "describe_services", "list_tasks",
                "describe_tasks", "get_queue_attributes", "describe_executions", "describe_alarms",
                "filter_log_events".
            params: The operation's parameters with their AWS names, e.g. {"cluster": "jobs",
                "services": ["runner"]} or {"logGroupName": "/ecs/runner", "filterPattern": "ERROR"}.
        """
        params = params or {}
        reason = policy.refusal(service, operation, params)
        if reason:
            return error_result(f"Denied: {reason}. Nothing was called.")
        try:
            response = getattr(clients.client(service), operation)(**params)
        except (BotoCoreError, ClientError) as exc:
            return error_result(failure_text(f"{service}.{operation}", exc))
        response.pop("ResponseMetadata", None)
        scrubbed = scrub_response(response)
        body = json.dumps(scrubbed, default=str, ensure_ascii=False, separators=(",", ":"))
        return success(f"{service}.{operation} in {clients.region}:\n{body}", scrubbed)

    return tool(description=_with_services(aws_read, policy))(aws_read)


def _with_services(function: Callable[..., Any], policy: AwsReadPolicy) -> str:
    """The function's description (its docstring before ``Args:``) with the readable services added."""
    summary = (inspect.getdoc(function) or "").split("\nArgs:", 1)[0].strip()
    return f"{summary}\n\nReadable services (region pinned): {', '.join(policy.services)}."


def _aws_logs_insights(clients: AwsClients, policy: AwsReadPolicy) -> Any:
    @tool
    def aws_logs_insights(
        log_groups: list[str], query: str, since: str = "-1h", until: str = "", limit: int = 100
    ) -> Any:
        """Run a CloudWatch Logs Insights query over log groups and return the matching rows, newest first.

        Use this for the AWS side's logs (ECS tasks, Lambda functions, Step Functions) when you know the log
        group: find error lines around the alert, count them, or group them by a field. Rows come back as
        "field=value | field=value" lines (the @ptr field is left out). An empty result means no event
        matched in the window: widen it or loosen the filter. Queries taking longer than about 20 s are
        stopped and reported as timed out.

        Args:
            log_groups: Log group names, e.g. ["/ecs/runner", "/aws/lambda/job-dispatcher"] (1 to 50).
            query: Logs Insights query, e.g. "fields @timestamp, @message | filter @message like /ERROR/
                | sort @timestamp desc | limit 50".
            since: Start of the window: relative like "-15m", "-2h", "-1d" (from now) or ISO-8601 like
                "2026-11-20T03:00:00Z". Default one hour ago. At most 31 days.
            until: End of the window, same formats; empty means now.
            limit: Most rows to return, 1 to 10000 (default 100).
        """
        reason = policy.refusal("logs", "start_query", {"queryString": query})
        if reason:
            return error_result(f"Denied: {reason}. Nothing was called.")
        if not log_groups or not all(isinstance(group, str) and group for group in log_groups):
            return error_result("aws_logs_insights: log_groups must list 1 to 50 log group names.")
        try:
            start, end = time_window(since, until, now=clients.now())
        except TimeWindowError as exc:
            return error_result(f"aws_logs_insights: {exc}.")
        count = max(1, min(int(limit), INSIGHTS_MAX_LIMIT))
        logs = clients.client("logs")
        try:
            query_id = logs.start_query(
                logGroupNames=log_groups[:50], startTime=int(start.timestamp()), endTime=int(end.timestamp()),
                queryString=query, limit=count,
            )["queryId"]
            results = _wait(logs, query_id, deadline=time.monotonic() + clients.timeout)
        except (BotoCoreError, ClientError) as exc:
            return error_result(failure_text("logs.start_query", exc))
        if results is None:
            return error_result("aws_logs_insights timed out and the query was stopped; query a shorter window.")
        return _insights_text(results, count, f"{rfc3339(start)} to {rfc3339(end)}")

    return aws_logs_insights


def _wait(logs: Any, query_id: str, *, deadline: float) -> dict[str, Any] | None:
    """The query's final results, or None (and the query stopped) when the deadline passes first."""
    pause = 0.2
    while True:
        results: dict[str, Any] = logs.get_query_results(queryId=query_id)
        if results.get("status") in _DONE:
            return results
        if time.monotonic() + pause > deadline:
            logs.stop_query(queryId=query_id)
            return None
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def _insights_text(results: dict[str, Any], count: int, window: str) -> Any:
    status = results.get("status")
    if status != "Complete":
        return error_result(f"aws_logs_insights: the query ended {status}; check its syntax and log groups.")
    rows = [{cell["field"]: cell.get("value", "") for cell in row} for row in results.get("results", [])]
    rows.sort(key=lambda row: row.get("@timestamp", ""), reverse=True)
    stats = results.get("statistics", {})
    scanned = f"{int(stats.get('recordsScanned', 0)):,} records scanned" if stats else "statistics not reported"
    shown = [{key: value for key, value in row.items() if key != "@ptr"} for row in rows[:count]]
    data = {"rows": shown, "statistics": stats, "window": window}
    if not rows:
        return success(f"No log events matched between {window} ({scanned}). Widen the window or loosen the filter.",
                       data)
    more = " (limit reached: narrow the query)" if len(rows) > count else ""
    lines = [" | ".join(f"{key}={value}" for key, value in row.items()) for row in shown]
    return success("\n".join([f"{min(len(rows), count)} rows, newest first, {window}, {scanned}{more}:", *lines]), data)


def failure_text(call: str, exc: Exception) -> str:
    """A short, actionable description of an AWS failure: not found, denied, throttled, timed out, invalid."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "")), str(error.get("Message", ""))
        if any(word in code for word in _NOT_FOUND):
            kind = "not found; check the name or ARN (and that it lives in this region)"
        elif any(word in code for word in _DENIED):
            kind = "denied by IAM: the bot's role may not read this"
        elif any(word in code for word in _THROTTLED):
            kind = "throttled by AWS; wait, then retry once with a narrower request"
        else:
            kind = "rejected"
        return f"{call} failed ({code}): {kind}. AWS said: {message}"
    if isinstance(exc, ParamValidationError):
        return f"{call} got invalid params: {exc}"
    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError):
        return f"{call} timed out; retry once, with a narrower request"
    if isinstance(exc, NoCredentialsError):
        return f"{call} failed: no AWS credentials are available to the bot"
    if isinstance(exc, EndpointConnectionError):
        return f"{call} could not reach the AWS endpoint; retry later"
    return f"{call} failed: {type(exc).__name__}: {exc}"
