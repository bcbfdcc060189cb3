"""The jobs API's tools from the settings: the OpenAPI spec, its base URL and the token secret (``AIOPS_JOBS_API_*``).

The jobs API is one of the configured APIs (``app.worker.apis``), named ``jobs``, its tools named by the operation
ids as they are (no prefix); these
functions are its single-API face, used by ``aiops mcp serve`` and the bench. ``tools.openapi_mcp`` (fastmcp, mcp)
is imported only when a spec is configured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.api_settings import ApiSettings
from app.config import ConfigError, Settings
from app.worker.apis import api_server, api_spec, api_system

if TYPE_CHECKING:
    import httpx
    import httpx2
    from fastmcp import FastMCP
    from strands.types.tools import AgentTool

    from app.secret_reader import SecretReader
    from tools.system import ToolSystem


def jobs_api(settings: Settings) -> ApiSettings:
    """The jobs API of ``AIOPS_JOBS_API_*`` as one configured API.

    Raises:
        ConfigError: No spec is configured.
    """
    if not settings.jobs_api_spec:
        raise ConfigError("no jobs API spec configured: set AIOPS_JOBS_API_SPEC to a path or URL")
    return ApiSettings(
        name="jobs", prefix="", spec=settings.jobs_api_spec, base_url=settings.jobs_api_base_url,
        secret_name=settings.jobs_api_secret_name, extra_operations=settings.jobs_api_extra_operations,
    )


def configured_spec(settings: Settings, *, http: httpx.Client | None = None) -> dict[str, Any]:
    """The configured OpenAPI document (fetched through ``http`` when given, e.g. with the API's credential).

    Raises:
        ConfigError: No spec is configured, or it cannot be read or is not OpenAPI 3.
    """
    return api_spec(jobs_api(settings), http=http)


def jobs_api_system(settings: Settings) -> ToolSystem | None:
    """The jobs API's tool names as the configured spec defines them; None when no spec is configured.

    Raises:
        ConfigError: The spec cannot be read.
    """
    if not settings.jobs_api_spec:
        return None
    api = jobs_api(settings)
    return api_system(api, api_spec(api))


def server_from_settings(
    settings: Settings, secrets: SecretReader, *, transport: httpx2.AsyncBaseTransport | None = None
) -> FastMCP:
    """The jobs API server from ``AIOPS_JOBS_API_*``; the token comes from the secret, read through ``secrets``.

    Raises:
        ConfigError: No spec is configured, the spec or the secret cannot be loaded, no base URL is known, or an
            extra operation is not in the spec.
    """
    return api_server(settings, jobs_api(settings), secrets, transport=transport)


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
