"""The limits of one investigation, kept apart from the agent so that reading them does not import Strands."""

from __future__ import annotations

from dataclasses import dataclass

from app.config import setting_default


@dataclass(frozen=True)
class Budget:
    """Limits of one investigation."""

    max_turns: int = setting_default("max_turns")
    max_total_tokens: int = setting_default("max_total_tokens")
    timeout_seconds: float = setting_default("timeout_seconds")


def explain_budget(budget: Budget) -> Budget:
    """The budget of a model that only explains a reached verdict: one answer, no tool turns."""
    return Budget(max_turns=2, max_total_tokens=min(budget.max_total_tokens, 20_000),
                  timeout_seconds=min(budget.timeout_seconds, 60.0))
