"""``aiops spend``: a day's model spend against its budgets, from the store the worker counts in."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app.config import Settings
from app.models import Alert, Job, JobKind
from app.storage.claim_stores import claims_from_settings
from app.storage.claims import ClaimStore
from app.worker.handler import spend_limits
from app.worker.spend import scopes, spend_text


def spend_view(
    settings: Settings, team: str, channel: str, day: datetime | None = None, store: ClaimStore | None = None
) -> dict[str, object]:
    """The day's counters of a workspace (and of one channel when given), with the configured limits."""
    store = store or claims_from_settings(settings)
    limits = spend_limits(settings)
    job = Job(kind=JobKind.ALERT, event_id="-", team=team, channel=channel or "-", ts="0", thread_ts="0", alert=Alert())
    workspace_scope, channel_scope = scopes(job, day or datetime.now(UTC))
    spent = store.spend(workspace_scope)
    view: dict[str, object] = {
        "day": workspace_scope.rsplit(":", 1)[1],
        "workspace": {"scope": workspace_scope, "tokens": spent.tokens, "usd": round(spent.usd, 6),
                      "limit_tokens": limits.tokens, "limit_usd": limits.usd,
                      "text": spend_text(spent, limits.workspace(), "")},
    }
    if channel:
        in_channel = store.spend(channel_scope)
        view["channel"] = {"scope": channel_scope, "tokens": in_channel.tokens, "usd": round(in_channel.usd, 6),
                           "limit_tokens": limits.channel_tokens, "limit_usd": limits.channel_usd,
                           "text": spend_text(in_channel, limits.channel(), "")}
    return view


def spend_output(view: dict[str, object], as_json: bool) -> str:
    """JSON, or one line per scope."""
    if as_json:
        return json.dumps(view, indent=2)
    lines = [f"Model spend on {view['day']} (UTC)"]
    for name in ("workspace", "channel"):
        part = view.get(name)
        if isinstance(part, dict):
            lines.append(f"  {name:<10} {part['scope']}: {part['text']}")
    return "\n".join(lines)
