"""The platform's jobs API as MCP tools: an OpenAPI spec turned into a FastMCP server, read-only by default.

Only GET operations become tools; every other operation is excluded from the server unless named in
``AIOPS_JOBS_API_EXTRA_OPERATIONS``. The tools' descriptions are the operations' descriptions in the spec, so the
spec is where the prompts live. Expected failures (not found, denied, throttled, timed out, backend down) come back
as short results that say what to do next. The worker reaches the server in-process (:func:`start_in_process`);
``aiops mcp serve`` serves the same server over stdio or streamable HTTP.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import yaml
from fastmcp import FastMCP
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.server.providers.openapi import MCPType, RouteMap
from fastmcp.tools import ToolResult
from fastmcp.utilities.openapi import HTTPRoute
from mcp.shared.memory import create_client_server_memory_streams
from mcp_types import CallToolRequestParams
from strands.tools.mcp import MCPClient

from tools.api_auth import auth_headers
from tools.redact import redact
from tools.system import JOBS_API, ToolSystem

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10.0
_DETAIL_CHARS = 200


class SpecError(Exception):
    """The OpenAPI spec cannot be read, is not an OpenAPI document, or does not define a named operation."""


def load_spec(source: str, *, http: httpx.Client | None = None) -> dict[str, Any]:
    """The OpenAPI document at a path or an ``http(s)://`` URL, in YAML or JSON.

    Raises:
        SpecError: It cannot be fetched or parsed, or it has no ``openapi`` version and ``paths``.
    """
    if source.startswith(("http://", "https://")):
        text = _fetch(source, http)
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise SpecError(f"cannot read OpenAPI spec {source}: {exc.strerror}") from exc
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"OpenAPI spec {source} is neither YAML nor JSON: {exc}") from exc
    if not isinstance(spec, dict) or not str(spec.get("openapi", "")).startswith("3") or "paths" not in spec:
        raise SpecError(f"{source} is not an OpenAPI 3 document (needs 'openapi: 3.x' and 'paths')")
    return spec


def _fetch(url: str, http: httpx.Client | None) -> str:
    client = http or httpx.Client(timeout=HTTP_TIMEOUT_SECONDS)
    try:
        response = client.get(url)
        response.raise_for_status()
        return response.text
    except httpx.HTTPError as exc:
        raise SpecError(f"cannot fetch OpenAPI spec {url}: {exc}") from exc
    finally:
        if http is None:
            client.close()


def operations(spec: dict[str, Any]) -> dict[str, str]:
    """Every operation id in the spec with its HTTP method, e.g. ``{"getJob": "GET"}``."""
    found: dict[str, str] = {}
    for item in (spec.get("paths") or {}).values():
        for method, operation in (item or {}).items():
            if isinstance(operation, dict) and operation.get("operationId"):
                found[str(operation["operationId"])] = method.upper()
    return found


def api_client(
    base_url: str,
    token: str,
    *,
    header: str = "",
    timeout: float = HTTP_TIMEOUT_SECONDS,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> httpx2.AsyncClient:
    """The HTTP client the tools call the API with: its credential on every request (see tools.api_auth)."""
    headers = {**auth_headers({"token": token, "header": header}), "Accept": "application/json"}
    return httpx2.AsyncClient(base_url=base_url, headers=headers, timeout=timeout, transport=transport)


def build_server(
    spec: dict[str, Any],
    client: httpx2.AsyncClient,
    *,
    extra_operations: Collection[str] = (),
    name: str = "jobs-api",
    tool_names: Mapping[str, str] | None = None,
    label: str = "jobs API",
) -> FastMCP:
    """The MCP server of the spec's safe operations, plus any ``extra_operations`` named by id.

    Args:
        spec: The OpenAPI document.
        client: The HTTP client the tools call the API with (:func:`api_client`).
        extra_operations: Operation ids exposed beyond GET.
        name: The server's name.
        tool_names: Operation id → tool name; an operation not named keeps its id.
        label: What people call the API, in the results of failed calls.

    Raises:
        SpecError: An extra operation id is not in the spec.
    """
    known = operations(spec)
    unknown = sorted(set(extra_operations) - set(known))
    if unknown:
        raise SpecError(f"extra operations not in the spec: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    extra = frozenset(extra_operations)

    def allow_named(route: HTTPRoute, mcp_type: MCPType) -> MCPType | None:
        return MCPType.TOOL if route.operation_id in extra else None

    server: FastMCP = FastMCP.from_openapi(
        spec,
        client=client,
        name=name,
        route_maps=[RouteMap(methods=["GET"], mcp_type=MCPType.TOOL), RouteMap(mcp_type=MCPType.EXCLUDE)],
        route_map_fn=allow_named,
        mcp_names=dict(tool_names or {}),
        validate_output=False,  # an incident is often a record missing a field: still show it to the model
    )
    server.add_middleware(ShortResults(label))
    # Failures become results below and are logged once there; the server's own log would add a traceback each.
    logging.getLogger("fastmcp.server.server").setLevel(logging.CRITICAL)
    return server


class ShortResults(Middleware):
    """Turns failed calls into short results the model can act on, and JSON answers into one field a line."""

    def __init__(self, label: str = "jobs API") -> None:
        """Results of failed calls name the API as ``label``."""
        self.label = label

    async def on_call_tool(
        self, context: MiddlewareContext[CallToolRequestParams], call_next: CallNext[CallToolRequestParams, ToolResult]
    ) -> ToolResult:
        """Run the call; a failure becomes an error result, a JSON answer an indented text (capped line by line)."""
        name = context.message.name
        try:
            result = await call_next(context)
        except Exception as exc:  # every failure is an answer for the model, never a crash of the investigation
            text = failure_text(name, exc, self.label)
            logger.warning("%s tool %s failed: %s", self.label, name, redact(text))
            return ToolResult(content=text, is_error=True)
        if result.structured_content is not None and not result.is_error:
            text = json.dumps(result.structured_content, indent=1, ensure_ascii=False)
            return ToolResult(content=text, structured_content=result.structured_content)
        return result


def failure_text(tool: str, exc: BaseException, label: str = "jobs API") -> str:
    """A short description of a failed call to the API people call ``label``, and of what to do next."""
    response = _in_chain(exc, httpx2.HTTPStatusError)
    if isinstance(response, httpx2.HTTPStatusError):
        return _status_text(tool, response.response, label)
    if _in_chain(exc, httpx2.TimeoutException) or "timed out" in str(exc):
        return (
            f"{tool}: the {label} did not answer in time (timed out). Retry once; if it times out again, continue "
            "with other evidence and say this could not be checked."
        )
    transport = _in_chain(exc, httpx2.TransportError)
    if transport is not None:
        return (
            f"{tool}: cannot reach the {label} ({type(transport).__name__}); it may be down. Continue with other "
            "evidence and say this could not be checked."
        )
    root = exc
    while root.__cause__ is not None:
        root = root.__cause__
    return f"{tool} failed: {_short(str(root))}. Check the arguments against the tool's parameters."


def _status_text(tool: str, response: httpx2.Response, label: str) -> str:
    status, detail = response.status_code, _detail(response)
    if status == 404:
        return (
            f"{tool}: not found (HTTP 404{detail}). The id or name does not exist; check it, or list what exists "
            "with the API's list tools."
        )
    if status in (401, 403):
        return (
            f"{tool}: access denied (HTTP {status}{detail}); the bot's {label} token was refused. Do not retry; say "
            "this evidence could not be read."
        )
    if status == 429:
        wait = response.headers.get("retry-after")
        after = f" for {wait} s" if wait else ""
        return (
            f"{tool}: throttled by the {label} (HTTP 429{detail}). Wait{after} before calling it again, make fewer "
            "calls, or continue with other evidence."
        )
    if status >= 500:
        return (
            f"{tool}: the {label} failed (HTTP {status}{detail}); the backend may be down. Continue with other "
            "evidence and say this could not be checked."
        )
    return f"{tool}: the {label} rejected the request (HTTP {status}{detail}). Fix the arguments and retry."


def _detail(response: httpx2.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = response.text
    message = body.get("message") if isinstance(body, dict) else body
    return f": {_short(str(message))}" if message else ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 1] + "…"


def _in_chain(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def exposed(spec: dict[str, Any], extra_operations: Collection[str] = ()) -> list[str]:
    """The operation ids a server built from ``spec`` exposes: its GET operations and the extra ones."""
    return [name for name, method in operations(spec).items() if method == "GET" or name in set(extra_operations)]


def jobs_api_system(spec: dict[str, Any], extra_operations: Collection[str] = ()) -> ToolSystem:
    """The jobs API's tools as the server built from ``spec`` names them: its GET operations and the extra ones."""
    return replace(JOBS_API, tools=tuple(exposed(spec, extra_operations)))


def first_server(spec: dict[str, Any]) -> str:
    """The spec's first server URL, when it is a plain URL (no ``{variables}``).

    Raises:
        SpecError: The spec names no such server.
    """
    servers = spec.get("servers") or [{}]
    url = servers[0].get("url") if isinstance(servers[0], dict) else None
    if not url or "{" in str(url):
        raise SpecError("no jobs API base URL: the spec names no plain server URL")
    return str(url)


def start_in_process(server: FastMCP, *, startup_timeout: int = 30) -> MCPClient:
    """A started Strands MCP client connected to ``server`` inside this process.

    Client and server exchange MCP's JSON-RPC messages over in-memory streams, in one session: no socket, no HTTP
    layer between them (an in-process streamable HTTP app would cost each call a Starlette request and a
    ``tools/list`` of its own, and halve the calls a runbook's parallel steps get through). Start it once per
    cold start; it serves every investigation after that.
    """

    @asynccontextmanager
    async def transport() -> AsyncIterator[Any]:
        async with _serving(server) as streams:
            yield streams

    client = MCPClient(transport, startup_timeout=startup_timeout)
    client.start()
    return client


@asynccontextmanager
async def _serving(server: FastMCP) -> AsyncIterator[Any]:
    """The client's ends of a pair of memory streams that ``server`` serves, within its lifespan.

    As fastmcp's own in-memory client transport does, this drives the server's low-level MCP server.
    """
    lowlevel = server._mcp_server
    async with (
        server._lifespan_manager(),
        create_client_server_memory_streams() as (client_streams, server_streams),
        anyio.create_task_group() as serving,
    ):
        options = lowlevel.create_initialization_options()
        serving.start_soon(lambda: lowlevel.run(*server_streams, options))
        try:
            yield client_streams
        finally:
            serving.cancel_scope.cancel()
