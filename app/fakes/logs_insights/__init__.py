"""A bounded interpreter of the CloudWatch Logs Insights query language, for the local AWS fake.

It serves the subset an on-call runbook uses: ``fields``, ``display``, ``filter``, ``parse``, ``stats``,
``sort``, ``limit`` and ``dedup``; anything else fails to compile, as a malformed query fails in AWS.
"""

from app.fakes.logs_insights.engine import QueryResult, run_query
from app.fakes.logs_insights.events import LogEvent
from app.fakes.logs_insights.lexer import QueryError

__all__ = ["LogEvent", "QueryError", "QueryResult", "run_query"]
