"""A model as tie-breaker: when the lexical ranking's first candidates are close, one small call chooses.

Only lexical selections are reconsidered (a front-matter rule is never overruled), only when the runner-up
scores at least :data:`CLOSE_RATIO` of the first, and the model sees no more than the alert and each
candidate's id, title and sample alert. Whatever goes wrong (no model, an error, a timeout, an answer that is
not one of the candidates), the lexical result stands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from app.models import Alert
from app.runbooks.catalog import Catalog, Match
from app.runbooks.index import sample_alert
from app.runbooks.model import Runbook

if TYPE_CHECKING:
    from strands.models import Model

logger = logging.getLogger(__name__)
CLOSE_RATIO = 0.85
"""The runner-up's lexical score must be at least this share of the first's for the model to be asked."""
MAX_CHOICES = 3
TIMEOUT_SECONDS = 20.0
_PROMPT = """An alert arrived. Choose the runbook that applies to it, among these candidates only.
Answer with the candidate's id, or "none" when none of them applies.

<alert>
{alert}
</alert>

{candidates}"""


class RunbookChoice(BaseModel):
    """The model's choice among close runbook candidates."""

    runbook_id: str = Field(description="The id of the runbook that applies to the alert, or 'none'.")


@dataclass(frozen=True)
class Selection:
    """The runbook for an alert and, when the model was asked, what it chose among which candidates."""

    runbook: Runbook | None
    note: str = ""


def select_runbook(catalog: Catalog, alert: Alert, model: Callable[[], Model | None] | None) -> Selection:
    """The catalog's match, reconsidered by the model when the lexical candidates are close."""
    ranked = catalog.rank(alert)
    first = ranked[0] if ranked and ranked[0].claimed else None
    close = close_candidates(ranked)
    if first is None or not close or model is None:
        return Selection(first.runbook if first else None)
    chosen = _ask(model, alert, close)
    if chosen is None:
        return Selection(first.runbook)
    others = ", ".join(match.runbook.id for match in close)
    kept = "kept the lexical first" if chosen.id == first.runbook.id else f"lexical first was {first.runbook.id}"
    return Selection(chosen, f"Runbook {chosen.id} chosen by the model among close candidates ({others}); {kept}.")


def close_candidates(ranked: list[Match]) -> list[Match]:
    """The lexical candidates within :data:`CLOSE_RATIO` of a claimed lexical first (empty when it stands alone)."""
    if not ranked or ranked[0].kind != "lexical" or not ranked[0].claimed or ranked[0].score <= 0:
        return []
    close = [match for match in ranked[:MAX_CHOICES]
             if match.kind == "lexical" and match.score >= CLOSE_RATIO * ranked[0].score]
    return close if len(close) > 1 else []


def choice_prompt(alert: Alert, candidates: list[Match]) -> str:
    """The prompt: the alert and each candidate's id, title and sample alert (never the whole body)."""
    blocks = []
    for match in candidates:
        runbook = match.runbook
        sample = " ".join(sample_alert(runbook.body).split())[:500]
        blocks.append(f'<candidate id="{runbook.id}">\ntitle: {runbook.title}\n'
                      + (f"sample alert: {sample}\n" if sample else "") + "</candidate>")
    return _PROMPT.format(alert=alert.full_text()[:2000], candidates="\n".join(blocks))


def _ask(model_factory: Callable[[], Model | None], alert: Alert, candidates: list[Match]) -> Runbook | None:
    try:
        model = model_factory()
        if model is None:
            return None
        answer = asyncio.run(asyncio.wait_for(_structured(model, choice_prompt(alert, candidates)), TIMEOUT_SECONDS))
    except Exception as exc:  # the lexical result stands whatever the model did
        logger.warning("runbook tie-break skipped: %s: %s", type(exc).__name__, exc)
        return None
    by_id = {match.runbook.id: match.runbook for match in candidates}
    if answer is None or answer.runbook_id.strip() not in by_id:
        logger.info("runbook tie-break: the model chose none of the candidates")
        return None
    return by_id[answer.runbook_id.strip()]


async def _structured(model: Model, prompt: str) -> RunbookChoice | None:
    messages: Any = [{"role": "user", "content": [{"text": prompt}]}]
    answer: RunbookChoice | None = None
    async for event in model.structured_output(RunbookChoice, messages):
        if isinstance(event, dict) and isinstance(event.get("output"), RunbookChoice):
            answer = event["output"]
    return answer
