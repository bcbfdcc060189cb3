"""Seed-only operations of ``aws.yaml``: state no AWS call can set, written straight into moto's backends.

They run in the process that holds moto (the world's in-process server, or ``mock_aws`` in a test), in moto's
default account. Each is ``{service, op, params}`` like a boto3 call:

- ``stepfunctions.seed_execution`` ``{executionArn, status, error, cause, output, state, startDate, stopDate}``:
  how an execution ended (``FAILED``, ``TIMED_OUT``, ``ABORTED``, ``SUCCEEDED`` or ``RUNNING``), which state it
  ended in (default the first), and when.
- ``stepfunctions.seed_state_machine`` ``{stateMachineArn, creationDate}``.
- ``ecs.seed_task`` ``{cluster, task, stopCode, stoppedReason, startedAt, stoppingAt, stoppedAt,
  containers: [{name, exitCode, reason, lastStatus}]}``: how a (stopped) task ended.
- ``lambda.seed_function`` ``{FunctionName, LastModified}``.
- ``lambda.seed_account_settings`` ``{AccountLimit: {ConcurrentExecutions, UnreservedConcurrentExecutions, …},
  AccountUsage: {FunctionCount, TotalCodeSize}}``: what ``get_account_settings`` returns.

Times are ISO-8601 (``{{now-2h}}``); each op returns ``{}`` (nothing to ``save``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ecs.models import ecs_backends
from moto.stepfunctions.responses import get_backend as states_backend

from app.fakes.moto_ecs import seed_task
from app.fakes.moto_lambda import lambda_time, seed_account_settings
from app.fakes.moto_states import seed_execution


class SeedOpError(ValueError):
    """A seed-only operation got params it cannot apply."""


def moment(value: Any, name: str) -> datetime:
    """A time param: an ISO-8601 string or a YAML timestamp (naive means UTC).

    Raises:
        SeedOpError: The value is not a time.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise SeedOpError(f"{name} must be an ISO-8601 time, not {value!r}") from exc
    if not isinstance(value, datetime):
        raise SeedOpError(f"{name} must be an ISO-8601 time, not {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _required(params: dict[str, Any], name: str) -> Any:
    if not params.get(name):
        raise SeedOpError(f"params.{name} is required")
    return params[name]


def _seed_execution(params: dict[str, Any], region: str) -> None:
    outcome = dict(params)
    for name in ("startDate", "stopDate"):
        if name in outcome:
            outcome[name] = moment(outcome[name], name)
    backend = states_backend(DEFAULT_ACCOUNT_ID, region)
    execution = backend.describe_execution(_required(params, "executionArn"))
    states = json.loads(backend.describe_state_machine(execution.state_machine_arn).definition).get("States", {})
    if "state" in params and params["state"] not in states:
        raise SeedOpError(f"params.state {params['state']!r} is not a state of the machine ({', '.join(states)})")
    seed_execution(execution, outcome)


def _seed_state_machine(params: dict[str, Any], region: str) -> None:
    machine = states_backend(DEFAULT_ACCOUNT_ID, region).describe_state_machine(_required(params, "stateMachineArn"))
    machine.creation_date = moment(_required(params, "creationDate"), "creationDate")


def _seed_function(params: dict[str, Any], region: str) -> None:
    function = lambda_backends[DEFAULT_ACCOUNT_ID][region].get_function(_required(params, "FunctionName"))
    function.last_modified = lambda_time(moment(_required(params, "LastModified"), "LastModified"))


def _seed_task(params: dict[str, Any], region: str) -> None:
    backend = ecs_backends[DEFAULT_ACCOUNT_ID][region]
    tasks = backend.describe_tasks(params.get("cluster", "default"), [_required(params, "task")])
    if not tasks:
        raise SeedOpError(f"no task {params['task']!r} in cluster {params.get('cluster', 'default')!r}")
    names: tuple[str, ...] = ("startedAt", "stoppingAt", "stoppedAt")
    times = {name: moment(params[name], name) for name in names if name in params}
    seed_task(tasks[0], params, times)


def _seed_account_settings(params: dict[str, Any], region: str) -> None:
    seed_account_settings(lambda_backends[DEFAULT_ACCOUNT_ID][region], params)


SEED_OPS: dict[tuple[str, str], Callable[[dict[str, Any], str], None]] = {
    ("stepfunctions", "seed_execution"): _seed_execution,
    ("stepfunctions", "seed_state_machine"): _seed_state_machine,
    ("ecs", "seed_task"): _seed_task,
    ("lambda", "seed_function"): _seed_function,
    ("lambda", "seed_account_settings"): _seed_account_settings,
}
"""The seed-only operations by (service, op)."""


def run_seed_op(service: str, op: str, params: dict[str, Any], region: str) -> dict[str, Any]:
    """Apply one seed-only operation; moto's own errors (an unknown ARN or function) pass through.

    Raises:
        SeedOpError: The params are missing or malformed.
    """
    try:
        SEED_OPS[(service, op)](params, region)
    except ValueError as exc:
        raise SeedOpError(str(exc)) from exc
    return {}
