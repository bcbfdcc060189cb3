"""The OpenAPI-described APIs' tools from the settings: each API's spec read once, its MCP server built once.

``configured_apis`` lists the jobs API of ``AIOPS_JOBS_API_*`` and the entries of ``AIOPS_APIS``, and refuses two
APIs whose tool prefixes overlap. ``tools.openapi_mcp`` (fastmcp, mcp) is imported only when an API is configured.
The spec is fetched with the API's credential only when it lives on the API's own origin, so the key never goes to
another host.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.api_settings import ApiSettings
from app.config import ConfigError, Settings
from tools.registry import ToolSet

if TYPE_CHECKING:
    import httpx
    import httpx2
    from fastmcp import FastMCP

    from app.secret_reader import SecretReader
    from tools.system import ToolSystem


def configured_apis(settings: Settings, builtin: Sequence[ToolSystem] = ()) -> tuple[ApiSettings, ...]:
    """The jobs API (when ``AIOPS_JOBS_API_SPEC`` is set) and the ``AIOPS_APIS`` entries, checked against each other.

    ``builtin`` are the other tool systems (``aws``…): no API's prefix may overlap their names or their keys' prefix
    (``aws_``). The worker leaves them out (their modules are slow to import); ``aiops runbooks check`` and the
    deploy configuration's validation pass them.

    Raises:
        ConfigError: Two APIs share a name, or their prefixes overlap each other or a built-in tool's name.
    """
    apis = (*_jobs_api(settings), *settings.apis)
    if not apis:
        return ()
    names = [api.name for api in apis]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ConfigError(f"AIOPS_APIS: API {', '.join(twice)} is configured twice (AIOPS_JOBS_API_SPEC is 'jobs')")
    for index, api in enumerate(apis):
        for other in apis[index + 1:]:
            if api.prefix and other.prefix and _overlap(api.prefix, other.prefix):
                raise ConfigError(
                    f"AIOPS_APIS: the tool prefixes of {other.name} ({other.prefix}) and {api.name} ({api.prefix}) "
                    "overlap, so a tool name could belong to either; give each API a prefix of its own"
                )
        clash = [reserved for reserved in _reserved(builtin) if api.prefix and _overlap(api.prefix, reserved)]
        if clash:
            raise ConfigError(f"AIOPS_APIS: the tool prefix {api.prefix} of {api.name} overlaps built-in {clash[0]}")
    return apis


def _reserved(builtin: Sequence[ToolSystem]) -> list[str]:
    """The built-in tools' names and their systems' prefixes (``aws_``), which no API's prefix may overlap."""
    return [name for system in builtin for name in (f"{system.key}_", *system.tools)]


def check_tool_names(
    apis: Sequence[ApiSettings], systems: Sequence[ToolSystem], builtin: Sequence[ToolSystem] = ()
) -> None:
    """Each tool name belongs to one API: none in two APIs, none a built-in's, none starting with another's prefix.

    Raises:
        ConfigError: A tool name is claimed twice.
    """
    owner = {name: "built-in tools" for system in builtin for name in system.tools}
    for api, system in zip(apis, systems, strict=True):
        for name in system.tools:
            claimed = owner.get(name) or next((f"{other.name} API (prefix {other.prefix})" for other in apis
                                               if other is not api and other.prefix
                                               and name.startswith(other.prefix)), None)
            if claimed:
                raise ConfigError(f"AIOPS_APIS: tool {name} of the {api.name} API is also {claimed}'s; "
                                  "give the API a prefix of its own")
            owner[name] = f"the {api.name} API"


def _overlap(first: str, second: str) -> bool:
    return first.startswith(second) or second.startswith(first)


def _jobs_api(settings: Settings) -> tuple[ApiSettings, ...]:
    from app.worker.jobs_api import jobs_api

    return (jobs_api(settings),) if settings.jobs_api_spec else ()


def api_spec(api: ApiSettings, *, http: httpx.Client | None = None) -> dict[str, Any]:
    """The API's OpenAPI document (fetched through ``http`` when given, e.g. with the API's credential).

    Raises:
        ConfigError: The spec cannot be read or fetched, or is not OpenAPI 3; the message names the API.
    """
    from tools.openapi_mcp import SpecError, load_spec

    try:
        return load_spec(api.spec_location(), http=http)
    except SpecError as exc:
        hint = "" if api.base_url or not api.spec.startswith("http") else (
            "; a spec on the API's own host is fetched with its credential once the base URL is set"
        )
        raise ConfigError(f"{api.system.label}: {exc}{hint}") from exc


def api_system(api: ApiSettings, spec: dict[str, Any]) -> ToolSystem:
    """The API's tool system: the names of the tools a server built from ``spec`` has."""
    from dataclasses import replace

    from tools.openapi_mcp import exposed

    return replace(api.system, tools=tuple(api.tool_name(name) for name in exposed(spec, api.extra_operations)))


def api_systems(
    settings: Settings, builtin: Sequence[ToolSystem] = (), secrets: SecretReader | None = None
) -> list[ToolSystem]:
    """Every configured API's tool system (their specs are read here), for ``aiops runbooks check``.

    A spec on its API's origin is fetched with the API's credential, read through ``secrets`` (by default the
    settings' reader, built only then).

    Raises:
        ConfigError: The APIs' settings clash (with each other or with ``builtin``), or a spec or a needed secret
            cannot be read.
    """
    systems, apis = [], configured_apis(settings, builtin)
    for api in apis:
        secret = None
        if _own_origin(api):
            from app.secret_reader import secret_reader

            secret = (secrets or secret_reader(settings)).values(api.secret_name, required=("token",))
        systems.append(api_system(api, _spec_with(api, secret)))
    check_tool_names(apis, systems, builtin)
    return systems


def _own_origin(api: ApiSettings) -> bool:
    """Whether the spec is fetched from the API's own origin, and so with its credential."""
    from tools.api_auth import same_origin

    return bool(api.base_url) and same_origin(api.spec, api.base_url)


def _spec_with(api: ApiSettings, secret: dict[str, str] | None) -> dict[str, Any]:
    if secret is None:
        return api_spec(api)
    import httpx

    from tools.api_auth import auth_headers
    from tools.openapi_mcp import HTTP_TIMEOUT_SECONDS

    with httpx.Client(headers=auth_headers(secret), timeout=HTTP_TIMEOUT_SECONDS) as authed:
        return api_spec(api, http=authed)


def api_server(
    settings: Settings, api: ApiSettings, secrets: SecretReader, *, transport: httpx2.AsyncBaseTransport | None = None
) -> FastMCP:
    """The API's MCP server; its secret is read through ``secrets`` here, once, and its spec read once.

    Raises:
        ConfigError: The spec or the secret cannot be loaded, no base URL is known, or an extra operation is not in
            the spec.
    """
    return _built(settings, api, secrets, transport)[0]


def _built(
    settings: Settings, api: ApiSettings, secrets: SecretReader, transport: httpx2.AsyncBaseTransport | None = None
) -> tuple[FastMCP, ToolSystem]:
    """The API's MCP server and its tool system (the names of the server's tools)."""
    from tools.openapi_mcp import SpecError, api_client, build_server

    secret, spec, base_url = _endpoint(api, secrets)
    client = api_client(base_url, secret["token"], header=secret.get("header", ""), transport=transport)
    names = {operation: api.tool_name(operation) for operation in _operations(spec)}
    try:
        server = build_server(spec, client, extra_operations=api.extra_operations, name=f"{api.name}-api",
                              tool_names=names, label=api.system.label)
        return server, api_system(api, spec)
    except SpecError as exc:
        raise ConfigError(f"{api.system.label}: {exc}") from exc


def _endpoint(api: ApiSettings, secrets: SecretReader) -> tuple[dict[str, str], dict[str, Any], str]:
    """The API's credential (read through ``secrets``), its spec (fetched with it on its own origin), its base URL.

    Raises:
        ConfigError: The secret or the spec cannot be read, or no base URL is known.
    """
    from tools.openapi_mcp import SpecError, first_server

    secret = secrets.values(api.secret_name, required=("token",))
    spec = _spec_with(api, secret if _own_origin(api) else None)
    try:
        return secret, spec, api.base_url or first_server(spec)
    except SpecError as exc:
        setting = "AIOPS_JOBS_API_BASE_URL" if api.name == "jobs" else f"base_url of {api.name} in AIOPS_APIS"
        message = f"no {api.system.label} base URL: set {setting} (the spec names no plain server URL)"
        raise ConfigError(message) from exc


def api_writer(api: ApiSettings, secrets: SecretReader, *, timeout: float) -> tuple[dict[str, Any], httpx.Client]:
    """The API's spec and an HTTP client for its writes, with its base URL and its credential (bearer or header).

    Raises:
        ConfigError: The spec or the secret cannot be read, or no base URL is known.
    """
    import httpx

    from tools.api_auth import auth_headers

    secret, spec, base_url = _endpoint(api, secrets)
    headers = {**auth_headers(secret), "Accept": "application/json"}
    return spec, httpx.Client(base_url=base_url, timeout=timeout, headers=headers)


def _operations(spec: dict[str, Any]) -> list[str]:
    from tools.openapi_mcp import operations

    return list(operations(spec))


def api_tool_sets(settings: Settings, secrets: SecretReader) -> list[ToolSet]:
    """One tool set per configured API, each served by its own in-process MCP server; none without an API.

    Their secrets are read through ``secrets``.

    Raises:
        ConfigError: An API is configured but cannot be set up.
    """
    apis = configured_apis(settings)
    if not apis:
        return []
    from tools.openapi_mcp import start_in_process

    built = [_built(settings, api, secrets) for api in apis]  # every API checked before a client starts
    check_tool_names(apis, [system for _, system in built])
    return [ToolSet(list(start_in_process(server).list_tools_sync()), label=system.label) for server, system in built]
