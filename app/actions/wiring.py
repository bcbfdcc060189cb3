"""Build the approval and executor dependencies from the settings (composition roots call these)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from app.actions.approval import ApprovalDeps
from app.actions.executor import ExecutorDeps, execute
from app.actions.writes import Operation, WriteCalls, write_operations
from app.config import Settings
from app.runbooks.actions import AWS_WRITE_TOOL
from app.runbooks.catalog import Catalog
from app.secret_reader import SecretReader
from app.slack.poster import Poster
from app.storage.actions import ActionStore
from app.worker.apis import api_writer, configured_apis
from tools.registry import ToolRegistry


def declared_aws_writes(catalog: Catalog) -> set[str]:
    """Every ``service.operation`` an ``aws_write`` action of the catalog declares."""
    return {f"{action.args.get('service')}.{action.args.get('operation')}"
            for runbook in catalog.runbooks for action in runbook.actions if action.tool == AWS_WRITE_TOOL}


def write_calls(settings: Settings, catalog: Catalog, secrets: SecretReader,
                aws_client: Callable[[str], Any] | None = None) -> WriteCalls:
    """The writes the executor may make: every configured API's write operations, the catalog's AWS actions.

    Raises:
        ConfigError: An API's spec or secret cannot be read, or no base URL is known for it.
    """
    clients: dict[str, Any] = {}
    operations: dict[str, Operation] = {}
    for api in configured_apis(settings):
        spec, client = api_writer(api, secrets, timeout=settings.evidence_timeout_seconds)
        operations |= write_operations(spec, api.name, api.tool_name)
        clients[api.name] = client
    if aws_client is None:
        import boto3

        session: Any = boto3.session.Session(region_name=settings.aws_region)

        def aws_client(service: str) -> Any:
            return session.client(service)

    return WriteCalls(clients, operations, aws_client, declared_aws_writes(catalog))


def executor_deps(settings: Settings, *, catalog: Callable[[], Catalog], reads: Callable[[Catalog], ToolRegistry],
                  store: ActionStore, slack: Poster, secrets: SecretReader) -> ExecutorDeps:
    """The executor's dependencies; its writes are built for the catalog of the moment."""
    current = catalog()
    return ExecutorDeps(catalog=catalog, writes=write_calls(settings, current, secrets), reads=reads, store=store,
                        slack=slack, step_timeout=settings.evidence_timeout_seconds,
                        max_wait=settings.verify_max_wait_seconds)


def hand_off(settings: Settings, local: Callable[[], ExecutorDeps]) -> Callable[[str], object]:
    """How an approved proposal reaches the executor: its Lambda (async), or in this process."""
    if settings.executor_function:
        import boto3

        client = boto3.client("lambda", region_name=settings.aws_region)

        def invoke(proposal_id: str) -> object:
            payload = json.dumps({"proposal_id": proposal_id}).encode()
            return client.invoke(FunctionName=settings.executor_function, InvocationType="Event", Payload=payload)

        return invoke
    return lambda proposal_id: execute(proposal_id, local())


def approval_deps(settings: Settings, *, client: WebClient, store: ActionStore, slack: Poster,
                  local: Callable[[], ExecutorDeps]) -> ApprovalDeps:
    """The approval check's dependencies: user groups read through the Slack Web API."""
    def members(group: str) -> list[str]:
        return [str(user) for user in client.usergroups_users_list(usergroup=group).get("users") or []]

    return ApprovalDeps(store=store, slack=slack, members=members, execute=hand_off(settings, local))
