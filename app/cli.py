"""The ``aiops`` command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from app.config import ConfigError, Settings, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run a command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        return int(args.run(args, settings))
    except ConfigError as exc:
        print(f"aiops: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aiops", description="Runbook AIOps bot for Slack.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="offline end-to-end run with local fakes")
    demo.add_argument("--model", help="model spec (default: AIOPS_MODEL or none)")
    demo.set_defaults(run=_demo)
    triage = commands.add_parser("triage", help="one investigation, printed")
    triage.add_argument("input", metavar="TEXT|@FILE")
    triage.add_argument("--runbooks", metavar="SRC")
    triage.add_argument("--model", metavar="SPEC")
    triage.add_argument("--json", action="store_true")
    triage.set_defaults(run=_triage)
    runbooks = commands.add_parser("runbooks", help="validate, list or match the runbook catalog")
    runbooks.add_argument("action", choices=["check", "list", "match"])
    runbooks.add_argument("text", nargs="?", help="alert text for match")
    runbooks.add_argument("--runbooks", metavar="SRC")
    runbooks.add_argument("--json", action="store_true")
    runbooks.set_defaults(run=_runbooks)
    ratings = commands.add_parser("ratings", help="the ratings report")
    ratings.add_argument("action", choices=["report"])
    ratings.add_argument("--since", metavar="DATE", type=_date, help="only replies made on or after DATE (YYYY-MM-DD)")
    ratings.add_argument("--png", metavar="FILE", type=Path, help="also draw the chart into FILE")
    ratings.set_defaults(run=_ratings)
    return parser


def _date(value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    update = {key: getattr(args, key) for key in ("model", "runbooks") if getattr(args, key, None)}
    return settings.model_copy(update=update) if update else settings


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from app.demo import run_demo

    return run_demo(_overrides(settings, args))


def _triage(args: argparse.Namespace, settings: Settings) -> int:
    from app.slack.transcript import message_to_text
    from app.triage import InputError, NoJobInput, input_summary, job_from_input, outcome_json, read_input, run_triage
    from app.worker.pipeline import InvestigationError

    settings = _overrides(settings, args)
    try:
        job = job_from_input(read_input(args.input))
    except NoJobInput as exc:
        print(exc)
        return 0
    except InputError as exc:
        print(f"aiops triage: {exc}", file=sys.stderr)
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="aiops-triage-") as state:
            outcome, poster = run_triage(job, settings, Path(state) / "triage.db")
    except (InputError, InvestigationError) as exc:
        print(f"aiops triage: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(outcome_json(job, outcome))
        return 0
    print(input_summary(job) + "\n")
    record = outcome.record
    if record is not None and record.reply_ts in poster.messages:
        print(message_to_text(poster.messages[record.reply_ts]))
    else:
        print(f"{outcome.status}" + (f" (ref {outcome.reference})" if outcome.reference else ""))
    return 0


def _runbooks(args: argparse.Namespace, settings: Settings) -> int:
    from app.models import Alert
    from app.runbooks.catalog import load_catalog
    from app.runbooks.source import SourceError, source_from_spec

    try:
        catalog = load_catalog(source_from_spec(args.runbooks or settings.runbooks))
    except SourceError as exc:
        print(f"aiops runbooks: {exc}", file=sys.stderr)
        return 1
    if args.action == "check":
        for problem in catalog.problems:
            print(problem, file=sys.stderr)
        print(f"{len(catalog.runbooks)} runbooks valid, {len(catalog.problems)} problems")
        return 1 if catalog.problems else 0
    if args.action == "list":
        rows = [{"id": rb.id, "title": rb.title, "severity": rb.severity, "path": rb.path} for rb in catalog.runbooks]
        print(json.dumps(rows, indent=2) if args.json else "\n".join(f"{r['id']:<12} {r['title']}" for r in rows))
        return 0
    if not args.text:
        print("aiops runbooks match: give the alert text", file=sys.stderr)
        return 2
    match = catalog.match(Alert(text=args.text))
    ranked = [match] if match else catalog.search(args.text)
    rows = [{"id": m.runbook.id, "title": m.runbook.title, "reason": m.reason, "score": str(m.score)} for m in ranked]
    print(json.dumps(rows, indent=2) if args.json else "\n".join(f"{r['id']:<12} {r['reason']}" for r in rows))
    return 0 if rows else 1


def _ratings(args: argparse.Namespace, settings: Settings) -> int:
    from app.reports.chart import ChartError, draw_chart
    from app.reports.ratings import report_text, summarise
    from app.storage.triage import store_from_settings

    summary = summarise(store_from_settings(settings).rated_records(args.since), args.since)
    print(report_text(summary))
    if args.png is None:
        return 0
    try:
        draw_chart(summary, args.png)
    except ChartError as exc:
        print(f"aiops ratings report: no chart written: {exc}", file=sys.stderr)
        return 1
    print(f"\nchart written to {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
