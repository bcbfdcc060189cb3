"""What one investigation uses, built once per cold start by the worker's composition (``app.worker.handler``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.agent.budget import Budget
from app.config import setting_default
from app.runbooks.catalog import Catalog
from app.runbooks.loader import CatalogLoader
from app.runbooks.source import RunbookSource
from app.slack.poster import Poster
from app.storage.actions import ActionStore
from app.storage.claims import ClaimStore
from app.storage.triage import TriageStore
from app.worker.correlate import Correlation
from app.worker.cost import Prices
from app.worker.spend import SpendLimits
from tools.registry import ToolRegistry

if TYPE_CHECKING:
    from strands.models import Model

    from app.actions.approval import ApprovalDeps


@dataclass
class WorkerDeps:
    """Everything one investigation uses, built once per cold start."""

    source: RunbookSource
    slack: Poster
    store: TriageStore
    tools: Callable[[Catalog], ToolRegistry]
    model: Callable[[], Model | None]
    model_spec: str = setting_default("model")
    budget: Budget = field(default_factory=Budget)
    evidence_timeout: float = setting_default("evidence_timeout_seconds")
    progress_interval: float = setting_default("progress_interval_seconds")
    prices: Prices = field(default_factory=Prices)
    actions: ActionStore | None = None
    """Where proposals of runbook actions are kept; None proposes nothing."""
    approvals: ApprovalDeps | None = None
    """How Approve and Reject clicks are checked and handed to the executor."""
    model_runs: str = setting_default("model_runs")
    """When the model runs: always, no-verdict, explain or never (see Settings.model_runs)."""
    claims: ClaimStore | None = None  # repeats and storms join open investigations; None investigates every alert
    correlation: Correlation = field(default_factory=Correlation)
    spend_limits: SpendLimits = field(default_factory=SpendLimits)
    catalogs: CatalogLoader | None = None
    tiebreak: bool = setting_default("runbook_tiebreak")

    def catalog(self) -> Catalog:
        """The catalog at the source's current revision, parsed once per revision."""
        if self.catalogs is None:
            self.catalogs = CatalogLoader(self.source)
        return self.catalogs.load()
