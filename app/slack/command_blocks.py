"""What the ``/aiops`` slash command answers (pure: data in, text out; every answer is ephemeral)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.runbooks.catalog import Match

COMMAND = "/aiops"
SHORTCUT_CALLBACK = "investigate_message"
HELP = (
    "*/aiops* — the runbook bot\n"
    "• `/aiops match TEXT` — which runbook would answer an alert with this text (only you see the answer)\n"
    "• `/aiops status` — the catalog, the model and today's investigations and spend\n"
    "• `/aiops help` — this help\n"
    "Alerts in alert channels are investigated on their own; @mention the bot with a question, or use the "
    "*Investigate with the bot* message shortcut on any message in a channel the bot is in. The App Home tab "
    "shows the latest investigations in your channels and the runbooks that need work."
)


@dataclass(frozen=True)
class Status:
    """What ``/aiops status`` reports."""

    model: str
    catalog_version: str
    runbooks: int
    problems: int
    investigations_today: int
    failed_today: int
    spend_today: float
    note: str = ""


def escape(value: str) -> str:
    """Escape Slack mrkdwn control characters (here, so the ingress needs nothing of the report rendering)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_command(text: str) -> tuple[str, str]:
    """The subcommand (``help`` when empty) and its argument."""
    words = text.strip().split(maxsplit=1)
    if not words:
        return "help", ""
    return words[0].lower(), words[1].strip() if len(words) > 1 else ""


def unknown_text(subcommand: str) -> str:
    """The answer to a subcommand that does not exist."""
    return f"`{escape(subcommand)}` is not an `/aiops` command.\n\n{HELP}"


def match_text(query: str, claimed: Match | None, ranked: Sequence[Match]) -> str:
    """Which runbook would answer ``query``, and the runners-up."""
    head = f"*Alert text* _{escape(query[:300])}_\n"
    if claimed is not None:
        answer = f"✅ `{escape(claimed.runbook.id)}` — {escape(claimed.runbook.title)} ({escape(claimed.reason)})"
    else:
        answer = "❔ No runbook would answer: the reply would be an investigation without one (and offer a draft)."
    others = [m for m in ranked if claimed is None or m.runbook.id != claimed.runbook.id][:3]
    lines = [head + answer]
    if others:
        lines.append("_Next candidates_")
        lines += [f"• `{escape(m.runbook.id)}` {escape(m.runbook.title)} · {m.kind} {m.score:.1f}"
                  f"{'' if m.claimed else ' (below the threshold)'}" for m in others]
    return "\n".join(lines)


def status_text(status: Status) -> str:
    """The bot's state: model, catalog, today's work."""
    cost = f"${status.spend_today:.4f}" if 0 < status.spend_today < 0.01 else f"${status.spend_today:.2f}"
    lines = [
        f"*Model* `{escape(status.model)}`",
        f"*Runbooks* {status.runbooks} loaded from version `{escape(status.catalog_version or '-')}`"
        + (f", {status.problems} files failed to load (`aiops runbooks check`)" if status.problems else ""),
        f"*Today* {status.investigations_today} investigations ({status.failed_today} failed), spend {cost}",
    ]
    if status.note:
        lines.append(f":warning: {escape(status.note)}")
    return "\n".join(lines)
