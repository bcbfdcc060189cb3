"""The deploy configuration's OpenAPI-described APIs (``apis:``): each one's spec, base URL, prefix and secret.

A spec is an ``https://`` URL, or a file shipped with the worker: a path under ``specs/`` in the repository, which
``infra.assets`` bundles into the worker's asset (and which the worker finds relative to its code). Each API's
credential is its own secret, ``PREFIX/NAME-api`` (``aiops/billing-api``), created by the stack.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

SHIPPED_SPECS = "specs"
"""The repository folder whose OpenAPI specs ship with the worker."""
_SPEC = rf"https://\S+|{SHIPPED_SPECS}/[\w./-]+\.(yaml|yml|json)"
SPEC_PATTERN = f"^({_SPEC})$"
OPTIONAL_SPEC_PATTERN = f"^({_SPEC})?$"


class DeployedApi(BaseModel):
    """One OpenAPI-described API the deployed worker reads (fields as in ``AIOPS_APIS``; the secret is the stack's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9]{0,30}$")
    prefix: str = Field(default="", pattern=r"^([a-z][a-z0-9_]{0,30}_)?$")
    spec: str = Field(pattern=SPEC_PATTERN)
    base_url: str = Field(default="", pattern=r"^(https://\S+)?$")
    extra_operations: tuple[str, ...] = ()

    @property
    def credential(self) -> str:
        """The API's credential set, named as its secret is (``billing-api``)."""
        return f"{self.name}-api"


def apis_setting(apis: Sequence[DeployedApi], secret_names: Sequence[str]) -> str:
    """The ``AIOPS_APIS`` value of the deployed APIs, each with its secret's name; empty with no API."""
    entries = [{**api.model_dump(exclude_defaults=True), "secret_name": secret}
               for api, secret in zip(apis, secret_names, strict=True)]
    return json.dumps(entries, separators=(",", ":")) if entries else ""


def api_problems(jobs_api_spec: str, apis: Sequence[DeployedApi], base_dir: Path) -> list[str]:
    """What is wrong with the deployed APIs: shipped specs that are not files, names or prefixes that clash."""
    from app.api_settings import ApiSettings
    from app.config import ConfigError, Settings
    from app.worker.apis import configured_apis
    from app.worker.toolsets import builtin_systems

    specs = [spec for spec in (jobs_api_spec, *(api.spec for api in apis)) if spec]
    problems = [f"spec {spec} is not a file under {base_dir / SHIPPED_SPECS}" for spec in specs
                if not spec.startswith("https://") and not (base_dir / spec).is_file()]
    entries = tuple(ApiSettings(**api.model_dump(exclude_defaults=True)) for api in apis)
    try:
        configured_apis(Settings(jobs_api_spec=jobs_api_spec, apis=entries), builtin_systems())
    except ConfigError as exc:
        problems.append(str(exc).removeprefix("AIOPS_APIS: "))
    return problems
