"""Google Cloud Logging: the ``cloud_logging_query`` tool over ``entries.list`` (HTTP/JSON transport).

Credentials come from one secret holding either a service-account key (``"type": "service_account"``) or a
workload identity federation config (``"type": "external_account"``, e.g. sourced from the Lambda's AWS role).
Every query carries an explicit time window, so the client library never adds its own 24-hour default.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

# The client below runs on HTTP/JSON, never on gRPC. Marking the library's gRPC layer as absent keeps grpc and the
# generated stubs from loading, so the worker ships without grpc (the library's own fallback needs an ImportError).
sys.modules.setdefault("google.cloud.logging_v2._gapic", None)  # type: ignore[arg-type]

from google.api_core import exceptions as google_errors  # noqa: E402
from google.auth import exceptions as auth_errors  # noqa: E402
from google.auth.credentials import Credentials  # noqa: E402
from google.auth.transport.requests import AuthorizedSession  # noqa: E402
from google.cloud.logging_v2 import DESCENDING  # noqa: E402
from google.cloud.logging_v2.client import Client  # noqa: E402
from google.cloud.logging_v2.resource import Resource  # noqa: E402
from requests import exceptions as http_errors  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402
from strands import tool  # noqa: E402

from tools.budget import clip_line  # noqa: E402
from tools.cloud_logging_system import SYSTEM as SYSTEM  # noqa: E402
from tools.connections import MAX_PARALLEL_CALLS  # noqa: E402
from tools.data import success  # noqa: E402
from tools.redact import redact  # noqa: E402
from tools.registry import ToolSet, error_result  # noqa: E402
from tools.timewindow import TimeWindowError, rfc3339, time_window, utcnow  # noqa: E402

logger = logging.getLogger(__name__)

READ_SCOPE = "https://www.googleapis.com/auth/logging.read"
SEVERITIES = ("DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")
MAX_LIMIT = 1000
ENTRY_MAX_CHARS = 2000
_RESOURCE_TYPE = re.compile(r"^[a-z0-9_.]+$")
_REQUEST_PREFIX = re.compile(r"^[A-Z]+ \S+: ")  # "POST https://…: " before the API's own message


class CredentialsError(ValueError):
    """The Google credentials document is not one this tool accepts."""


def google_credentials(info: dict[str, Any]) -> Credentials:
    """Read-only Logging credentials from a service-account key or a workload identity federation config.

    Executable-sourced federation configs are refused: a tool never runs a command.

    Raises:
        CredentialsError: The document is of another type or is malformed.
    """
    kind = info.get("type")
    try:
        if kind == "service_account":
            from google.oauth2 import service_account

            factory: Any = service_account.Credentials.from_service_account_info
            return cast(Credentials, factory(info, scopes=[READ_SCOPE]))
        if kind == "external_account":
            return _federated_credentials(info)
    except (ValueError, KeyError, auth_errors.GoogleAuthError) as exc:
        raise CredentialsError(f"the {kind} credentials document is malformed: {exc}") from exc
    raise CredentialsError(f"credentials type {kind!r} is not supported: use service_account or external_account")


def _federated_credentials(info: dict[str, Any]) -> Credentials:
    source = info.get("credential_source") or {}
    if "executable" in source:
        raise CredentialsError("executable-sourced workload identity federation is refused (it runs a command)")
    factory: Any
    if str(source.get("environment_id", "")).startswith("aws"):
        from google.auth import aws

        factory = aws.Credentials.from_info
    else:
        from google.auth import identity_pool

        factory = identity_pool.Credentials.from_info
    return cast(Credentials, factory(info, scopes=[READ_SCOPE]))


class _TimeoutHTTP:
    """An authorized session whose every request waits at most ``timeout`` seconds (the library waits 60).

    It keeps ``pool_size`` connections per host (requests keeps ten), so parallel queries reuse their connections.
    """

    def __init__(self, credentials: Credentials, timeout: float, pool_size: int) -> None:
        self._session: Any = cast(Any, AuthorizedSession)(credentials)
        for prefix in ("https://", "http://"):
            self._session.mount(prefix, HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size))
        self._timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> Any:
        """Send one request with the session's timeout."""
        kwargs["timeout"] = self._timeout
        return self._session.request(*args, **kwargs)


class _ReadingClient(Client):
    """A client for reading: the loggers it makes for listed entries do not probe the GCE metadata server.

    The library builds a ``Logger`` per log name it lists, and a ``Logger`` without a resource detects its own
    environment through ``metadata.google.internal``: seconds of timeouts in a Lambda, for nothing we read.
    """

    def logger(self, name: str, *, labels: dict[str, str] | None = None, resource: Any = None) -> Any:
        """A logger bound to this client, with the ``global`` resource unless one is given."""
        make: Any = super().logger
        return make(name, labels=labels, resource=resource or Resource(type="global", labels={}))


def logging_client(
    credentials: Credentials,
    project: str,
    *,
    endpoint: str = "",
    timeout: float = 20.0,
    pool_size: int = MAX_PARALLEL_CALLS,
) -> Client:
    """A Logging client on the HTTP/JSON transport (``endpoint`` overrides Google's, e.g. for a local fake).

    Up to ``pool_size`` queries at once keep their connections between calls.
    """
    options = {"api_endpoint": endpoint.rstrip("/")} if endpoint else None
    factory: Any = _ReadingClient
    return cast(
        Client,
        factory(
            project=project,
            credentials=credentials,
            _http=_TimeoutHTTP(credentials, timeout, pool_size),
            _use_grpc=False,
            client_options=options,
        ),
    )


def query_filter(filter_: str, start: datetime, end: datetime, severity: str = "", resource: str = "") -> str:
    """The full Logging filter: the caller's expression, the time window, and the optional restrictions.

    Raises:
        ValueError: ``severity`` or ``resource`` is not valid.
    """
    parts = [f"({filter_.strip()})"] if filter_.strip() else []
    parts += [f'timestamp>="{rfc3339(start)}"', f'timestamp<="{rfc3339(end)}"']
    if severity.strip():
        level = severity.strip().upper().lstrip(">=")
        if level not in SEVERITIES:
            raise ValueError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
        parts.append(f"severity>={level}")
    if resource.strip():
        if not _RESOURCE_TYPE.match(resource.strip()):
            raise ValueError(f"resource {resource!r} is not a monitored resource type such as k8s_container")
        parts.append(f'resource.type="{resource.strip()}"')
    return " AND ".join(parts)


def format_entry(entry: Any) -> str:
    """One log entry as one line: time, severity, resource with labels, log name, payload (redacted, clipped)."""
    when = rfc3339(entry.timestamp)[:-4] + "Z" if entry.timestamp else "?"
    resource = entry.resource
    where = resource.type if resource is not None else "?"
    if resource is not None and resource.labels:
        where += "{" + ",".join(f"{key}={value}" for key, value in sorted(resource.labels.items())) + "}"
    log = (entry.log_name or "").rsplit("/", 1)[-1].replace("%2F", "/")
    payload = entry.payload
    if not isinstance(payload, str):
        payload = json.dumps(payload, default=str, ensure_ascii=False, separators=(",", ":"))
    line = f"{when} {entry.severity or 'DEFAULT'} {where} {log}: {payload}".replace("\n", "\\n")
    return clip_line(redact(line), ENTRY_MAX_CHARS)


def cloud_logging_tools(client: Client, *, now: Callable[[], datetime] = utcnow) -> ToolSet:
    """The ``cloud_logging_query`` tool over one client (its project is the one read)."""
    project = str(client.project)

    @tool
    def cloud_logging_query(
        filter: str, since: str = "-1h", until: str = "", severity: str = "", resource: str = "", limit: int = 100
    ) -> Any:
        """Read Google Cloud Logging entries: the application and platform logs of the GKE/Cloud Run side.

        Use this to find error lines around an alert, count repeats of a message, or see what a job or task
        logged. Results are one line per entry, newest first: time, severity, resource{labels}, log name and
        payload (long payloads are clipped). An empty result means nothing matched in the window: widen the
        window or loosen the filter; it does not mean the query failed.

        Args:
            filter: A Logging query, e.g. 'textPayload:"started_at has no value"',
                'jsonPayload.job_id="16852935"', 'resource.labels.namespace_name="jobs" AND "OOMKilled"'.
                Combine terms with AND/OR/NOT. Do not add timestamp bounds: use since/until. May be empty.
            since: Start of the window, relative like "-15m", "-2h", "-1d" (from now) or absolute ISO-8601
                like "2026-11-20T03:00:00Z". Default one hour ago. Windows longer than 31 days are refused.
            until: End of the window, same formats; empty means now.
            severity: Minimum severity: DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT or EMERGENCY.
            resource: Monitored resource type, e.g. k8s_container, cloud_run_revision, gce_instance.
            limit: Most entries to return, 1 to 1000 (default 100). Ask for few; narrow the filter first.
        """
        try:
            start, end = time_window(since, until, now=now())
            full = query_filter(filter, start, end, severity, resource)
        except (TimeWindowError, ValueError) as exc:
            return error_result(f"cloud_logging_query: {exc}.")
        count = max(1, min(int(limit), MAX_LIMIT))
        try:
            listing: Any = client.list_entries
            entries = list(
                listing(  # one more than asked for tells whether more entries match
                    resource_names=[f"projects/{project}"], filter_=full, order_by=DESCENDING,
                    max_results=count + 1, page_size=min(count + 1, MAX_LIMIT),
                )
            )
        except Exception as exc:  # expected API failures become short results; anything else is re-raised
            return error_result(failure_text(exc, project))
        return _result_text(entries, count, project, full)

    return ToolSet([cloud_logging_query], label=SYSTEM.label)


def _result_text(entries: list[Any], count: int, project: str, full: str) -> dict[str, Any]:
    data = {"entries": [entry_data(entry) for entry in entries[:count]], "more": len(entries) > count, "filter": full}
    if not entries:
        return success(
            f"No log entries in project {project} matched: {full}. Nothing was logged that matches in this window; "
            "widen since/until or loosen the filter (check resource type, log name and exact text).",
            data,
        )
    more = " (limit reached: more entries match; narrow the filter or the window)" if len(entries) > count else ""
    entries = entries[:count]
    header = f"{len(entries)} log entries in project {project}, newest first{more}. Filter: {full}"
    return success("\n".join([header, *(format_entry(entry) for entry in entries)]), data)


def entry_data(entry: Any) -> dict[str, Any]:
    """One entry as the API's LogEntry JSON: timestamp, severity, logName, resource, labels and its payload."""
    payload = entry.payload
    payload_key = "textPayload" if isinstance(payload, str) else "jsonPayload"
    resource = entry.resource
    return {
        "timestamp": rfc3339(entry.timestamp) if entry.timestamp else None,
        "severity": entry.severity or "DEFAULT",
        "logName": entry.log_name,
        "resource": {"type": resource.type, "labels": dict(resource.labels or {})} if resource is not None else None,
        "labels": dict(entry.labels or {}),
        "insertId": entry.insert_id,
        payload_key: payload,
    }


def failure_text(exc: Exception, project: str) -> str:
    """A short, actionable description of an expected Logging failure.

    Raises:
        Exception: ``exc`` itself when it is not an expected failure.
    """
    if isinstance(exc, google_errors.GoogleAPICallError):
        code = int(exc.code or 0)
        reason = {
            400: "the filter was rejected; fix its syntax",
            401: "denied: the credentials were not accepted",
            403: f"denied: no permission to read logs of project {project}",
            404: f"not found: project {project} or its logs do not exist",
            429: "throttled by the Logging API; wait, then retry once with a narrower query",
        }.get(code, "the Logging API is unavailable; retry later")
        said = _REQUEST_PREFIX.sub("", str(exc.message))
        return f"cloud_logging_query failed ({code}): {reason}. The API said: {said}"
    if isinstance(exc, http_errors.Timeout):
        return "cloud_logging_query timed out; retry with a shorter window or a stricter filter"
    if isinstance(exc, auth_errors.GoogleAuthError):
        return f"cloud_logging_query could not get Google credentials: {exc}"
    if isinstance(exc, http_errors.ConnectionError):
        return "cloud_logging_query could not reach the Logging API; retry later"
    raise exc
