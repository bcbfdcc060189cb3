"""Executor Lambda: ``{"proposal_id": …}`` from the worker → the approved action runs once and is verified."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from slack_sdk import WebClient

from app.actions.executor import ExecutorDeps, execute
from app.actions.wiring import executor_deps
from app.config import Settings
from app.runbooks.loader import CatalogLoader
from app.runbooks.sources import source_from_spec
from app.secret_reader import SecretReader, secret_reader
from app.slack.poster import SlackPoster
from app.storage.actions import action_store_from_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="aiops-executor")
_deps: ExecutorDeps | None = None


def build_executor(settings: Settings, secrets: SecretReader | None = None) -> ExecutorDeps:
    """Compose the executor from settings: the catalog, the declared writes, the read tools for ``verify``."""
    from app.worker.handler import worker_tools

    secrets = secrets or secret_reader(settings)
    token = secrets.value(settings.slack_secret_name, "bot_token")
    slack = SlackPoster(WebClient(token=token, base_url=settings.slack_api_url, timeout=10))
    loader = CatalogLoader(source_from_spec(settings.runbooks, settings, secrets))
    return executor_deps(settings, catalog=loader.load, reads=worker_tools(settings, secrets),
                         store=action_store_from_settings(settings), slack=slack, secrets=secrets)


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    """Execute one approved proposal; a payload without a proposal id is refused."""
    global _deps
    proposal_id = str((event or {}).get("proposal_id") or "")
    if not proposal_id:
        logger.error("executor payload without proposal_id")
        return {"status": "refused: no proposal_id"}
    if _deps is None:
        _deps = build_executor(Settings())
    done = execute(proposal_id, _deps)
    status = done.status if done is not None else "not executed (not approved, or already executed)"
    logger.info("proposal %s: %s", proposal_id, status)
    return {"proposal_id": proposal_id, "status": status}
