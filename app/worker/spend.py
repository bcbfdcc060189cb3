"""The daily model budget: per workspace and, optionally, per channel, kept with atomic counters in the store.

Before the model runs, its worst case (the investigation's token budget, priced at the dearer rate) is reserved
against the day's counters; the reservation fails, and the reply is evidence-only, when it would pass a limit.
After the run the reservation is settled to what the run really used. Concurrent workers therefore never spend
past the budget together, and a run that was refused says why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.config import setting_default
from app.models import Job, Usage
from app.storage.claims import ClaimStore, Spend
from app.worker.cost import Prices, estimate_cost

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpendLimits:
    """Daily limits (0: none): ``AIOPS_DAILY_BUDGET_*`` per workspace, ``AIOPS_CHANNEL_DAILY_BUDGET_*`` per channel."""

    tokens: int = setting_default("daily_budget_tokens")
    usd: float = setting_default("daily_budget_usd")
    channel_tokens: int = setting_default("channel_daily_budget_tokens")
    channel_usd: float = setting_default("channel_daily_budget_usd")

    def workspace(self) -> Spend:
        """The workspace's limits."""
        return Spend(self.tokens, self.usd)

    def channel(self) -> Spend:
        """One channel's limits."""
        return Spend(self.channel_tokens, self.channel_usd)


@dataclass
class Hold:
    """A reservation for one model run, or the reason there is none."""

    granted: bool
    note: str = ""
    scopes: list[str] = field(default_factory=list)
    tokens: int = 0
    usd: float = 0.0
    store: ClaimStore | None = None
    limits: SpendLimits = field(default_factory=SpendLimits)
    prices: Prices = field(default_factory=Prices)

    def settle(self, usage: Usage) -> str:
        """Replace the reservation by what the run used; returns the day's spend for the footer."""
        if not self.granted or self.store is None or not self.scopes:
            return ""
        used_usd = estimate_cost(usage, self.prices)
        change = (usage.total_tokens - self.tokens, used_usd - self.usd)
        totals = [self.store.settle(scope, *change) for scope in self.scopes]
        return spend_text(totals[0], self.limits.workspace())


def scopes(job: Job, now: datetime | None = None) -> tuple[str, str]:
    """The counters a job spends against today: its workspace's and its channel's."""
    day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    team = job.team or "workspace"
    return f"{team}:{day}", f"{team}:{job.channel}:{day}"


def hold_budget(
    job: Job, store: ClaimStore | None, limits: SpendLimits, max_tokens: int, prices: Prices, model: object = True,
    now: datetime | None = None,
) -> Hold:
    """Reserve one model run's worst case against the day's budgets; a refused hold's note says why.

    Nothing is reserved when there is no model to run (``model`` is None) or no store to count in.
    """
    if store is None or model is None:
        return Hold(granted=True)
    tokens = max_tokens
    usd = round(max_tokens * max(prices.input_per_mtok, prices.output_per_mtok) / 1_000_000, 6)
    workspace, channel = scopes(job, now)
    hold = Hold(granted=True, scopes=[workspace], tokens=tokens, usd=usd, store=store, limits=limits, prices=prices)
    if store.reserve(workspace, tokens, usd, limits.workspace()) is None:
        return _refused(store.spend(workspace), limits.workspace(), "workspace", tokens)
    if limits.channel_tokens or limits.channel_usd:
        if store.reserve(channel, tokens, usd, limits.channel()) is None:
            store.settle(workspace, -tokens, -usd)  # give the workspace reservation back
            return _refused(store.spend(channel), limits.channel(), f"channel <#{job.channel}>", tokens)
        hold.scopes.append(channel)
    return hold


def spend_text(spent: Spend, limit: Spend, label: str = "today ") -> str:
    """``today 123,456 tokens · $1.23 of $50.00`` (reservations of runs in flight included)."""
    tokens = f"{spent.tokens:,} tokens" + (f" of {limit.tokens:,}" if limit.tokens else "")
    dollars = f"${spent.usd:,.2f}" + (f" of ${limit.usd:,.2f}" if limit.usd else "")
    return f"{label}{tokens} · {dollars}"


def _refused(spent: Spend, limit: Spend, where: str, needed: int) -> Hold:
    logger.info("daily model budget of %s reached: %s tokens, %.4f USD", where, spent.tokens, spent.usd)
    note = (
        f"The daily model budget of the {where} is spent ({spend_text(spent, limit)}; one more run may need "
        f"{needed:,} tokens), so this reply is evidence-only. The budget resets at 00:00 UTC."
    )
    return Hold(granted=False, note=note)
