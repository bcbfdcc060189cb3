"""The ``aiops`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from app.config import ConfigError, Settings, load_settings
from app.redacted import install_log_redaction


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run a command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()
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
    runbooks = commands.add_parser("runbooks", help="validate, list, match or self-test the runbook catalog")
    runbooks.add_argument("action", choices=["check", "list", "match", "test"])
    runbooks.add_argument("text", nargs="?", metavar="SRC|TEXT",
                          help="source for check/list/test; alert text for match")
    runbooks.add_argument("--runbooks", metavar="SRC")
    runbooks.add_argument("--batch", metavar="FILE", help="match: one alert text a line (- for stdin), JSON lines out")
    runbooks.add_argument("--json", action="store_true")
    runbooks.add_argument("--deploy-config", metavar="FILE", type=Path,
                          help="check: also report the evidence steps, probes and actions this deployment would refuse")
    runbooks.set_defaults(run=_runbooks)
    evals = commands.add_parser("eval", help="run evaluation scenarios and print a score table")
    evals.add_argument("dir", metavar="DIR", type=Path)
    evals.add_argument("--model", metavar="SPEC", help="model for every scenario (default: each one's script, or none)")
    evals.add_argument("--judge", metavar="SPEC", help="a second model that grades each report against its facts")
    evals.add_argument("--only", metavar="NAME", help="run one scenario")
    evals.add_argument("--json", action="store_true")
    evals.set_defaults(run=_eval)
    mcp = commands.add_parser("mcp", help="the jobs API's OpenAPI-generated MCP server")
    mcp_commands = mcp.add_subparsers(dest="mcp_command", required=True)
    serve = mcp_commands.add_parser("serve", help="serve it over stdio or streamable HTTP on 127.0.0.1")
    serve.add_argument("--spec", required=True, metavar="SPEC", help="OpenAPI spec: path or URL")
    serve.add_argument("--base-url", required=True, metavar="URL", help="the jobs API's base URL")
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    serve.add_argument("--port", type=int, default=8000, help="port for --transport http (default 8000)")
    serve.set_defaults(run=_mcp_serve)
    ratings = commands.add_parser("ratings", help="the ratings report")
    ratings.add_argument("action", choices=["report"])
    ratings.add_argument("--since", metavar="DATE", type=_date, help="only replies made on or after DATE (YYYY-MM-DD)")
    ratings.add_argument("--png", metavar="FILE", type=Path, help="also draw the chart into FILE")
    ratings.set_defaults(run=_ratings)
    spend = commands.add_parser("spend", help="the day's model spend against the daily budgets")
    spend.add_argument("--team", default="", metavar="TEAM", help="Slack workspace id (default: the local one)")
    spend.add_argument("--channel", default="", metavar="CHANNEL", help="also show one channel's spend")
    spend.add_argument("--date", metavar="DATE", type=_date, help="another day (YYYY-MM-DD, UTC)")
    spend.add_argument("--json", action="store_true")
    spend.set_defaults(run=_spend)
    dlq = commands.add_parser("dlq", help="inspect and re-invoke the worker's dead letters")
    dlq.add_argument("action", choices=["replay"])
    dlq.add_argument("--queue-url", required=True, metavar="URL", help="stack output DeadLetterQueueUrl")
    dlq.add_argument("--function", required=True, metavar="NAME", help="stack output WorkerFunctionName")
    dlq.add_argument("--max", type=int, default=50, metavar="N", help="letters to handle at most (default 50)")
    dlq.add_argument("--dry-run", action="store_true", help="list the letters and leave them in the queue")
    dlq.add_argument("--region", metavar="REGION", help="the stack's region (default: AIOPS_AWS_REGION)")
    dlq.set_defaults(run=_dlq)
    actions = commands.add_parser("actions", help="the audit of proposed and executed runbook actions")
    actions.add_argument("action", choices=["log"])
    actions.add_argument("--json", action="store_true")
    actions.set_defaults(run=_actions)
    return parser


def _actions(args: argparse.Namespace, settings: Settings) -> int:
    from app.actions.log import log_json, log_lines
    from app.storage.actions import action_store_from_settings

    proposals = action_store_from_settings(settings).all()
    print(log_json(proposals) if args.json else "\n".join(log_lines(proposals)))
    return 0


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
    from app.runbooks.commands import run_runbooks_command

    return run_runbooks_command(args.action, args.text, args.runbooks, args.json, settings, batch=args.batch,
                                deploy_config=args.deploy_config)


def _mcp_serve(args: argparse.Namespace, settings: Settings) -> int:
    from app.secret_reader import secret_reader
    from app.worker.jobs_api import server_from_settings

    settings = settings.model_copy(update={"jobs_api_spec": args.spec, "jobs_api_base_url": args.base_url})
    server = server_from_settings(settings, secret_reader(settings))
    if args.transport == "http":
        print(f"aiops mcp: serving on http://127.0.0.1:{args.port}/mcp", file=sys.stderr, flush=True)
        server.run("http", show_banner=False, host="127.0.0.1", port=args.port)
    else:
        server.run("stdio", show_banner=False)
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from app.evals.cli import run_eval

    return run_eval(args.dir, settings, model=args.model, judge=args.judge, only=args.only, as_json=args.json)


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


def _spend(args: argparse.Namespace, settings: Settings) -> int:
    from app.spend_report import spend_output, spend_view

    print(spend_output(spend_view(settings, args.team, args.channel, args.date), args.json))
    return 0


def _dlq(args: argparse.Namespace, settings: Settings) -> int:
    import boto3

    from app.dlq import replay_command

    region = args.region or settings.aws_region
    return replay_command(
        queue_url=args.queue_url, function=args.function, limit=args.max, dry_run=args.dry_run,
        sqs=boto3.client("sqs", region_name=region), lambda_client=boto3.client("lambda", region_name=region),
    )


if __name__ == "__main__":
    sys.exit(main())
