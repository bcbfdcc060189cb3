"""``aiops runbooks match --batch FILE``: replay an alert history against the catalog, with a coverage summary.

One alert text a line in (blank lines skipped), one JSON result a line out. The summary says how many alerts
each runbook claims and groups the alerts nothing claims by their words (identifiers such as hosts and pods left
out), most frequent first, so a team sees which runbooks to write next.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.models import Alert
from app.runbooks.catalog import Catalog
from app.runbooks.terms import Analyzer

GROUP_WORDS = 6
"""Unmatched alerts with the same first words (identifiers left out) form one group."""
SHOWN_GROUPS = 20


@dataclass
class Coverage:
    """What a batch replay found."""

    alerts: int = 0
    claimed: Counter[str] = field(default_factory=Counter)
    unmatched: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The summary as data: totals, claims per runbook, unmatched groups (largest first)."""
        groups = sorted(self.unmatched.items(), key=lambda item: (-len(item[1]), item[0]))
        return {
            "alerts": self.alerts,
            "matched": sum(self.claimed.values()),
            "unmatched": sum(len(texts) for _, texts in groups),
            "by_runbook": dict(self.claimed.most_common()),
            "unmatched_groups": [{"words": key, "count": len(texts), "example": texts[0]} for key, texts in groups],
        }


def replay(catalog: Catalog, lines: Iterable[str], coverage: Coverage) -> Iterator[dict[str, Any]]:
    """Match each non-blank line and yield its JSON row, counting it in ``coverage``."""
    analyzer = Analyzer()
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        ranked = catalog.rank(Alert(text=text), limit=3)
        selected = ranked[0] if ranked and ranked[0].claimed else None
        coverage.alerts += 1
        if selected is not None:
            coverage.claimed[selected.runbook.id] += 1
        else:
            coverage.unmatched.setdefault(_group_key(analyzer, text), []).append(text)
        row = {
            "line": number,
            "text": text,
            "selected": selected.runbook.id if selected else None,
            "kind": selected.kind if selected else None,
            "reason": selected.reason if selected else None,
            "candidates": [{"id": match.runbook.id, "score": match.score, "kind": match.kind} for match in ranked],
        }
        yield row


def summary_text(coverage: Coverage) -> str:
    """The summary for people."""
    data = coverage.summary()
    share = data["matched"] / data["alerts"] if data["alerts"] else 0.0
    lines = [f"{data['alerts']} alerts: {data['matched']} matched ({share:.0%}), {data['unmatched']} unmatched"]
    lines += [f"  {count:>5}  {runbook_id}" for runbook_id, count in data["by_runbook"].items()]
    if data["unmatched_groups"]:
        lines.append("unmatched, grouped by their words (no runbook claims these):")
        lines += [f"  {group['count']:>5}  {group['words'] or '(no words)'}  e.g. {group['example'][:100]}"
                  for group in data["unmatched_groups"][:SHOWN_GROUPS]]
        hidden = len(data["unmatched_groups"]) - SHOWN_GROUPS
        if hidden > 0:
            lines.append(f"  … and {hidden} more groups (--json lists them all)")
    return "\n".join(lines)


def row_json(row: dict[str, Any]) -> str:
    """One result line."""
    return json.dumps(row, ensure_ascii=False)


def _group_key(analyzer: Analyzer, text: str) -> str:
    words = []
    for term in analyzer.terms(text):
        if not term.identifier and term.shown not in words:
            words.append(term.shown)
        if len(words) == GROUP_WORDS:
            break
    return " ".join(words)
