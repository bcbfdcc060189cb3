"""Run one investigation with a Strands Agent inside its turn, token and wall-clock budget."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strands import Agent
from strands.agent import AgentResult
from strands.hooks import HookProvider
from strands.models import Model
from strands.types.exceptions import StructuredOutputException

from app.agent.budget import Budget
from app.agent.guard import ToolGuard
from app.models import BlockedCall, Decision, ToolCall, TriageReport, Usage
from tools.registry import ToolRegistry

logger = logging.getLogger(__name__)

_STOP_NOTES = {
    "limit_turns": "stopped at the turn limit",
    "limit_total_tokens": "stopped at the token budget",
    "limit_output_tokens": "stopped at the output token budget",
    "cancelled": "stopped at the wall-clock limit",
}


@dataclass
class AgentOutcome:
    """What the agent produced and what it cost."""

    report: TriageReport
    usage: Usage
    blocked: list[BlockedCall] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)
    note: str = ""


def system_prompt() -> str:
    """The system prompt shipped with the package."""
    return (Path(__file__).parent.parent / "prompts" / "system.md").read_text(encoding="utf-8")


def run_agent(
    model: Model, registry: ToolRegistry, prompt: str, budget: Budget, observers: Sequence[HookProvider] = ()
) -> AgentOutcome:
    """Investigate with a fresh agent; budgets end the loop gracefully and the outcome says so.

    ``observers`` are extra hooks that watch the run (progress); the guard always runs first.
    """
    report_tool = TriageReport.__name__  # Strands' structured-output tool
    guard = ToolGuard(
        allowed=frozenset([*registry.names(), report_tool]),
        clean=registry.clean,
        checks=registry.checks,
        unrecorded=frozenset([report_tool]),
    )
    agent = Agent(
        model=model,
        tools=list[Any](registry.agent_tools()),
        system_prompt=system_prompt(),
        hooks=[guard, *observers],
        callback_handler=None,
    )
    cancel = threading.Event()
    timer = threading.Timer(budget.timeout_seconds, cancel.set)
    timer.daemon = True
    started = time.perf_counter()
    timer.start()
    result: AgentResult | None = None
    note = ""
    try:
        result = agent(
            prompt,
            structured_output_model=TriageReport,
            limits={"turns": budget.max_turns, "total_tokens": budget.max_total_tokens},
            cancel_signal=cancel,
        )
    except StructuredOutputException as exc:
        note = f"the model did not return a structured report ({exc})"
    finally:
        timer.cancel()
    latency_ms = (time.perf_counter() - started) * 1000
    stop_reason = result.stop_reason if result is not None else "no_structured_output"
    report = result.structured_output if result is not None else None
    if not isinstance(report, TriageReport):
        note = note or _STOP_NOTES.get(stop_reason, f"ended without a report ({stop_reason})")
        report = _fallback_report(agent, note)
    usage = _usage(agent, guard, stop_reason, latency_ms)
    logger.info("agent finished stop_reason=%s tokens=%s turns=%s", stop_reason, usage.total_tokens, usage.turns)
    return AgentOutcome(report=report, usage=usage, blocked=list(guard.blocked), calls=list(guard.calls), note=note)


def _usage(agent: Agent, guard: ToolGuard, stop_reason: str, latency_ms: float) -> Usage:
    metrics = agent.event_loop_metrics
    tokens = metrics.accumulated_usage
    return Usage(
        input_tokens=int(tokens.get("inputTokens", 0)),
        output_tokens=int(tokens.get("outputTokens", 0)),
        total_tokens=int(tokens.get("totalTokens", 0)),
        turns=metrics.cycle_count,
        tool_calls=len(guard.calls) + len(guard.blocked),
        latency_ms=round(latency_ms, 1),
        stop_reason=stop_reason,
    )


def _fallback_report(agent: Agent, note: str) -> TriageReport:
    """A report from the model's last words when it gave no structured report."""
    text = ""
    for message in reversed(agent.messages):
        if message.get("role") != "assistant":
            continue
        text = "\n".join(str(block["text"]) for block in message.get("content", []) if "text" in block).strip()
        if text:
            break
    return TriageReport(
        title="Investigation incomplete",
        cause=text or f"The investigation {note} before reaching a conclusion.",
        findings=[],
        recommended_action="Review the evidence collected below and continue the runbook procedure by hand.",
        decision=Decision.UNKNOWN,
        confidence="low",
    )
