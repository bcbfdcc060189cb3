"""The allowlist hook: every tool call is checked before it runs (deny by default) and measured after."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from strands.hooks import AfterToolCallEvent, BeforeToolCallEvent, HookProvider, HookRegistry

from app.models import BlockedCall, ToolCall
from tools.registry import ToolCheck, result_text

logger = logging.getLogger(__name__)


@dataclass
class ToolGuard(HookProvider):
    """Lets through only allowlisted tools whose arguments pass their check; records what it blocked.

    ``checks`` maps a tool name to a function that returns a reason to refuse the call's arguments, or None.
    """

    allowed: frozenset[str]
    clean: Callable[[str], str] = field(default=lambda text: text)
    checks: dict[str, ToolCheck] = field(default_factory=dict)
    unrecorded: frozenset[str] = frozenset()
    blocked: list[BlockedCall] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        """Attach to the agent's tool-call events."""
        registry.add_callback(BeforeToolCallEvent, self.before_tool_call)
        registry.add_callback(AfterToolCallEvent, self.after_tool_call)

    def before_tool_call(self, event: BeforeToolCallEvent) -> None:
        """Cancel the call unless the tool is allowed and its arguments pass."""
        name = str(event.tool_use.get("name", ""))
        args = event.tool_use.get("input") or {}
        args = args if isinstance(args, dict) else {"input": args}
        reason = self.refusal(name, args)
        if reason is None:
            return
        with self._lock:
            self.blocked.append(BlockedCall(tool=name, input=args, reason=reason))
        logger.warning("blocked tool call %s: %s", name, reason)
        event.cancel_tool = f"Blocked by policy: {reason}. Nothing was executed. Use another read-only tool."

    def refusal(self, name: str, args: dict[str, Any]) -> str | None:
        """Why a call must not run, or None when it may."""
        if name not in self.allowed:
            return f"tool {name!r} is not on the allowlist"
        check = self.checks.get(name)
        if check is None:
            return None
        try:
            return check(name, args)
        except Exception as exc:  # deny by default: arguments a check cannot read are refused, never a crash
            return f"{name}: malformed arguments ({type(exc).__name__})"

    def after_tool_call(self, event: AfterToolCallEvent) -> None:
        """Redact and cap what the tool returned before the model sees it; record its size and duration."""
        if event.cancel_message is not None or event.tool_use.get("name") in self.unrecorded:
            return
        text = self.clean(result_text(event.result))
        result = event.result
        event.result = {"toolUseId": result["toolUseId"], "status": result["status"], "content": [{"text": text}]}
        record = ToolCall(
            tool=str(event.tool_use.get("name", "")),
            status=str(event.result.get("status")),
            duration_ms=round((event.duration or 0.0) * 1000, 1),
            result_chars=len(text),
        )
        with self._lock:
            self.calls.append(record)
