"""CloudWatch Logs Insights for moto: ``StartQuery`` runs the query through :mod:`app.fakes.logs_insights`.

moto's own Logs Insights ignores ``filter``, ``parse`` and ``stats``; this replaces its query model, so
``GetQueryResults`` answers what AWS answers: filtered, parsed and aggregated rows of strings, with
``statistics``. A query that does not compile fails ``StartQuery`` with ``MalformedQueryException`` (and its
``queryCompileError``), as in AWS; one that fails while running ends with status ``Failed``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.utils import utcnow
from moto.logs import models as logs_models
from moto.logs import responses as logs_responses
from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
from moto.moto_api._internal import mock_random

from app.fakes.logs_insights import LogEvent, QueryError, QueryResult, run_query

logger = logging.getLogger(__name__)


class MalformedQueryException(JsonRESTError):
    """AWS's answer to a query that does not compile: the message and where in the query it went wrong."""

    code = 400

    def __init__(self, error: QueryError) -> None:
        """Describe ``error`` as AWS does."""
        super().__init__("MalformedQueryException", str(error))
        compile_error = {
            "location": {"startCharOffset": error.start, "endCharOffset": error.end},
            "message": str(error),
        }
        self.description = json.dumps(
            {"__type": self.error_type, "message": self.message, "queryCompileError": compile_error}
        )


class InsightsQuery(logs_models.LogQuery):
    """One query, run when it starts (the fake's queries complete at once)."""

    def __init__(  # noqa: PLR0913 - moto's own constructor plus the account and the row limit
        self, query_id: str, start_time: int, end_time: int, query: str, log_groups: list[Any],
        account: str = "", limit: int | None = None,
    ) -> None:
        """Run ``query`` over the groups' events between the start and end times (epoch seconds, inclusive)."""
        self.query_id = query_id
        self.start_time = start_time
        self.end_time = end_time
        self.query = query
        self.log_group_names = [group.name for group in log_groups]
        self.create_time = utcnow()
        self.result: QueryResult | None = None
        events = _events(log_groups, start_time * 1000, end_time * 1000)
        try:
            self.result = run_query(query, events, account=account, limit=limit)
        except QueryError as exc:
            raise MalformedQueryException(exc) from exc
        except Exception:  # a fault while running ends the query as Failed, as AWS reports one
            logger.exception("Logs Insights query %s failed", query_id)
        self.status = "Complete" if self.result is not None else "Failed"
        self.results: list[Any] = []

    def to_result_json(self) -> dict[str, Any]:
        """The ``GetQueryResults`` answer."""
        if self.result is None:
            return {"results": [], "status": self.status, "statistics": {}}
        return {"results": self.result.rows, "status": self.status, "statistics": self.result.statistics()}


def _events(log_groups: list[Any], start_ms: int, end_ms: int) -> list[LogEvent]:
    return [
        LogEvent(group.name, stream.log_stream_name, event.timestamp, event.ingestion_time, event.message,
                 event.event_id)
        for group in log_groups
        for stream in group.streams.values()
        for event in stream.events
        if start_ms <= event.timestamp <= end_ms
    ]


def _start_query(
    self: Any, log_group_names: list[str], start_time: int, end_time: int, query_string: str,
    limit: int | None = None,
) -> str:
    for name in log_group_names:
        if name not in self.groups:
            raise ResourceNotFoundException(f"Log group '{name}' does not exist")
    query_id = str(mock_random.uuid1())
    groups = [self.groups[name] for name in log_group_names]
    self.queries[query_id] = InsightsQuery(
        query_id, start_time, end_time, query_string, groups, account=self.account_id, limit=limit
    )
    return query_id


def _respond_start_query(self: Any) -> str:
    names = self._get_param("logGroupNames") or []
    if self._get_param("logGroupName"):
        names = [self._get_param("logGroupName")]
    identifiers = [item.rsplit(":log-group:", 1)[-1].removesuffix(":*") for item in
                   self._get_param("logGroupIdentifiers") or []]
    if sum(1 for given in (names, identifiers) if given) != 1:
        raise InvalidParameterException("Exactly one of logGroupName, logGroupNames or logGroupIdentifiers is required")
    query_id = self.logs_backend.start_query(
        names or identifiers, self._get_int_param("startTime"), self._get_int_param("endTime"),
        self._get_param("queryString"), limit=self._get_int_param("limit"),
    )
    return json.dumps({"queryId": query_id})


def install_logs_insights() -> None:
    """Make moto's CloudWatch Logs run Insights queries with this interpreter (idempotent, process-wide)."""
    setattr(logs_models, "LogQuery", InsightsQuery)  # noqa: B010 - replacing moto's model is the point
    setattr(logs_models.LogsBackend, "start_query", _start_query)  # noqa: B010
    setattr(logs_responses.LogsResponse, "start_query", _respond_start_query)  # noqa: B010
