"""``aiops runbooks check|list|match|test``: validate, list, rank alert texts (one or a file), run the examples."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import TextIO

from app.config import Settings
from app.models import Alert
from app.runbooks.batch import Coverage, replay, row_json, summary_text
from app.runbooks.catalog import Catalog, Match, parse_snapshot
from app.runbooks.selftest import selftest_lines, selftest_view, test_catalog
from app.runbooks.source import Snapshot, SourceError
from app.runbooks.sources import source_from_spec
from app.secret_reader import secret_reader

Printer = Callable[[str], None]


def run_runbooks_command(
    action: str, argument: str | None, source: str | None, as_json: bool, settings: Settings,
    batch: str | None = None, deploy_config: Path | None = None,
) -> int:
    """Run one ``aiops runbooks`` action and return the exit code.

    ``check`` exits 1 on any problem; ``match`` exits 1 when no runbook is claimed; 2 is a usage error.
    For ``check`` and ``list`` the positional argument is the source; for ``match`` it is the alert text, or
    ``batch`` names a file of alert texts, one a line (``-`` for standard input).
    ``deploy_config`` (check only): also report every evidence step, probe and action that deployment would refuse.
    """
    from app.worker.handler import tool_names  # the worker's tool set: heavy imports only for this command

    if action == "match" and not argument and not batch:
        return _fail("aiops runbooks match: give the alert text, or --batch FILE", 2)
    if batch and (action != "match" or argument):
        return _fail("aiops runbooks: --batch FILE goes with 'match' and no alert text", 2)
    spec = (argument if action != "match" else None) or source or settings.runbooks
    try:
        snapshot = source_from_spec(spec, settings, secret_reader(settings)).fetch()
    except SourceError as exc:
        return _fail(f"aiops runbooks: {exc}", 1)
    catalog = parse_snapshot(snapshot, tool_names(settings))
    if catalog.note:
        print(f"note: {catalog.note}", file=sys.stderr)
    if not settings.jobs_api_spec and catalog.problems:
        print("note: AIOPS_JOBS_API_SPEC is not set, so no jobs API tool is known; set it to the API's spec "
              "(the sample: app/fakes/jobs_openapi.yaml)", file=sys.stderr)
    if action == "check":
        return _check(catalog, as_json, snapshot, deploy_config, settings)
    if action == "list":
        return _list(catalog, as_json)
    if action == "test":
        return _test(catalog, as_json)
    if batch:
        return _batch(catalog, batch, as_json)
    return _match(catalog, argument or "", as_json)


def _with_refusals(catalog: Catalog, snapshot: Snapshot, deploy_config: Path, settings: Settings) -> Catalog:
    """The catalog with a problem added for each evidence step, probe or action the deployment would refuse.

    Raises:
        ValueError: The deployment configuration is invalid, or the jobs API spec unreadable (the message says).
    """
    from app.runbooks.action_scope import action_refusals
    from app.runbooks.scope import refusals
    from infra.config import DeployConfigError, load_config
    from infra.grants import deployed_scope

    try:
        config, _ = load_config(deploy_config)
    except DeployConfigError as exc:
        raise ValueError(str(exc)) from exc
    texts = {item.path: item.text for item in snapshot.files}
    scope = replace(deployed_scope(config), jobs_writes=_api_writes(settings))
    found = [*refusals(catalog, texts, scope), *action_refusals(catalog, texts, scope)]
    return replace(catalog, problems=(*catalog.problems, *found))


def _api_writes(settings: Settings) -> frozenset[str] | None:
    """The write operations of the configured APIs' specs, by tool name (what actions are checked against)."""
    from app.actions.writes import write_operations
    from app.config import ConfigError
    from app.worker.apis import api_spec, configured_apis

    try:
        apis = configured_apis(settings)
        if not apis:
            return None
        return frozenset(name for api in apis for name in write_operations(api_spec(api), api.name, api.tool_name))
    except ConfigError as exc:
        raise ValueError(str(exc)) from exc


def _check(
    catalog: Catalog, as_json: bool, snapshot: Snapshot, deploy_config: Path | None, settings: Settings
) -> int:
    if deploy_config is not None:
        try:
            catalog = _with_refusals(catalog, snapshot, deploy_config, settings)
        except ValueError as exc:
            return _fail(f"aiops runbooks check: {exc}", 2)
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


def _test(catalog: Catalog, as_json: bool) -> int:
    """Run the runbooks' examples; exit 1 when one fails or a runbook did not load."""
    tests = test_catalog(catalog.runbooks)
    examples = sum(len(item.results) for item in tests)
    failed = sum(not result.passed for item in tests for result in item.results)
    uncovered = sum(len(item.uncovered) for item in tests)
    if as_json:
        view = selftest_view(tests) | {"problems": [asdict(problem) for problem in catalog.problems]}
        print(json.dumps(view, indent=2))
    else:
        for problem in catalog.problems:
            print(problem, file=sys.stderr)
        print("\n".join(selftest_lines(tests)))
        print(f"{examples - failed}/{examples} examples passed, {failed} failed, {uncovered} verdict cases "
              f"without an example, {len(catalog.problems)} runbook problems")
    return 1 if failed or catalog.problems else 0


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


def _batch(catalog: Catalog, path: str, as_json: bool) -> int:
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        return _fail(f"aiops runbooks match --batch: cannot read {path}: {exc.strerror}", 2)
    coverage = Coverage()
    try:
        for row in replay(catalog, stream, coverage):
            print(row_json(row))
    except UnicodeDecodeError as exc:
        return _fail(f"aiops runbooks match --batch: {path} is not UTF-8 text ({exc.reason})", 2)
    finally:
        if stream is not sys.stdin:
            stream.close()
    if as_json:
        print(json.dumps({"summary": coverage.summary()}, ensure_ascii=False))
    else:
        print(summary_text(coverage), file=sys.stderr)
    return 0


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
