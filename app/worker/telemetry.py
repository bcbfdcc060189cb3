"""What the worker tells CloudWatch about each job: one summary log line and EMF metrics.

Metrics go to the ``RunbookAiops`` namespace with the dimension ``service=aiops-worker``; the investigation
count is also split by ``outcome`` (ok | failed) and ``mode`` (model | evidence-only), ratings by ``level``.
The dashboard (infra/dashboard.py) reads exactly these names; a test checks it against what this module emits.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from app.cloudwatch import NAMESPACE
from app.config import tracing_wanted
from app.models import Job, JobKind, RatingLevel, TriageRecord
from app.worker.jobs import Outcome
from app.worker.pipeline import InvestigationError

SERVICE = "aiops-worker"
OUTCOMES = ("ok", "failed")
MODES = ("model", "evidence-only")
LEVELS = tuple(level.value for level in RatingLevel)

Handler = TypeVar("Handler", bound=Callable[..., Any])
__all__ = ["LEVELS", "MODES", "NAMESPACE", "OUTCOMES", "SERVICE", "Summary", "emit_investigation", "emit_rating",
           "observe", "traced", "worker_metrics"]


def worker_metrics() -> Metrics:
    """The worker's metrics: the bot's namespace, with the ``service`` dimension on every metric."""
    return Metrics(namespace=NAMESPACE, service=SERVICE)


@dataclass(frozen=True)
class Summary:
    """The facts of one investigation that the summary line and the metrics carry."""

    reference: str
    outcome: str
    mode: str
    runbook: str = ""
    verdict: str = ""
    blocked_calls: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    tool_calls: int = 0

    @classmethod
    def of(cls, record: TriageRecord) -> Summary:
        """The summary of a finished investigation's record."""
        verdict = record.verdict.decision.value if record.verdict is not None and record.verdict.reached else ""
        return cls(
            reference=record.id, outcome=record.status, mode=record.mode, runbook=record.runbook_id,
            verdict=verdict, blocked_calls=len(record.blocked_calls),
            tokens=record.usage.total_tokens, cost_usd=record.usage.estimated_cost_usd,
            tool_calls=record.usage.tool_calls,
        )


def emit_investigation(summary: Summary, metrics: Metrics, logger: Logger) -> None:
    """Log the summary line (with the reference, runbook, outcome and mode as keys) and add its metrics."""
    logger.append_keys(reference=summary.reference, runbook=summary.runbook or None, outcome=summary.outcome,
                       mode=summary.mode)
    logger.info("investigation finished", extra={
        "verdict": summary.verdict or None, "blocked_calls": summary.blocked_calls, "tokens": summary.tokens,
        "cost_usd": summary.cost_usd, "tool_calls": summary.tool_calls,
    })
    metrics.add_metric(name="Investigations", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RunbookMatched", unit=MetricUnit.Count, value=int(bool(summary.runbook)))
    metrics.add_metric(name="VerdictReached", unit=MetricUnit.Count, value=int(bool(summary.verdict)))
    metrics.add_metric(name="BlockedToolCalls", unit=MetricUnit.Count, value=summary.blocked_calls)
    metrics.add_metric(name="Tokens", unit=MetricUnit.Count, value=summary.tokens)
    metrics.add_metric(name="CostUsd", unit=MetricUnit.NoUnit, value=summary.cost_usd)
    with single_metric(name="Investigations", unit=MetricUnit.Count, value=1, namespace=NAMESPACE,
                       default_dimensions={"service": SERVICE}) as split:
        split.add_dimension(name="outcome", value=summary.outcome)
        split.add_dimension(name="mode", value=summary.mode)


def emit_rating(level: RatingLevel, metrics: Metrics, logger: Logger) -> None:
    """Count one stored rating by its level."""
    logger.info("rating stored", extra={"rating": level.value})
    with single_metric(name="Ratings", unit=MetricUnit.Count, value=1, namespace=NAMESPACE,
                       default_dimensions={"service": SERVICE}) as split:
        split.add_dimension(name="level", value=level.value)
    metrics.add_metric(name="Ratings", unit=MetricUnit.Count, value=1)


def observe(job: Job, handle: Callable[[Job], Outcome], mode: str, metrics: Metrics, logger: Logger) -> Outcome:
    """Run ``handle`` on the job and report it; a failed investigation is reported, then re-raised.

    Args:
        job: The job.
        handle: What runs it (the worker's ``handle``).
        mode: ``model`` or ``evidence-only``, as configured: the mode a failed investigation is counted in.
        metrics: Where metrics are added (flushed by the handler).
        logger: The handler's logger.
    """
    try:
        outcome = handle(job)
    except InvestigationError as exc:
        words = str(exc).split()  # "investigation REFERENCE failed: …"
        reference = words[1] if len(words) > 1 and words[0] == "investigation" else ""
        emit_investigation(Summary(reference=reference, outcome="failed", mode=mode), metrics, logger)
        raise
    if job.kind is JobKind.RATING and job.rating is not None:
        emit_rating(job.rating.level, metrics, logger)
    elif outcome.record is not None and not (job.kind is JobKind.ALERT and job.alert.status == "resolved"):
        emit_investigation(Summary.of(outcome.record), metrics, logger)
    return outcome


def traced(handler: Handler) -> Handler:
    """The handler traced with X-Ray where Powertools traces (in Lambda, unless ``POWERTOOLS_TRACE_DISABLED``).

    The X-Ray SDK takes about 0.1 s to import: it is imported on the first invocation, and only where it traces.
    """
    chosen: list[Callable[..., Any]] = []
    lock = threading.Lock()

    @functools.wraps(handler)
    def run(event: Any, context: Any) -> Any:
        with lock:
            if not chosen:
                chosen.append(_with_tracer(handler) if tracing_wanted() else handler)
        return chosen[0](event, context)

    return run  # type: ignore[return-value]


def _with_tracer(handler: Callable[..., Any]) -> Callable[..., Any]:
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE).capture_lambda_handler(handler, capture_response=False)
