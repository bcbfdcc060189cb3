"""The tools the agent and the evidence steps share, called the same way by both."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tools.budget import cap_text
from tools.data import jsonable, redact_data
from tools.redact import redact

if TYPE_CHECKING:
    from strands.types.tools import AgentTool, ToolResult

ToolCheck = Callable[[str, dict[str, Any]], "str | None"]
"""Given a tool name and its arguments: the reason to refuse the call, or None to let it run."""


@dataclass(frozen=True)
class ToolSet:
    """Tools for one external system, with the argument checks that must pass before any of them runs."""

    tools: list[AgentTool]
    checks: dict[str, ToolCheck] = field(default_factory=dict)
    label: str = ""  # what people call the system, for progress lines (tools.system.ToolSystem.label)


def error_result(text: str) -> dict[str, Any]:
    """A tool result with status ``error``: an expected failure told in a few words the model can act on."""
    return {"status": "error", "content": [{"text": text}]}


@dataclass(frozen=True)
class ToolOutcome:
    """The text a tool returned (capped and redacted), whether it succeeded, and its data (redacted JSON, or None)."""

    status: Literal["ok", "error"]
    text: str
    duration_ms: float
    data: Any = None


class UnknownToolError(Exception):
    """No tool of that name is registered."""


class ToolRegistry:
    """Named read-only tools: given to the agent as they are, and called directly by evidence steps.

    ``checks`` map a tool name to its argument check; the agent's guard and the evidence steps both apply
    them before a call runs. Results are capped at ``result_max_chars`` characters and ``result_max_tokens``
    estimated tokens (a quarter of the characters unless given).
    """

    def __init__(
        self,
        tools: Iterable[AgentTool],
        *,
        result_max_chars: int = 8000,
        result_max_tokens: int | None = None,
        checks: dict[str, ToolCheck] | None = None,
    ) -> None:
        self._tools = {tool.tool_name: tool for tool in tools}
        self.result_max_chars = result_max_chars
        self.result_max_tokens = result_max_tokens or max(result_max_chars // 4, 1)
        self.checks = dict(checks or {})
        self.labels: dict[str, str] = {}

    @classmethod
    def from_sets(cls, sets: Iterable[ToolSet], **limits: Any) -> ToolRegistry:
        """One registry over several tool sets, their checks merged."""
        sets = list(sets)
        checks = {name: check for item in sets for name, check in item.checks.items()}
        registry = cls([tool for item in sets for tool in item.tools], checks=checks, **limits)
        registry.labels = {tool.tool_name: item.label for item in sets if item.label for tool in item.tools}
        return registry

    def names(self) -> list[str]:
        """Registered tool names, sorted."""
        return sorted(self._tools)

    def agent_tools(self) -> list[AgentTool]:
        """The tools in the form a Strands Agent takes."""
        return list(self._tools.values())

    def label(self, name: str) -> str:
        """What people call the system a tool reads (its tool set's label), or the tool's name."""
        return self.labels.get(name, name)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def refusal(self, name: str, args: dict[str, Any]) -> str | None:
        """Why the arguments must not be passed to the tool (its check's reason), or None."""
        check = self.checks.get(name)
        return check(name, args) if check else None

    async def call(self, name: str, args: dict[str, Any]) -> ToolOutcome:
        """Run one tool through its Strands interface; the result is redacted and capped.

        Raises:
            UnknownToolError: No such tool.
        """
        tool = self._tools.get(name)
        if tool is None:
            raise UnknownToolError(f"unknown tool {name!r}; known tools: {', '.join(self.names())}")
        started = time.perf_counter()
        result: ToolResult | None = None
        tool_use = {"toolUseId": f"evidence-{uuid.uuid4().hex[:8]}", "name": name, "input": args}
        async for event in tool.stream(tool_use, {}):  # type: ignore[arg-type]
            result = _as_result(event) or result
        duration = (time.perf_counter() - started) * 1000
        if result is None:
            return ToolOutcome("error", f"{name} returned no result", duration)
        text = self.clean(result_text(result))
        ok = result.get("status") == "success"
        data = redact_data(jsonable(raw)) if ok and (raw := result_data(result)) is not None else None
        return ToolOutcome("ok" if ok else "error", text, duration, data)

    def clean(self, text: str) -> str:
        """Redact, then cap, a tool's text."""
        return cap_text(redact(text), self.result_max_chars, max_tokens=self.result_max_tokens)


def result_text(result: ToolResult) -> str:
    """The text content of a tool result; JSON parts are rendered as text only when there is no text part."""
    blocks = list(result.get("content", []))
    texts = [str(block["text"]) for block in blocks if "text" in block]
    if texts:
        return "\n".join(texts)
    return "\n".join(json.dumps(block["json"], default=str, ensure_ascii=False) for block in blocks if "json" in block)


def result_data(result: ToolResult) -> Any:
    """The data behind a tool result: its MCP structured content, else its first JSON part, else None."""
    structured = result.get("structuredContent")
    if structured is not None:
        return structured
    for block in result.get("content", []):
        if "json" in block:
            return block["json"]
    return None


def _as_result(event: Any) -> ToolResult | None:
    if isinstance(event, dict) and "tool_result" in event:
        return event["tool_result"]  # type: ignore[no-any-return]
    if isinstance(event, dict) and "toolUseId" in event and "content" in event:
        return event  # type: ignore[return-value]
    return None
