"""What the ingress tells CloudWatch: EMF counts of the Slack requests it served and of those it turned away.

Metrics go to the ``RunbookAiops`` namespace with the dimension ``service=aiops-ingress``:

- ``Requests``, split by ``kind``: each signed request Bolt served, by the kind of job it started
  (``alert``, ``question``, ``rating``, ``approval``, …) or ``none`` (nothing to do, a retry, a dropped event);
- ``SignatureFailures``: requests answered 401 (unsigned, stale or forged);
- ``MalformedRequests``: requests answered 400 or 405 (no Slack payload, not a POST);
- ``DroppedEvents``: requests for another workspace or app;
- ``DuplicateEvents``: Slack retries of an event already handed off (answered from the dedupe store);
- ``RateLimitedQuestions``: questions over the person's limit a minute;
- ``HandoffFailures``: jobs the worker could not be started on (Slack is answered 500 and retries).

A request's counts are kept in memory and written as EMF lines when the Lambda handler flushes after it; runs
outside Lambda (the demo, tests) write nothing unless they flush. The dashboard (infra/dashboard.py) reads
exactly these names; a test checks it against what this module emits.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

from app.cloudwatch import NAMESPACE
from app.ingress.dispatch import DispatchError
from app.models import Job, JobKind

SERVICE = "aiops-ingress"
REQUEST_KINDS = (*(kind.value for kind in JobKind), "none")
TURNED_AWAY = ("SignatureFailures", "MalformedRequests", "DroppedEvents", "DuplicateEvents", "RateLimitedQuestions",
               "HandoffFailures")

StartJob = Callable[..., dict[str, Any]]


class IngressTelemetry:
    """Counts of the ingress's requests, written as EMF metrics by :meth:`flush`."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()  # (metric, kind; "" when unsplit)
        self._lock = threading.Lock()
        self._started: ContextVar[list[str] | None] = ContextVar("aiops_ingress_started", default=None)
        self._dispatches: ContextVar[list[str] | None] = ContextVar("aiops_ingress_dispatches", default=None)

    def count(self, metric: str, kind: str = "") -> None:
        """Count one event of ``metric`` (one of :data:`TURNED_AWAY`, or ``Requests`` with its ``kind``)."""
        with self._lock:
            self._counts[(metric, kind)] += 1

    def served(self, handle: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run ``handle`` (one HTTP request) and count it by its status and the job it started."""
        started: list[str] = []
        token = self._started.set(started)
        try:
            response = handle()
        finally:
            self._started.reset(token)
        status = int(response.get("statusCode") or 0)
        if status == 401:
            self.count("SignatureFailures")
        elif status in (400, 405):
            self.count("MalformedRequests")
        else:
            self.count("Requests", started[0] if started else "none")
        return response

    def dispatching(self, dispatch: StartJob) -> StartJob:
        """``dispatch`` that notes the started job's kind for its request, and counts a failed hand-off."""

        def run(*, job: Job) -> dict[str, Any]:
            try:
                receipt = dispatch(job=job)
            except DispatchError:
                self.count("HandoffFailures")
                raise
            self._note(job.kind.value)
            return receipt

        return run

    def deduplicated(self, start: StartJob) -> StartJob:
        """``start`` (the deduplicated :meth:`dispatching`) that counts a retry it answered without dispatching."""

        def run(*, job: Job) -> dict[str, Any]:
            dispatched: list[str] = []
            token = self._dispatches.set(dispatched)
            try:
                receipt = start(job=job)
            except IdempotencyAlreadyInProgressError:
                self.count("DuplicateEvents")
                raise
            finally:
                self._dispatches.reset(token)
            if not dispatched:
                self.count("DuplicateEvents")
            return receipt

        return run

    def flush(self) -> None:
        """Write the counts so far as EMF lines (one per metric and kind), and start counting afresh."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        for (metric, kind), value in sorted(counts.items()):
            with single_metric(name=metric, unit=MetricUnit.Count, value=value, namespace=NAMESPACE,
                               default_dimensions={"service": SERVICE}) as written:
                if kind:
                    written.add_dimension(name="kind", value=kind)

    def _note(self, kind: str) -> None:
        for noted in (self._started.get(), self._dispatches.get()):
            if noted is not None:
                noted.append(kind)
