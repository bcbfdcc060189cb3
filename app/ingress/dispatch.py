"""Hand a job to the worker: async Lambda invoke in AWS, a background thread locally."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from app.models import Job

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

logger = logging.getLogger(__name__)


class DispatchError(Exception):
    """The worker could not be started; Slack will retry the event."""


class Dispatcher(Protocol):
    """Starts the worker on a job without waiting for it."""

    def dispatch(self, *, job: Job) -> dict[str, Any]:
        """Start the worker on ``job``; return a small JSON-safe receipt."""
        ...


class LambdaDispatcher:
    """Invokes the worker Lambda asynchronously (``InvocationType=Event``)."""

    def __init__(self, function_name: str, lambda_client: LambdaClient) -> None:
        self._function_name = function_name
        self._client = lambda_client

    def dispatch(self, *, job: Job) -> dict[str, Any]:
        """Queue the job on the worker; Lambda answers 202 without running it."""
        try:
            response = self._client.invoke(
                FunctionName=self._function_name,
                InvocationType="Event",
                Payload=job.model_dump_json().encode(),
            )
        except Exception as exc:
            raise DispatchError(f"cannot invoke {self._function_name}: {exc}") from exc
        logger.info("dispatched event_id=%s kind=%s to %s", job.event_id, job.kind, self._function_name)
        return {"event_id": job.event_id, "status": response.get("StatusCode", 0)}


class InProcessDispatcher:
    """Runs the worker in a background thread of this process (local runs and the demo)."""

    def __init__(self, run: Callable[[Job], Any]) -> None:
        self._run = run
        self._threads: list[threading.Thread] = []

    def dispatch(self, *, job: Job) -> dict[str, Any]:
        """Start the job in a daemon thread and return at once."""
        thread = threading.Thread(target=self._safe_run, args=(job,), name=f"worker-{job.event_id}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return {"event_id": job.event_id, "status": 202}

    def drain(self, timeout: float = 300.0) -> None:
        """Wait for every started job to finish."""
        for thread in list(self._threads):
            thread.join(timeout)

    def _safe_run(self, job: Job) -> None:
        try:
            self._run(job)
        except Exception:
            # The worker already told the thread and stored the failure; a thread has no dead-letter queue.
            logger.exception("in-process worker failed for event_id=%s", job.event_id)
