"""The agent's tool calls as progress lines: a Strands hook, imported only when a model runs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from strands.hooks import AfterToolCallEvent, BeforeToolCallEvent, HookProvider, HookRegistry

from app.slack.progress_lines import ToolEnd, agent_tool_end_line, agent_tool_line
from app.worker.progress import Labels, Progress

logger = logging.getLogger(__name__)


class AgentProgress(HookProvider):
    """Shows each tool call the agent makes as a progress line while it runs, then how it ended.

    Never raises into the agent loop: a failed progress update shows up at the final report instead.
    """

    def __init__(self, progress: Progress, hidden: frozenset[str] = frozenset(), label: Labels = str) -> None:
        self._progress = progress
        self._hidden = hidden
        self._label = label

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        """Watch the agent's tool calls (after the guard has decided on them)."""
        registry.add_callback(BeforeToolCallEvent, self._before)
        registry.add_callback(AfterToolCallEvent, self._after)

    def _before(self, event: BeforeToolCallEvent) -> None:
        name = str(event.tool_use.get("name", ""))
        if name not in self._hidden and not event.cancel_tool:
            self._show(event.tool_use, agent_tool_line(self._label(name), self._progress.language))

    def _after(self, event: AfterToolCallEvent) -> None:
        name = str(event.tool_use.get("name", ""))
        if name in self._hidden:
            return
        end: ToolEnd = "blocked" if event.cancel_message else (
            "ok" if event.result.get("status") == "success" else "error"
        )
        self._show(event.tool_use, agent_tool_end_line(self._label(name), end))

    def _show(self, tool_use: Mapping[str, Any], line: str) -> None:
        try:
            self._progress.show(f"agent:{tool_use.get('toolUseId')}", line)
        except Exception as exc:
            logger.warning("progress update during the agent run failed: %s", exc)
