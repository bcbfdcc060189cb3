"""The jobs API's tools from the settings: the OpenAPI spec, its base URL and the token secret (``AIOPS_JOBS_API_*``).

``tools.openapi_mcp`` (fastmcp, mcp) is imported only when a spec is configured, and the server is built once per
cold start by the worker's composition (``app.worker.handler``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.config import ConfigError, Settings

if TYPE_CHECKING:
    import httpx
    import httpx2
    from fastmcp import FastMCP
    from strands.types.tools import AgentTool

    from app.secret_reader import SecretReader
    from tools.system import ToolSystem


def configured_spec(settings: Settings, *, http: httpx.Client | None = None) -> dict[str, Any]:
    """The configured OpenAPI document (fetched through ``http`` when given, e.g. with the API's credential).

    Raises:
        ConfigError: No spec is configured, or it cannot be read or is not OpenAPI 3.
    """
    from tools.openapi_mcp import SpecError, load_spec

    if not settings.jobs_api_spec:
        raise ConfigError("no jobs API spec configured: set AIOPS_JOBS_API_SPEC to a path or URL")
    try:
        return load_spec(settings.jobs_api_spec, http=http)
    except SpecError as exc:
        raise ConfigError(str(exc)) from exc


def jobs_api_system(settings: Settings) -> ToolSystem | None:
    """The jobs API's tool names as the configured spec defines them; None when no spec is configured.

    Raises:
        ConfigError: The spec cannot be read.
    """
    if not settings.jobs_api_spec:
        return None
    from tools.openapi_mcp import jobs_api_system as system_of

    return system_of(configured_spec(settings), settings.jobs_api_extra_operations)


def server_from_settings(
    settings: Settings, secrets: SecretReader, *, transport: httpx2.AsyncBaseTransport | None = None
) -> FastMCP:
    """The jobs API server from ``AIOPS_JOBS_API_*``; the token comes from the secret, read through ``secrets``.

    Raises:
        ConfigError: No spec is configured, the spec or the secret cannot be loaded, no base URL is known, or an
            extra operation is not in the spec.
    """
    import httpx

    from tools.api_auth import auth_headers, same_origin
    from tools.openapi_mcp import HTTP_TIMEOUT_SECONDS, SpecError, api_client, build_server, first_server

    if not settings.jobs_api_spec:
        raise ConfigError("no jobs API spec configured: set AIOPS_JOBS_API_SPEC to a path or URL")
    secret = secrets.values(settings.jobs_api_secret_name, required=("token",))
    with httpx.Client(headers=auth_headers(secret), timeout=HTTP_TIMEOUT_SECONDS) as authed:
        own = settings.jobs_api_base_url and same_origin(settings.jobs_api_spec, settings.jobs_api_base_url)
        spec = configured_spec(settings, http=authed if own else None)  # the key stays on its host
    try:
        base_url = settings.jobs_api_base_url or first_server(spec)
    except SpecError as exc:
        message = "no jobs API base URL: set AIOPS_JOBS_API_BASE_URL (the spec names no plain server URL)"
        raise ConfigError(message) from exc
    client = api_client(base_url, secret["token"], header=secret.get("header", ""), transport=transport)
    try:
        return build_server(spec, client, extra_operations=settings.jobs_api_extra_operations)
    except SpecError as exc:
        raise ConfigError(str(exc)) from exc


def jobs_api_tools(settings: Settings, secrets: SecretReader) -> list[AgentTool]:
    """The jobs API's tools for the agent and the evidence steps, served in process; none without a spec.

    Raises:
        ConfigError: The jobs API is configured but cannot be set up.
    """
    if not settings.jobs_api_spec:
        return []
    from tools.openapi_mcp import start_in_process

    client = start_in_process(server_from_settings(settings, secrets))
    return list(client.list_tools_sync())
