"""``aiops runbooks check|list|match``: validate the catalog, list it, show how an alert text ranks."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import TextIO

from app.config import Settings
from app.models import Alert
from app.runbooks.catalog import Catalog, Match, load_catalog
from app.runbooks.source import SourceError
from app.runbooks.sources import source_from_spec

Printer = Callable[[str], None]


def run_runbooks_command(
    action: str, argument: str | None, source: str | None, as_json: bool, settings: Settings
) -> int:
    """Run one ``aiops runbooks`` action and return the exit code.

    ``check`` exits 1 on any problem; ``match`` exits 1 when no runbook is claimed; 2 is a usage error.
    For ``check`` and ``list`` the positional argument is the source; for ``match`` it is the alert text.
    """
    from app.worker.handler import tool_names  # the worker's tool set: heavy imports only for this command

    if action == "match" and not argument:
        return _fail("aiops runbooks match: give the alert text", 2)
    spec = (argument if action != "match" else None) or source or settings.runbooks
    try:
        catalog = load_catalog(source_from_spec(spec, settings), tool_names(settings))
    except SourceError as exc:
        return _fail(f"aiops runbooks: {exc}", 1)
    if catalog.note:
        print(f"note: {catalog.note}", file=sys.stderr)
    if action == "check":
        return _check(catalog, as_json)
    if action == "list":
        return _list(catalog, as_json)
    return _match(catalog, argument or "", as_json)


def _check(catalog: Catalog, as_json: bool) -> int:
    if as_json:
        view = {
            "version": catalog.version,
            "runbooks": len(catalog.runbooks),
            "problems": [asdict(problem) for problem in catalog.problems],
        }
        print(json.dumps(view, indent=2))
    else:
        for problem in catalog.problems:
            print(problem, file=sys.stderr)
        print(f"{len(catalog.runbooks)} runbooks valid, {len(catalog.problems)} problems")
    return 1 if catalog.problems else 0


def _list(catalog: Catalog, as_json: bool) -> int:
    rows = [
        {"id": rb.id, "title": rb.title, "severity": rb.severity, "tags": list(rb.tags), "path": rb.path,
         "link": rb.link, "steps": len(rb.evidence)}
        for rb in catalog.runbooks
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        print("\n".join(f"{row['id']:<12} {row['severity']:<8} {row['title']}  ({row['path']})" for row in rows))
    _problems_hint(catalog, sys.stderr)
    return 0


def _match(catalog: Catalog, text: str, as_json: bool) -> int:
    ranked = catalog.rank(Alert(text=text))
    selected = bool(ranked) and ranked[0].claimed
    if as_json:
        print(json.dumps([_row(match, selected and n == 0) for n, match in enumerate(ranked)], indent=2))
    elif not ranked:
        print("no runbook shares a word with this text")
    else:
        for position, match in enumerate(ranked):
            verdict = "SELECTED" if selected and position == 0 else ("candidate" if match.claimed else "weak")
            print(f"{position + 1}. {match.runbook.id:<12} {match.kind:<8} {verdict:<10} {match.runbook.title}")
            print(f"   {match.reason}")
    return 0 if selected else 1


def _row(match: Match, selected: bool) -> dict[str, object]:
    return {
        "id": match.runbook.id,
        "title": match.runbook.title,
        "selected": selected,
        "kind": match.kind,
        "score": match.score,
        "above_threshold": match.claimed,
        "reason": match.reason,
    }


def _problems_hint(catalog: Catalog, stream: TextIO) -> None:
    if catalog.problems:
        print(f"{len(catalog.problems)} problems: run 'aiops runbooks check' to see them", file=stream)


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code
