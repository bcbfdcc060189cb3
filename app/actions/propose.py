"""Which declared action a verdict (or a model, by id) proposes, with its exact arguments filled in."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from app.models import AuditEntry, BlockedCall, Proposal, TriageRecord, Verdict
from app.runbooks.actions import ActionSpec, duration_seconds
from app.runbooks.model import Runbook
from app.runbooks.steps import PLACEHOLDER


class ProposalError(Exception):
    """The action cannot be proposed: a value its call needs is missing, or it is not declared."""


def choose_action(runbook: Runbook, verdict: Verdict | None, model_choice: str | None = None) -> ActionSpec | None:
    """The action to propose: the model's choice when it names a declared one, else the verdict's first allowed.

    Raises:
        ProposalError: The model named an action the runbook does not declare.
    """
    if model_choice:
        chosen = next((action for action in runbook.actions if action.id == model_choice), None)
        if chosen is None:
            declared = ", ".join(action.id for action in runbook.actions) or "none"
            raise ProposalError(f"the model proposed {model_choice!r}, which runbook {runbook.id} does not declare "
                                f"(declared: {declared}); nothing was proposed")
        return chosen
    if verdict is None or verdict.case is None:
        return None
    return next((a for a in runbook.actions if a.proposes(verdict.decision.value, verdict.case)), None)


def make_proposal(
    runbook: Runbook, action: ActionSpec, values: dict[str, Any], *, record_id: str, now: datetime,
    proposed_by: str = "verdict",
) -> Proposal:
    """The proposal with the call's arguments filled from ``values`` (facts and fields).

    Raises:
        ProposalError: A value the call needs is missing.
    """
    args = fill(action.args, values)
    fields = {name: value for name, value in values.items() if isinstance(value, str | int | float | bool)}
    return Proposal(
        id=f"act-{uuid.uuid4().hex[:10]}", record_id=record_id, runbook_id=runbook.id, action_id=action.id,
        title=action.title, tool=action.tool, args=args, risk=action.risk, fields=fields,
        approvers=list(action.approvers.users), usergroups=list(action.approvers.usergroups),
        expires_at=now + timedelta(seconds=duration_seconds(action.expires)),
        proposed_by="model" if proposed_by == "model" else "verdict",
        history=[AuditEntry(at=now, event="proposed", by=proposed_by, detail=f"{action.tool} {args}")],
    )


def fill(value: Any, values: dict[str, Any]) -> Any:
    """``value`` with every ``{name}`` filled; a whole-string placeholder keeps the value's type.

    Raises:
        ProposalError: A placeholder has no value.
    """
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    if not isinstance(value, str):
        return value
    missing = sorted({name for name in PLACEHOLDER.findall(value) if values.get(name) in (None, "")})
    if missing:
        raise ProposalError(f"no value for {', '.join(missing)}")
    whole = PLACEHOLDER.fullmatch(value)
    if whole:
        return values[whole.group(1)]
    return PLACEHOLDER.sub(lambda found: str(values[found.group(1)]), value)


def propose_for(
    record: TriageRecord, runbook: Runbook | None, fields: dict[str, str], *, message_ts: str, now: datetime
) -> Proposal | None:
    """The proposal a finished investigation makes, if any; a refused model choice is recorded as blocked."""
    if runbook is None or not runbook.actions or record.report is None:
        return None
    choice = record.report.proposed_action if record.mode == "model" else None
    try:
        action = choose_action(runbook, record.verdict, choice)
        if action is not None and choice and record.report.decision.value not in action.propose_on:
            raise ProposalError(f"the model proposed {choice!r} with decision {record.report.decision.value}, "
                                f"which the action does not allow ({', '.join(action.propose_on)})")
        if action is None:
            return None
        values = {**fields, **(record.verdict.facts if record.verdict else {})}
        proposal = make_proposal(runbook, action, values, record_id=record.id, now=now,
                                 proposed_by="model" if choice else "verdict")
    except ProposalError as exc:
        record.notes.append(f"No action proposed: {exc}.")
        if choice:
            record.blocked_calls.append(BlockedCall(tool="propose_action", input={"action": choice}, reason=str(exc)))
        return None
    job = record.job
    return proposal.model_copy(update={"channel": job.channel, "message_ts": message_ts, "thread_ts": job.thread_ts})
