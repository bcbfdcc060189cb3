"""A click on Approve or Reject: bound to its message, by an approver, before expiry, decided once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.models import ApprovalClick, AuditEntry, Proposal, utcnow
from app.slack.action_blocks import outcome_text
from app.slack.poster import Poster
from app.storage.actions import ActionStore

logger = logging.getLogger(__name__)

Members = Callable[[str], list[str]]
"""A Slack user group's members (``usergroups.users.list``)."""


@dataclass
class ApprovalDeps:
    """The store of proposals, the thread, user groups, and the hand-off to the executor."""

    store: ActionStore
    slack: Poster
    members: Members
    execute: Callable[[str], object]
    now: Callable[[], datetime] = field(default=utcnow)


def handle_click(click: ApprovalClick, deps: ApprovalDeps) -> str:
    """Check and decide one click; returns what became of it (also audited and told in the thread)."""
    proposal = deps.store.get(click.proposal_id)
    if proposal is None or proposal.record_id != click.record_id:
        logger.warning("approval click for unknown proposal %s by %s", click.proposal_id, click.user)
        return "unknown proposal"
    if (proposal.channel, proposal.message_ts) != (click.channel, click.message_ts):
        deps.store.note(proposal.id, AuditEntry(event="refused", by=click.user, detail="clicked on another message"))
        return "refused: not the proposal's message"
    if not _may_approve(click.user, proposal, deps.members):
        deps.store.note(proposal.id, AuditEntry(event="refused", by=click.user, detail="not an approver"))
        _tell(deps, proposal, f"<@{click.user}> may not decide this action; nothing was run.")
        return "refused: not an approver"
    if deps.now() > proposal.expires_at:
        moved = deps.store.move(proposal.id, ["proposed"], "expired", AuditEntry(event="expired", by=click.user))
        if moved is not None:
            _tell(deps, moved, f"the proposal expired at {proposal.expires_at:%H:%M} UTC; nothing was run.")
        return "expired"
    return _decide(click, proposal, deps)


def _decide(click: ApprovalClick, proposal: Proposal, deps: ApprovalDeps) -> str:
    status = "approved" if click.approve else "rejected"
    moved = deps.store.move(proposal.id, ["proposed"], status, AuditEntry(event=status, by=click.user))
    if moved is None:
        deps.store.note(proposal.id, AuditEntry(event="ignored", by=click.user, detail=f"{status} after a decision"))
        return "already decided"
    if not click.approve:
        _tell(deps, moved, f"rejected by <@{click.user}>; nothing was run.")
        return "rejected"
    _tell(deps, moved, f"approved by <@{click.user}>; running `{moved.tool}` once.")
    deps.execute(moved.id)
    return "approved"


def _may_approve(user: str, proposal: Proposal, members: Members) -> bool:
    if user in proposal.approvers:
        return True
    for group in proposal.usergroups:
        try:
            if user in members(group):
                return True
        except Exception:  # an unreadable group approves nobody
            logger.warning("could not read the members of user group %s", group)
    return False


def _tell(deps: ApprovalDeps, proposal: Proposal, detail: str) -> None:
    try:
        deps.slack.post(proposal.channel, proposal.thread_ts, outcome_text(proposal, detail))
    except Exception:
        logger.exception("could not tell the thread about %s", proposal.id)
