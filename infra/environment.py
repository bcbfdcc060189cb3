"""The environment each Lambda receives: ``AIOPS_`` variables for fields of ``app.config.Settings`` only.

A setting the bot version being deployed does not read is never passed. Leaving out a value the operator did
not choose (the name of a credential the bot cannot use yet) is harmless; leaving out one they did choose is not,
so that is a synth error.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws

from app.config import Settings
from infra.api_config import apis_setting
from infra.config import DeployConfig, DeployConfigError


def variable(field: str) -> str:
    """The environment variable of a Settings field."""
    return f"AIOPS_{field.upper()}"


@dataclass(frozen=True)
class Wiring:
    """Names of deployed resources the functions find each other by (CloudFormation references at synth)."""

    triage_table: str
    worker_function: str = ""
    idempotency_table: str = ""
    runbooks: str = ""
    executor_function: str = ""


def ingress_environment(config: DeployConfig, wiring: Wiring) -> dict[str, str]:
    """Settings of the ingress: Slack, the worker to start, its two tables."""
    return settings_environment(
        required={
            "alert_channels": ",".join(config.alert_channels),
            "secrets_backend": "aws",
            "slack_secret_name": config.secret_name("slack"),
            "worker_function": wiring.worker_function,
            "idempotency_table": wiring.idempotency_table,
            "triage_table": wiring.triage_table,
            "aws_region": Aws.REGION,
            "log_level": config.log_level,
        },
    )


def worker_environment(config: DeployConfig, wiring: Wiring) -> dict[str, str]:
    """Settings of the worker: Slack, storage, the catalog, the model, budgets and the investigated systems."""
    return settings_environment(
        required={
            "secrets_backend": "aws",
            "slack_secret_name": config.secret_name("slack"),
            "triage_table": wiring.triage_table,
            "aws_region": Aws.REGION,
            "runbooks": wiring.runbooks,
            "state_dir": "/tmp/aiops-state",  # noqa: S108 - the only writable folder in Lambda (runbook cache)
            "model": config.model,
            **{name: str(value) for name, value in config.budget.model_dump().items()},  # named as in Settings
            **{name: str(value) for name, value in config.alerts.model_dump().items()},  # named as in Settings
            **{f"price_{name}": str(value) for name, value in config.prices.model_dump().items()},
            "log_level": config.log_level,
        },
        chosen={
            "executor_function": wiring.executor_function,
            "github_api_url": config.github_api_url if config.runbooks_from_github else "",
            "github_secret_name": config.secret_name("github") if config.runbooks_from_github else "",
            "jobs_api_spec": config.jobs_api_spec,
            "jobs_api_base_url": config.jobs_api_base_url,
            "apis": apis_setting(config.apis, [config.secret_name(api.credential) for api in config.apis]),
            "google_project": config.google_project,
            "aws_read_services": ",".join(config.investigation.services()),
            "github_repos": ",".join(config.github_repos),
        },
        available={
            "github_api_url": config.github_api_url,
            "github_secret_name": config.secret_name("github"),
            "jobs_api_secret_name": config.secret_name("jobs-api"),
            "google_secret_name": config.secret_name("google"),
        },
    )


def settings_environment(
    required: dict[str, str], chosen: dict[str, str] | None = None, available: dict[str, str] | None = None
) -> dict[str, str]:
    """``required``: the bot must read them; ``chosen``: must be read if set; ``available``: passed if read."""
    fields = Settings.model_fields
    missing = [name for name in required if name not in fields]
    if missing:
        raise DeployConfigError(f"this version of the bot has no setting {', '.join(map(variable, missing))}")
    unread = [name for name, value in (chosen or {}).items() if value and name not in fields]
    if unread:
        names = ", ".join(map(variable, unread))
        raise DeployConfigError(f"the configuration sets {names}, which this version of the bot does not read")
    values = {**(available or {}), **{name: value for name, value in (chosen or {}).items() if value}, **required}
    return {variable(name): value for name, value in sorted(values.items()) if name in fields and value}
