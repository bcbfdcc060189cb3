"""The estimated cost of an investigation: its tokens at the configured prices."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Usage


@dataclass(frozen=True)
class Prices:
    """US dollars per million input and output tokens."""

    input_per_mtok: float = 0.0
    output_per_mtok: float = 0.0


def estimate_cost(usage: Usage, prices: Prices) -> float:
    """Dollars for the usage; tokens not split into input and output are priced as input."""
    unsplit = max(usage.total_tokens - usage.input_tokens - usage.output_tokens, 0)
    dollars = (usage.input_tokens + unsplit) * prices.input_per_mtok + usage.output_tokens * prices.output_per_mtok
    return round(dollars / 1_000_000, 6)
