"""``aiops actions log``: every proposed, approved, rejected, expired and executed runbook action, with its audit."""

from __future__ import annotations

import json

from app.models import Proposal


def log_lines(proposals: list[Proposal]) -> list[str]:
    """One block a proposal: the call, its status, then each audit entry (when, what, who, detail)."""
    if not proposals:
        return ["no runbook actions proposed yet"]
    lines: list[str] = []
    for proposal in proposals:
        call = json.dumps(proposal.args, ensure_ascii=False, default=str)
        lines.append(f"{proposal.id}  {proposal.status:<10}  {proposal.runbook_id}/{proposal.action_id}  "
                     f"{proposal.tool} {call}  (ref {proposal.record_id}, proposed by the {proposal.proposed_by})")
        for entry in proposal.history:
            detail = f" — {entry.detail}" if entry.detail else ""
            lines.append(f"    {entry.at:%Y-%m-%d %H:%M:%S} {entry.event:<10} {entry.by or '-'}{detail}")
    return lines


def log_json(proposals: list[Proposal]) -> str:
    """The proposals with their audit, for machines."""
    return json.dumps([proposal.model_dump(mode="json") for proposal in proposals], indent=2, ensure_ascii=False)
