"""Run an approved action once, re-check it with the runbook's ``verify``, and tell the thread; all audited.

The executor trusts nothing but the catalog: it takes the proposal's id, finds the declared action again, checks
that the proposal's call is exactly the declaration filled with the proposal's values, claims the proposal
(``approved`` → ``executed``, once), makes the call, waits, runs the verification steps (read-only), and ends in
``verified``, ``unverified`` (done but not verified: escalate) or ``failed``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jmespath.exceptions import JMESPathError

from app.actions.propose import ProposalError, fill
from app.actions.writes import WriteCalls, WriteError
from app.config import setting_default
from app.models import AuditEntry, Proposal, utcnow
from app.runbooks.actions import ActionSpec, duration_seconds
from app.runbooks.catalog import Catalog
from app.runbooks.expressions import holds, search
from app.runbooks.model import Runbook
from app.runbooks.verdict import step_key
from app.slack.action_blocks import outcome_text
from app.slack.poster import Poster
from app.storage.actions import ActionStore
from app.worker.evidence import collect_evidence
from tools.redact import redact
from tools.registry import ToolRegistry

logger = logging.getLogger(__name__)


@dataclass
class ExecutorDeps:
    """What the executor uses: the catalog (the only source of what may run), the writes, the read tools."""

    catalog: Callable[[], Catalog]
    writes: WriteCalls
    reads: Callable[[Catalog], ToolRegistry]
    store: ActionStore
    slack: Poster
    sleep: Callable[[float], None] = field(default=time.sleep)
    step_timeout: float = setting_default("evidence_timeout_seconds")
    max_wait: float = setting_default("verify_max_wait_seconds")


def execute(proposal_id: str, deps: ExecutorDeps) -> Proposal | None:
    """Execute an approved proposal once; None when it is not (or no longer) approved."""
    proposal = deps.store.get(proposal_id)
    if proposal is None:
        return None
    catalog = deps.catalog()
    try:
        action = declared_action(catalog, proposal)
    except ProposalError as exc:
        return _end(deps, proposal, ["approved"], "failed", f"refused before running: {exc}")
    claimed = deps.store.move(proposal.id, ["approved"], "executed", AuditEntry(event="claimed", by="executor"))
    if claimed is None:
        return None  # already executed, or not approved: nothing runs twice
    try:
        answer = deps.writes.call(action.tool, proposal.args)
    except WriteError as exc:
        return _end(deps, claimed, ["executed"], "failed", redact(str(exc)))
    deps.store.note(proposal.id, AuditEntry(event="executed", by="executor",
                                            detail=redact(f"request {proposal.tool} {proposal.args}; response "
                                                          f"{str(answer)[:800]}")))
    deps.sleep(min(duration_seconds(action.verify.after), deps.max_wait))
    verified, detail = verify(action, proposal, deps.reads(catalog), deps.step_timeout)
    return _end(deps, claimed, ["executed"], "verified" if verified else "unverified", detail)


def declared_action(catalog: Catalog, proposal: Proposal) -> ActionSpec:
    """The catalog's action behind a proposal, whose call must be exactly the proposal's.

    Raises:
        ProposalError: The runbook or action is gone, or the proposal's call is not the declared one.
    """
    runbook: Runbook | None = catalog.get(proposal.runbook_id)
    action = next((item for item in (runbook.actions if runbook else ()) if item.id == proposal.action_id), None)
    if runbook is None or action is None:
        raise ProposalError(f"runbook {proposal.runbook_id} no longer declares action {proposal.action_id}")
    if action.tool != proposal.tool or fill(action.args, dict(proposal.fields)) != proposal.args:
        raise ProposalError("the proposal's call is not the one the runbook declares")
    return action


def verify(action: ActionSpec, proposal: Proposal, registry: ToolRegistry, timeout: float) -> tuple[bool, str]:
    """Run the verification steps and evaluate ``expect`` over their data; whether it holds, and why."""
    steps = Runbook(id="verify", title=action.title, evidence=action.verify.steps)
    results = asyncio.run(collect_evidence(steps, dict(proposal.fields), utcnow(), registry, timeout=timeout,
                                           refuse=registry.refusal))
    missing = [f"{item.step_id} {item.status}: {item.error[:160]}" for item in results if item.status != "ok"]
    if missing:
        return False, "verification could not read: " + "; ".join(missing)
    data: dict[str, Any] = {step_key(item.step_id): item.data for item in results}
    try:
        held = holds(search(action.verify.expect, {**data, "fields": dict(proposal.fields)}))
    except JMESPathError as exc:
        return False, f"verification could not be evaluated: {exc}"
    verdict = "holds" if held else "does not hold"
    return held, f"verification `{action.verify.expect}` {verdict} after {action.verify.after}"


def _end(deps: ExecutorDeps, proposal: Proposal, expected: list[str], status: str, detail: str) -> Proposal | None:
    moved = deps.store.move(proposal.id, expected, status, AuditEntry(event=status, by="executor", detail=detail))
    final = moved or proposal
    try:
        deps.slack.post(final.channel, final.thread_ts, outcome_text(final.model_copy(update={"status": status}),
                                                                       detail))
    except Exception:  # the audit holds the outcome; a failed post must not hide it
        logger.exception("could not post the outcome of %s", proposal.id)
    return moved
