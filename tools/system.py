"""What one external system's tools are: their names, the label people know the system by, the credential they use.

Each tool module declares its system once (``SYSTEM``, or for the jobs API a function of the configured spec); the
worker's progress lines, ``aiops runbooks check``, the deployed secrets and the tests read the names from there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ToolSystem:
    """One external system's tools.

    Attributes:
        key: The system's name in settings and fakes (``cloud_logging``).
        label: What people call it in progress lines (``Cloud Logging``).
        tools: The names of its tools, as the agent and runbook evidence steps use them.
        credential: The credential set its secret holds (``google``: ``aiops/google``); empty when it needs none.
    """

    key: str
    label: str
    tools: tuple[str, ...]
    credential: str = ""


JOBS_API = ToolSystem("jobs_api", "jobs API", (), credential="jobs-api")
"""The jobs API without its tools: their names come from the configured spec (``tools.openapi_mcp.jobs_api_system``)."""


def declared() -> tuple[ToolSystem, ...]:
    """Every system the bot has tools for, as each declares itself (the jobs API without its spec's names).

    The fakes' backends, the evaluation scenarios' ``down`` values and the deployed functions' secrets are
    derived from these declarations; a new system is added here, in its module, its settings and its fake.
    """
    from tools.aws_policy import SYSTEM as AWS
    from tools.cloud_logging_system import SYSTEM as CLOUD_LOGGING
    from tools.github_system import SYSTEM as GITHUB
    from tools.runbooks import SYSTEM as RUNBOOKS

    return RUNBOOKS, CLOUD_LOGGING, AWS, GITHUB, JOBS_API


def with_credentials() -> tuple[ToolSystem, ...]:
    """The systems the bot reaches with a credential of its own (not the Lambda role): each has an HTTP fake."""
    return tuple(system for system in declared() if system.credential)


def labels(systems: tuple[ToolSystem, ...] | list[ToolSystem]) -> dict[str, str]:
    """Tool name → its system's label, over several systems."""
    return {name: system.label for system in systems for name in system.tools}
