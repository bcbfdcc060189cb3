"""Worker Lambda: runs one investigation per job; a failure re-raises so the job reaches the dead-letter queue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError
from slack_sdk import WebClient

from app.actions.executor import ExecutorDeps
from app.actions.wiring import approval_deps, executor_deps
from app.agent.budget import Budget
from app.agent.models import model_from_spec
from app.coldstart import ColdStart
from app.config import Settings
from app.models import Job, TriageRecord
from app.redacted import install_log_redaction
from app.runbooks.catalog import Catalog
from app.runbooks.sources import source_from_spec
from app.secret_reader import SecretReader, secret_reader
from app.slack.poster import Poster, SlackPoster
from app.storage.actions import action_store_from_settings
from app.storage.claim_stores import claims_from_settings
from app.storage.claims import ClaimStore
from app.storage.triage import TriageStore, store_from_settings
from app.worker.apis import api_tool_sets
from app.worker.correlate import Correlation
from app.worker.cost import Prices
from app.worker.deps import WorkerDeps
from app.worker.heap import freeze_cold_start
from app.worker.jobs import Outcome, handle_job
from app.worker.pipeline import investigate
from app.worker.prepare import Prepared
from app.worker.spend import SpendLimits
from app.worker.telemetry import SERVICE, observe, traced, worker_metrics
from app.worker.toolsets import investigation_tools, tool_systems
from tools.registry import ToolRegistry, ToolSet

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service=SERVICE)
metrics = worker_metrics()


class BadJobError(Exception):
    """The invocation payload is not a job."""


@dataclass
class Worker:
    """The worker's dependencies, built once per cold start."""

    deps: WorkerDeps

    def run(self, job: Job) -> TriageRecord:
        """Investigate one job."""
        return investigate(job, self.deps)

    def handle(self, job: Job) -> Outcome:
        """Do what the job asks: investigate, note a resolution, or store a rating."""
        return handle_job(job, self.deps)

    @property
    def mode(self) -> str:
        """``model`` or ``evidence-only``: how this worker's investigations are made."""
        return "evidence-only" if self.deps.model_spec == "none" else "model"


def build_worker(
    settings: Settings,
    *,
    slack_client: WebClient | None = None,
    store: TriageStore | None = None,
    claims: ClaimStore | None = None,
    secrets: SecretReader | None = None,
) -> Worker:
    """Compose the worker from settings; clients, and the one secret reader, can be passed in instead."""
    secrets = secrets or secret_reader(settings)
    if slack_client is None:
        token = secrets.value(settings.slack_secret_name, "bot_token")
        slack_client = WebClient(token=token, base_url=settings.slack_api_url, timeout=10)
    model_from_spec(settings.model, settings)  # fail at cold start on a bad spec, not on the first alert
    deps = worker_deps(settings, slack=SlackPoster(slack_client), store=store or store_from_settings(settings),
                       secrets=secrets)
    deps.claims = claims or claims_from_settings(settings)
    if deps.actions is not None:
        actions, poster = deps.actions, deps.slack

        def local() -> ExecutorDeps:  # built when an approval first needs it
            return executor_deps(settings, catalog=deps.catalog, reads=deps.tools, store=actions, slack=poster,
                                 secrets=secrets)

        deps.approvals = approval_deps(settings, client=slack_client, store=actions, slack=poster, local=local)
    return Worker(deps)


def worker_deps(settings: Settings, *, slack: Poster, store: TriageStore, secrets: SecretReader) -> WorkerDeps:
    """The investigation's dependencies from settings, around a given poster, store and secret reader."""
    return WorkerDeps(
        source=source_from_spec(settings.runbooks, settings, secrets),
        slack=slack,
        store=store,
        tools=worker_tools(settings, secrets),
        model=partial(model_from_spec, settings.model, settings),  # a fresh model per investigation
        model_spec=settings.model,
        tiebreak=settings.runbook_tiebreak,
        budget=Budget(settings.max_turns, settings.max_total_tokens, settings.timeout_seconds),
        evidence_timeout=settings.evidence_timeout_seconds,
        progress_interval=settings.progress_interval_seconds,
        prices=Prices(settings.price_input_usd_per_mtok, settings.price_output_usd_per_mtok),
        model_runs=settings.model_runs,
        correlation=correlation_settings(settings),
        spend_limits=spend_limits(settings),
        actions=action_store_from_settings(settings),
    )


def worker_tools(settings: Settings, secrets: SecretReader) -> Callable[[Catalog], ToolRegistry]:
    """The read-only tools of an investigation for a catalog; clients and the MCP server are built once.

    They are built in a thread from here on (``Prepared``), so that a cold start posts its progress message
    without waiting for them; the first investigation waits for the build, and fails with its error.
    """
    prepared = Prepared(partial(_shared_tools, settings, secrets), "tools")

    def tools(catalog: Catalog) -> ToolRegistry:
        return default_tools(catalog, result_max_chars=settings.tool_result_max_chars, investigation=prepared.get())

    return tools


def _shared_tools(settings: Settings, secrets: SecretReader) -> list[ToolSet]:
    """The OpenAPI-described APIs' tool sets (in-process MCP servers) and the Cloud Logging, AWS and GitHub ones.

    Once they are built, the cold start's objects are frozen out of full garbage collections (``app.worker.heap``).
    """
    sets = [*api_tool_sets(settings, secrets), *investigation_tools(settings, secrets)]
    freeze_cold_start()
    return sets


def correlation_settings(settings: Settings) -> Correlation:
    """When repeats and storms join an open investigation."""
    return Correlation(
        settings.repeat_window_seconds, settings.storm_window_seconds, settings.storm_threshold,
        settings.slack_archive_url,
    )


def spend_limits(settings: Settings) -> SpendLimits:
    """The daily model budgets."""
    return SpendLimits(
        settings.daily_budget_tokens, settings.daily_budget_usd, settings.channel_daily_budget_tokens,
        settings.channel_daily_budget_usd,
    )


def default_tools(
    catalog: Catalog,
    *,
    result_max_chars: int,
    investigation: Sequence[ToolSet] = (),
) -> ToolRegistry:
    """The read-only tools of one investigation.

    Args:
        catalog: The runbook catalog the investigation matched against.
        result_max_chars: Cap on each tool result.
        investigation: The APIs' MCP tool sets (app.worker.apis.api_tool_sets) and the Cloud Logging, AWS and
            GitHub tool sets with their argument checks (app.worker.toolsets.investigation_tools), shared by every
            investigation.
    """
    from tools.runbooks import SYSTEM as RUNBOOKS  # the Strands tool decorator: imported with the tools
    from tools.runbooks import runbook_tools

    own = ToolSet(runbook_tools(catalog), label=RUNBOOKS.label)
    return ToolRegistry.from_sets([own, *investigation], result_max_chars=result_max_chars)


def tool_names(settings: Settings) -> frozenset[str]:
    """Every tool name a runbook's evidence step may use with these settings: the tool sets' own declarations.

    Raises:
        ConfigError: The APIs' settings clash, or a configured spec cannot be read.
    """
    return frozenset(name for system in tool_systems(settings) for name in system.tools)


_cold_start = ColdStart(build_worker)


def parse_job(event: dict[str, Any]) -> Job:
    """The job from an invocation payload.

    Raises:
        BadJobError: The payload is not a job.
    """
    try:
        return Job.model_validate(event)
    except ValidationError as exc:
        raise BadJobError(f"invocation payload is not a job: {exc.error_count()} errors") from exc


@traced  # X-Ray when the function runs in Lambda; the SDK is not imported outside it
@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Entry point for the ingress's async invocation."""
    install_log_redaction()
    job = parse_job(event)
    worker = _cold_start.get()
    return observe(job, worker.handle, worker.mode, metrics, logger).receipt()
