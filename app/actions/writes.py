"""The only writes the bot makes: a declared action's call, run by the executor after a person approved it.

A jobs API action names a write operation of the API's OpenAPI spec (method and path come from the spec; path
parameters from the arguments, the rest as the JSON body). An AWS action (``aws_write``) is one boto3 call whose
``service.operation`` the catalog declares; the executor's role allows exactly those.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from app.runbooks.actions import AWS_WRITE_TOOL
from tools.data import jsonable, redact_data

if TYPE_CHECKING:
    import httpx

_PATH_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class WriteError(Exception):
    """The write was refused before it was sent, or the backend answered with an error."""


@dataclass(frozen=True)
class Operation:
    """One write operation of an API's spec, and the API it belongs to."""

    method: str
    path: str
    api: str = "jobs"


def write_operations(spec: dict[str, Any], api: str = "jobs", name: Callable[[str], str] = str) -> dict[str, Operation]:
    """The spec's non-GET operations by tool name (``retryJob`` → POST /v1/jobs/{job_id}/retry).

    ``name`` turns an operation id into the API's tool name (its prefix); the ids themselves by default.
    """
    found: dict[str, Operation] = {}
    for path, item in (spec.get("paths") or {}).items():
        for method, operation in (item or {}).items():
            if isinstance(operation, dict) and operation.get("operationId") and method.lower() != "get":
                found[name(str(operation["operationId"]))] = Operation(method.upper(), str(path), api)
    return found


@dataclass
class WriteCalls:
    """Runs one declared write; ``aws_allowed`` lists the ``service.operation`` pairs the catalog declares.

    ``clients`` holds one HTTP client per configured API (by its name), with the API's base URL and credential.
    """

    clients: Mapping[str, httpx.Client]
    operations: dict[str, Operation]
    aws_client: Callable[[str], Any] | None = None
    aws_allowed: Collection[str] = ()

    def call(self, tool: str, args: dict[str, Any]) -> Any:
        """The backend's answer as JSON (redacted).

        Raises:
            WriteError: The call is not declared or not configured, or the backend refused it.
        """
        if tool == AWS_WRITE_TOOL:
            return self._aws(args)
        operation = self.operations.get(tool)
        client = self.clients.get(operation.api) if operation is not None else None
        if operation is None or client is None:
            raise WriteError(f"{tool} is not a write operation of a configured API")
        import httpx  # only the executor sends writes: the worker does not pay for the import

        path, body = _path(operation.path, args)
        try:
            response = client.request(operation.method, path, json=body or None)
        except httpx.HTTPError as exc:
            raise WriteError(f"{operation.method} {path} could not be sent: {type(exc).__name__}: {exc}") from exc
        answer = _json(response)
        if response.status_code >= 400:
            raise WriteError(f"{operation.method} {path} answered HTTP {response.status_code}: "
                             f"{json.dumps(answer, default=str)[:300]}")
        return redact_data(answer)

    def _aws(self, args: dict[str, Any]) -> Any:
        service, operation = str(args.get("service") or ""), str(args.get("operation") or "")
        if f"{service}.{operation}" not in self.aws_allowed or self.aws_client is None:
            raise WriteError(f"{service}.{operation} is not a declared AWS action of the catalog")
        try:
            response = getattr(self.aws_client(service), operation)(**(args.get("params") or {}))
        except Exception as exc:  # botocore's errors say what AWS refused
            raise WriteError(f"{service}.{operation} failed: {type(exc).__name__}: {exc}") from exc
        response.pop("ResponseMetadata", None)
        return redact_data(jsonable(response))


def _path(template: str, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    names = _PATH_PARAM.findall(template)
    missing = [name for name in names if not str(args.get(name) or "")]
    if missing:
        raise WriteError(f"no value for the path parameter(s) {', '.join(missing)}")
    path = _PATH_PARAM.sub(lambda found: quote(str(args[found.group(1)]), safe=""), template)
    return path, {key: value for key, value in args.items() if key not in names}


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"text": response.text[:500]}
