"""Seed a moto AWS account from a scenario's ``aws.yaml``: a list of boto3 calls run in order.

Each call is ``{service, op, params}`` with ``op`` the boto3 method name (``create_cluster``). A call may
``save: NAME`` its response; later params refer to it with ``{{NAME.path.to[0].field}}`` (a string that is
only a reference takes the referenced value as it is, list or number; inside a longer string it is
formatted in; ``{{NAME.path|id}}`` takes what follows an ARN's last ``/``, e.g. a task's id). That is how a
scenario stops the task it just ran::

    - {service: ecs, op: run_task, save: run,
       params: {cluster: jobs, taskDefinition: runner, launchType: FARGATE}}
    - {service: ecs, op: stop_task,
       params: {cluster: jobs, task: "{{run.tasks[0].taskArn}}", reason: "CannotPullContainerError: …"}}

An ``op`` starting with ``seed_`` is a seed-only operation that sets what no AWS call can (how a Step Functions
execution ended, a Lambda function's ``LastModified``, the account's Lambda settings): see :mod:`app.fakes.seed_ops`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import boto3

_REFERENCE = re.compile(r"\{\{\s*([A-Za-z_][\w-]*)((?:\.[\w@-]+|\[\d+\])*)\s*(\|\s*id\s*)?\}\}")
_STEP = re.compile(r"\.([\w@-]+)|\[(\d+)\]")


class SeedError(ValueError):
    """A seed call is malformed, refers to something unknown, or failed."""


def load_aws_calls(path: Path) -> list[dict[str, Any]]:
    """The calls of an ``aws.yaml`` file.

    Raises:
        SeedError: The file is not a list of ``{service, op, params}`` objects.
    """
    try:
        calls = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"cannot read {path}: {exc}") from exc
    if not isinstance(calls, list):
        raise SeedError(f"{path} must hold a list of {{service, op, params}} calls")
    return calls


def seed_aws(
    calls: list[dict[str, Any]], session: boto3.session.Session, *, region: str = "us-east-1"
) -> dict[str, Any]:
    """Run the calls in order (under moto); returns the saved responses by name.

    Raises:
        SeedError: A call is malformed, refers to an unknown response, or fails; the message names the call.
    """
    saved: dict[str, Any] = {}
    clients: dict[str, Any] = {}
    for number, call in enumerate(calls, start=1):
        service, op, params, name = _parts(call, number)
        where = f"seed call {number} ({service}.{op})"
        try:
            response = _call(clients, session, region, (service, op), resolve(params, saved))
        except SeedError as exc:
            raise SeedError(f"{where}: {exc}") from exc
        except Exception as exc:  # botocore's errors name the problem
            raise SeedError(f"{where} failed: {exc}") from exc
        if name:
            saved[name] = response
    return saved


def _call(clients: dict[str, Any], session: boto3.session.Session, region: str, name: tuple[str, str],
          params: dict[str, Any]) -> Any:
    """One boto3 call, or one seed-only operation (see :mod:`app.fakes.seed_ops`) when ``op`` starts with ``seed_``."""
    service, op = name
    if op.startswith("seed_"):
        from app.fakes.seed_ops import SEED_OPS, run_seed_op  # moto's models: only for scenarios that need them

        if name not in SEED_OPS:
            raise SeedError(f"{service} has no seed operation {op!r} (known: {', '.join(o for _, o in SEED_OPS)})")
        return run_seed_op(service, op, params, region)
    client = clients.setdefault(service, session.client(service, region_name=region))  # type: ignore[call-overload]
    if not hasattr(client, op):
        raise SeedError(f"{service} has no operation {op!r}")
    return getattr(client, op)(**params)


def _parts(call: Any, number: int) -> tuple[str, str, dict[str, Any], str]:
    if not isinstance(call, dict) or not isinstance(call.get("service"), str) or not isinstance(call.get("op"), str):
        raise SeedError(f"seed call {number} must be an object with service and op strings")
    params = call.get("params") or {}
    if not isinstance(params, dict):
        raise SeedError(f"seed call {number}: params must be an object")
    return call["service"], call["op"], params, str(call.get("save") or "")


def resolve(value: Any, saved: dict[str, Any]) -> Any:
    """``value`` with every ``{{NAME.path}}`` reference replaced from the saved responses.

    Raises:
        SeedError: A reference names an unknown response or a missing path.
    """
    if isinstance(value, dict):
        return {key: resolve(item, saved) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, saved) for item in value]
    if not isinstance(value, str):
        return value
    whole = _REFERENCE.fullmatch(value.strip())
    if whole:
        return _follow(whole, saved)
    return _REFERENCE.sub(lambda found: str(_follow(found, saved)), value)


def _follow(found: re.Match[str], saved: dict[str, Any]) -> Any:
    name, path = found.group(1), found.group(2)
    if name not in saved:
        raise SeedError(f"{found.group(0)} refers to no saved response (saved: {', '.join(saved) or 'none'})")
    value = saved[name]
    for key, index in _STEP.findall(path):
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError) as exc:
            raise SeedError(f"{found.group(0)}: the response has no {key or index}") from exc
    return str(value).rsplit("/", 1)[-1] if found.group(3) else value
