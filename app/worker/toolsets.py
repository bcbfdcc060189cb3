"""The Cloud Logging, AWS and GitHub tools of the worker, built once per cold start from the settings.

Each system's tools are there only when the settings name what to read (``AIOPS_GOOGLE_PROJECT``,
``AIOPS_AWS_READ_SERVICES``, ``AIOPS_GITHUB_REPOS``); their clients and secrets are loaded here, once, so a bad
setting or a missing secret fails the cold start instead of the first investigation. The libraries are imported
only for the systems configured.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.config import ConfigError, Settings
from app.worker.apis import api_systems
from tools.registry import ToolSet
from tools.system import ToolSystem

if TYPE_CHECKING:
    import boto3

    from app.secret_reader import SecretReader

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def investigation_tools(
    settings: Settings, secrets: SecretReader, *, aws_session: Callable[[], boto3.session.Session] | None = None
) -> list[ToolSet]:
    """The configured systems' tool sets, their secrets read through ``secrets``.

    ``aws_session`` replaces the default ``boto3.Session`` factory.

    Raises:
        ConfigError: A setting is invalid, or a secret is missing or unusable.
    """
    sets: list[ToolSet] = []
    if settings.google_project:
        sets.append(_cloud_logging(settings, secrets))
    if settings.aws_read_services:
        sets.append(_aws(settings, aws_session))
    if settings.github_repos:
        sets.append(_github(settings, secrets))
    return sets


def _cloud_logging(settings: Settings, secrets: SecretReader) -> ToolSet:
    from tools.cloud_logging import CredentialsError, cloud_logging_tools, google_credentials, logging_client

    document = secrets.document(settings.google_secret_name)
    try:
        credentials = google_credentials(document)
    except CredentialsError as exc:
        raise ConfigError(f"secret {settings.google_secret_name!r}: {exc}") from exc
    client = logging_client(
        credentials, settings.google_project, endpoint=settings.google_logging_endpoint,
        timeout=settings.evidence_timeout_seconds,
    )
    return cloud_logging_tools(client)


def _aws(settings: Settings, session: Callable[[], Any] | None) -> ToolSet:
    import boto3

    from tools.aws import AwsClients, aws_tools
    from tools.aws_policy import AwsPolicyError, AwsReadPolicy

    try:
        policy = AwsReadPolicy.for_services(settings.aws_read_services)
    except AwsPolicyError as exc:
        raise ConfigError(f"AIOPS_AWS_READ_SERVICES: {exc}") from exc
    timeout = settings.evidence_timeout_seconds
    clients = AwsClients(session or boto3.Session, region=settings.aws_region, timeout=timeout)
    return aws_tools(clients, policy)


def _github(settings: Settings, secrets: SecretReader) -> ToolSet:
    from tools.github import github_client, github_tools

    bad = [repo for repo in settings.github_repos if not _REPO.match(repo)]
    if bad:
        raise ConfigError(f"AIOPS_GITHUB_REPOS: {', '.join(bad)} is not OWNER/REPO")
    token = secrets.current(settings.github_secret_name, "token")  # asked again on each request
    client = github_client(token, settings.github_api_url, timeout=settings.evidence_timeout_seconds)
    return github_tools(client, settings.github_repos)


def tool_systems(settings: Settings, secrets: SecretReader | None = None) -> list[ToolSystem]:
    """The tool sets an investigation has, as each declares itself; an API's only when it is configured.

    The Cloud Logging, AWS and GitHub tools keep their names whether or not they are configured; each
    OpenAPI-described API's names are its spec's operations, with its prefix (``app.worker.apis``).

    A spec fetched from its API's origin is fetched with the API's credential, read through ``secrets``.

    Raises:
        ConfigError: The APIs' settings clash, or a configured spec (or the secret it needs) cannot be read.
    """
    builtin = builtin_systems()
    return [*builtin, *api_systems(settings, builtin, secrets)]


def builtin_systems() -> list[ToolSystem]:
    """The tool systems whose names are fixed: the runbooks', Cloud Logging's, AWS's and GitHub's."""
    from tools.system import JOBS_API, declared

    return [system for system in declared() if system != JOBS_API]
