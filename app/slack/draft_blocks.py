"""The "Draft a runbook" button under a reply that matched no runbook, and the words around the draft (pure)."""

from __future__ import annotations

from typing import Any

from app.language import Language
from app.models import TriageRecord

DRAFT_ACTION = "draft_runbook"
_TEXTS: dict[str, tuple[str, str]] = {
    "button": ("Draft a runbook", "Runbook を下書き"),
    "hint": ("No runbook matched: draft one from this investigation for the team to review and commit.",
             "一致する Runbook がありません。この調査から下書きを作り、チームでレビューしてコミットできます。"),
}


def draft_blocks(record: TriageRecord, language: Language = "en") -> list[dict[str, Any]]:
    """The button (with a one-line hint) for a successful reply that matched no runbook; [] otherwise."""
    if record.runbook_id or record.status != "ok":
        return []
    english, japanese = _TEXTS["button"]
    hint_en, hint_ja = _TEXTS["hint"]
    return [{
        "type": "section",
        "block_id": f"draft:{record.id}",
        "text": {"type": "mrkdwn", "text": hint_ja if language == "ja" else hint_en},
        "accessory": {
            "type": "button",
            "action_id": DRAFT_ACTION,
            "text": {"type": "plain_text", "text": japanese if language == "ja" else english},
            "value": record.id,
        },
    }]


def draft_comment(reference: str, how: str, runbook_id: str) -> str:
    """The message the draft file is shared with."""
    return (f":memo: A draft runbook `{runbook_id}` from ref `{reference}` ({how}). Review it, fill in the "
            "procedure and the verdicts, then commit it to the runbook catalog; nothing was written to GitHub.")


def unknown_record_text(reference: str) -> str:
    """What the thread is told when the report to draft from is not stored."""
    return f":warning: No stored investigation `{reference}`: there is nothing to draft a runbook from."
