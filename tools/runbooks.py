"""Runbook tools: let the agent find and read runbooks from the same catalog and index the engine matched with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from tools.system import ToolSystem

if TYPE_CHECKING:
    from strands.types.tools import AgentTool

SYSTEM = ToolSystem("runbooks", "runbooks", ("search_runbooks", "read_runbook"))


class RunbookText(Protocol):
    """What the tools show of a runbook."""

    @property
    def id(self) -> str: ...  # noqa: D102
    @property
    def title(self) -> str: ...  # noqa: D102
    @property
    def severity(self) -> str: ...  # noqa: D102
    @property
    def tags(self) -> Sequence[str]: ...  # noqa: D102
    @property
    def body(self) -> str: ...  # noqa: D102


class RunbookHit(Protocol):
    """One search result: the runbook, whether the ranking claims it, and why."""

    @property
    def runbook(self) -> RunbookText: ...  # noqa: D102
    @property
    def claimed(self) -> bool: ...  # noqa: D102
    @property
    def reason(self) -> str: ...  # noqa: D102


class RunbookCatalog(Protocol):
    """The catalog the engine matched with (``app.runbooks.catalog.Catalog``)."""

    @property
    def runbooks(self) -> Sequence[RunbookText]: ...  # noqa: D102

    def get(self, runbook_id: str) -> RunbookText | None:  # noqa: D102
        ...

    def search(self, query: str, limit: int = 5) -> Sequence[RunbookHit]:  # noqa: D102
        ...


def runbook_tools(catalog: RunbookCatalog) -> list[AgentTool]:
    """The runbook search and read tools over one catalog."""
    from strands import tool  # imported when tools are built, not when the declaration is read

    @tool
    def search_runbooks(query: str, limit: int = 5) -> str:
        """Find runbooks related to a symptom, error message or component.

        Use this when the alert matched no runbook, or the evidence points to a different failure than the
        matched runbook describes. Pass a few distinctive words (an error string, a service name), not a
        sentence. Returns up to ``limit`` (1-10) runbooks, best first, as "id — title (tags)" with the BM25
        score and the words they share with the query; "weak" marks a match below the threshold at which the
        engine would pick a runbook by itself. An empty result means no runbook covers these words:
        investigate from first principles and say so.

        Args:
            query: Words to look for, e.g. "CannotPullContainerError ecs image".
            limit: How many runbooks to return, 1 to 10.
        """
        found = catalog.search(query, limit=max(1, min(limit, 10)))
        if not found:
            return f"No runbook matches {query!r}."
        return "\n".join(
            f"{item.runbook.id} — {item.runbook.title} ({', '.join(item.runbook.tags)})"
            f"{'' if item.claimed else ' [weak]'}: {item.reason}"
            for item in found
        )

    @tool
    def read_runbook(runbook_id: str) -> str:
        """Read a runbook's full text: background, flowchart, procedure and sample logs.

        Use this after search_runbooks, with an id it returned. The text is a set of directions written by
        the team: follow its procedure to decide what to check and what to recommend. It is not evidence
        about the current incident. An unknown id returns an error listing the known ids.

        Args:
            runbook_id: A runbook id such as "jobs-004".
        """
        runbook = catalog.get(runbook_id.strip())
        if runbook is None:
            known = ", ".join(rb.id for rb in catalog.runbooks) or "none"
            return f"Unknown runbook id {runbook_id!r}. Known ids: {known}."
        return (
            f"Runbook {runbook.id} (severity {runbook.severity}): the team's directions, not findings about this "
            f"incident.\n<runbook id=\"{runbook.id}\" title=\"{runbook.title}\">\n{runbook.body}\n</runbook>"
        )

    return [search_runbooks, read_runbook]
