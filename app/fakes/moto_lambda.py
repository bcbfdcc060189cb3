"""Lambda's ``GetAccountSettings`` for moto, which lacks it, and a function's ``LastModified`` as a scenario sets it.

The account's limits default to a new account's (1,000 concurrent executions); the unreserved concurrency is
what the functions' reserved concurrency leaves, unless a scenario sets it; the usage counts the functions and
their code. :func:`seed_account_settings` overrides any of these numbers for one moto backend (a reset forgets it).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from moto.awslambda import responses as lambda_responses
from moto.awslambda import urls as lambda_urls

_ROUTE = r"{0}/(?P<api_version>[^/]+)/account-settings/?$"
_SETTINGS = "seeded_account_settings"
_DEFAULT_LIMIT = {
    "TotalCodeSize": 80_530_636_800,
    "CodeSizeUnzipped": 262_144_000,
    "CodeSizeZipped": 52_428_800,
    "ConcurrentExecutions": 1000,
}


def account_settings(backend: Any) -> dict[str, Any]:
    """The ``GetAccountSettings`` answer for one moto Lambda backend."""
    functions = list(backend.list_functions())
    seeded = getattr(backend, _SETTINGS, {})
    limit = {**_DEFAULT_LIMIT, **seeded.get("AccountLimit", {})}
    reserved = sum(function.reserved_concurrency or 0 for function in functions)
    limit.setdefault("UnreservedConcurrentExecutions", limit["ConcurrentExecutions"] - reserved)
    usage = {"TotalCodeSize": sum(function.code_size or 0 for function in functions), "FunctionCount": len(functions)}
    return {"AccountLimit": limit, "AccountUsage": {**usage, **seeded.get("AccountUsage", {})}}


def seed_account_settings(backend: Any, settings: dict[str, Any]) -> None:
    """Set some of the account's numbers: ``{AccountLimit: {ConcurrentExecutions: 100, …}, AccountUsage: {…}}``.

    Raises:
        ValueError: A key is not one ``GetAccountSettings`` returns, or a value is not a whole number.
    """
    known = {"AccountLimit": {*_DEFAULT_LIMIT, "UnreservedConcurrentExecutions"},
             "AccountUsage": {"TotalCodeSize", "FunctionCount"}}
    for part, values in settings.items():
        if part not in known or not isinstance(values, dict):
            raise ValueError(f"{part!r} is not AccountLimit or AccountUsage (an object of numbers)")
        for key, value in values.items():
            if key not in known[part] or not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{part}.{key} is not a number GetAccountSettings returns")
    current = getattr(backend, _SETTINGS, {})
    merged = {part: {**current.get(part, {}), **settings.get(part, {})} for part in known}
    setattr(backend, _SETTINGS, merged)


def lambda_time(moment: datetime) -> str:
    """A time as Lambda writes ``LastModified``: ``2026-11-21T03:00:00.000+0000``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _respond_account_settings(self: Any) -> Any:
    return 200, {}, json.dumps(account_settings(self.backend))


def install_lambda() -> None:
    """Serve ``GetAccountSettings`` from moto's Lambda (idempotent, process-wide)."""
    lambda_urls.url_paths.setdefault(_ROUTE, lambda_responses.LambdaResponse.dispatch)
    setattr(lambda_responses.LambdaResponse, "get_account_settings", _respond_account_settings)  # noqa: B010
