"""Block Kit for a proposed runbook action: the exact call, its risk, who may approve, Approve and Reject (pure)."""

from __future__ import annotations

import json
from typing import Any

from app.models import Proposal

APPROVE_ACTION = "action_approve"
REJECT_ACTION = "action_reject"
_MAX = 2900


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def proposal_blocks(proposal: Proposal) -> list[dict[str, Any]]:
    """The proposal as a section and, while it is open, its two buttons (value: ``record_id:proposal_id``)."""
    call = json.dumps(proposal.args, ensure_ascii=False, default=str)
    who = [f"<@{user}>" for user in proposal.approvers] + [f"<!subteam^{group}>" for group in proposal.usergroups]
    lines = [
        f":hammer_and_wrench: *Proposed action* — {_escape(proposal.title)} (`{_escape(proposal.action_id)}`, "
        f"proposed by the {proposal.proposed_by})",
        f"`{_escape(proposal.tool)} {_escape(call)}`",
        f"*Risk:* {_escape(proposal.risk)}",
        f"*May approve:* {', '.join(who)} · expires {proposal.expires_at:%Y-%m-%d %H:%M} UTC · status "
        f"`{proposal.status}`",
    ]
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:_MAX]}}]
    if proposal.status == "proposed":
        value = f"{proposal.record_id}:{proposal.id}"
        blocks.append({"type": "actions", "block_id": f"proposal-{proposal.id}", "elements": [
            {"type": "button", "action_id": APPROVE_ACTION, "style": "primary", "value": value,
             "text": {"type": "plain_text", "text": "Approve"},
             "confirm": {"title": {"type": "plain_text", "text": "Run this action?"},
                         "text": {"type": "mrkdwn", "text": f"`{_escape(proposal.tool)} {_escape(call)}`"[:300]},
                         "confirm": {"type": "plain_text", "text": "Approve"},
                         "deny": {"type": "plain_text", "text": "Cancel"}}},
            {"type": "button", "action_id": REJECT_ACTION, "style": "danger", "value": value,
             "text": {"type": "plain_text", "text": "Reject"}},
        ]})
    return blocks


def outcome_text(proposal: Proposal, detail: str) -> str:
    """The thread message after a decision or an execution."""
    icon = {"verified": ":white_check_mark:", "unverified": ":warning:", "failed": ":x:", "rejected": ":no_entry:",
            "expired": ":hourglass:", "executed": ":gear:", "approved": ":ballot_box_with_check:"}
    return f"{icon.get(proposal.status, ':information_source:')} `{proposal.action_id}` {proposal.status}: {detail}"
