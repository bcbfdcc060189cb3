"""The limits of one investigation, kept apart from the agent so that reading them does not import Strands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """Limits of one investigation."""

    max_turns: int = 8
    max_total_tokens: int = 60_000
    timeout_seconds: float = 240.0


def explain_budget(budget: Budget) -> Budget:
    """The budget of a model that only explains a reached verdict: one answer, no tool turns."""
    return Budget(max_turns=2, max_total_tokens=min(budget.max_total_tokens, 20_000),
                  timeout_seconds=min(budget.timeout_seconds, 60.0))
