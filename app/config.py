"""Settings: the only place that reads the environment.

Settings hold names of secrets, never their values. Secrets are read by the one reader of
``app.secret_reader``: from AWS Secrets Manager when ``AIOPS_SECRETS_BACKEND=aws``, or from an environment
variable holding the same JSON document locally (`env_secret`).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.api_settings import ApiSettings


class ConfigError(Exception):
    """A setting or a secret is missing or malformed."""


class Settings(BaseSettings):
    """Every setting of the bot; each field is read from ``AIOPS_<FIELD NAME>``."""

    model_config = SettingsConfigDict(env_prefix="AIOPS_", extra="ignore", frozen=True)

    # Slack
    alert_channels: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="Channel ids whose top-level messages are alerts (comma-separated)."
    )
    slack_api_url: str = Field(default="https://slack.com/api/", description="Slack Web API base URL.")
    slack_secret_name: str = Field(
        default="aiops/slack", description="Secret with signing_secret and bot_token (JSON)."
    )
    secrets_backend: Literal["aws", "env"] = Field(
        default="env", description="Where secrets come from: Secrets Manager or AIOPS_SECRET_<NAME> variables."
    )
    secrets_max_age_seconds: int = Field(
        default=300, ge=0, description="How long a secret read from Secrets Manager is cached; 0: read every time."
    )
    # Hand-off and state
    worker_function: str = Field(default="", description="Worker Lambda name; empty runs the worker in-process.")
    verify_max_wait_seconds: float = Field(
        default=300.0, ge=0, description="Longest wait before an executed action's verification (its 'after')."
    )
    executor_function: str = Field(
        default="", description="Executor Lambda name (approved runbook actions); empty runs them in-process."
    )
    idempotency_table: str = Field(default="", description="DynamoDB table for event dedupe; empty uses SQLite.")
    idempotency_ttl_seconds: int = Field(
        default=3600, ge=300, description="How long an event id is remembered; at least Slack's 5-minute window."
    )
    slack_app_id: str = Field(default="", description="The Slack app id (A…); other apps' events are dropped.")
    questions_per_minute: int = Field(default=6, ge=1, description="Questions one person may start per minute.")
    triage_table: str = Field(default="", description="DynamoDB table for triage records; empty uses SQLite.")
    state_dir: Path = Field(default=Path(".aiops-state"), description="Folder for the local SQLite stores.")
    aws_region: str = Field(default="us-east-1", description="Region for every AWS client (pinned).")
    # Investigation
    runbooks: str = Field(
        default="runbooks", description="Runbook catalog source: a folder path or github:OWNER/REPO@REF:PATH."
    )
    model: str = Field(default="none", description="Model spec, e.g. none, scripted:PATH, bedrock:MODEL_ID.")
    model_runs: Literal["always", "no-verdict", "explain", "never"] = Field(
        default="always",
        description="When the model runs: always; only when the runbook reached no verdict; explain (a full "
        "investigation without a verdict, one turn without tools to explain a reached one); or never.",
    )
    runbook_tiebreak: bool = Field(default=True, description="Let the model choose among close lexical runbooks.")
    max_turns: int = Field(default=8, ge=1, description="Agent turns per investigation.")
    max_total_tokens: int = Field(default=60_000, ge=1000, description="Tokens (input+output) per investigation.")
    timeout_seconds: float = Field(default=240.0, gt=0, description="Wall-clock budget of the agent.")
    evidence_timeout_seconds: float = Field(default=20.0, gt=0, description="Timeout of one evidence step.")
    tool_result_max_chars: int = Field(default=8000, ge=500, description="Cap on one tool result.")
    model_read_timeout_seconds: float = Field(default=60.0, gt=0, description="Model client read timeout.")
    model_max_attempts: int = Field(default=3, ge=1, le=10, description="Model client attempts (retries + 1).")
    ollama_host: str = Field(default="", description="Ollama server URL for ollama:MODEL (default localhost).")
    log_level: str = Field(default="INFO", description="Log level of the bot's loggers.")
    # GitHub (runbook catalog and source-code tools)
    github_api_url: str = Field(
        default="https://api.github.com", description="GitHub REST API base URL (GitHub Enterprise: https://HOST/api/v3)."
    )
    github_secret_name: str = Field(
        default="aiops/github", description="Secret with the GitHub token (JSON key token)."
    )
    # Jobs API (OpenAPI → MCP)
    jobs_api_spec: str = Field(
        default="", description="OpenAPI spec of the jobs API (path or URL); empty: no jobs API tools."
    )
    jobs_api_base_url: str = Field(
        default="", description="Jobs API base URL; empty: the spec's first server URL."
    )
    jobs_api_secret_name: str = Field(
        default="aiops/jobs-api", description="Secret with the jobs API bearer token (JSON key token)."
    )
    jobs_api_extra_operations: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="Operation ids exposed beyond GET (comma-separated); empty: read-only."
    )
    apis: tuple[ApiSettings, ...] = Field(
        default=(), description="More OpenAPI-described APIs (JSON list of {name, spec, prefix, base_url, ...})."
    )
    # Cloud Logging, AWS and GitHub tools
    google_project: str = Field(
        default="", description="Google Cloud project whose logs the Cloud Logging tool reads; empty disables the tool."
    )
    google_secret_name: str = Field(
        default="aiops/google",
        description="Secret holding a service-account key or a workload identity federation config (JSON).",
    )
    google_logging_endpoint: str = Field(
        default="", description="Cloud Logging API endpoint override (a local fake); empty uses Google's."
    )
    aws_read_services: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="boto3 service names the AWS tools may read (comma-separated, e.g. ecs,lambda,logs); empty: none.",
    )
    github_repos: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="OWNER/REPO the code tools may read (comma-separated); empty disables them."
    )
    # Slack experience
    progress_interval_seconds: float = Field(
        default=1.2, ge=0.2, description="Least time between two updates of the progress message (Tier 3: 50/min)."
    )
    price_input_usd_per_mtok: float = Field(
        default=3.0, ge=0, description="Price of a million input tokens (USD), for the cost in the report footer."
    )
    price_output_usd_per_mtok: float = Field(
        default=15.0, ge=0, description="Price of a million output tokens (USD), for the cost in the report footer."
    )
    # Repeats, storms and the daily model budget
    repeat_window_seconds: float = Field(
        default=3600.0, ge=0, description="The same alert firing again this soon joins its investigation; 0: off."
    )
    storm_window_seconds: float = Field(
        default=300.0, ge=0, description="Alike alerts (same runbook, other fields) this soon are grouped; 0: off."
    )
    storm_threshold: int = Field(default=2, ge=2, description="The how-many-th alike alert is the first to join.")
    slack_archive_url: str = Field(
        default="https://slack.com/archives", description="Base of thread links (https://WORKSPACE.slack.com/archives)."
    )
    daily_budget_tokens: int = Field(default=0, ge=0, description="Model tokens per workspace and UTC day; 0: none.")
    daily_budget_usd: float = Field(default=0.0, ge=0, description="Model dollars per workspace and UTC day; 0: none.")
    channel_daily_budget_tokens: int = Field(default=0, ge=0, description="Model tokens per channel and day; 0: none.")
    channel_daily_budget_usd: float = Field(default=0.0, ge=0, description="Model dollars per channel and day; 0: off.")

    @field_validator("alert_channels", "aws_read_services", "github_repos", mode="before")
    @classmethod
    def _split_channels(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("jobs_api_extra_operations", mode="before")
    @classmethod
    def _split_operations(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment, with explicit overrides on top.

    Raises:
        ConfigError: A setting has an invalid value.
    """
    try:
        return Settings(**overrides)
    except ValueError as exc:
        raise ConfigError(f"invalid AIOPS_ settings: {exc}") from exc


def setting_default(name: str) -> Any:
    """The default of setting ``name``: what the dataclasses below the composition roots default to as well.

    Raises:
        KeyError: There is no such setting.
    """
    return Settings.model_fields[name].default


def tracing_wanted() -> bool:
    """Whether Powertools would trace here: inside Lambda (not an emulator) unless ``POWERTOOLS_TRACE_DISABLED``."""
    disabled = os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in ("1", "true", "yes", "on")
    emulated = bool(os.environ.get("AWS_SAM_LOCAL") or os.environ.get("AWS_CHALICE_CLI_MODE"))
    return bool(os.environ.get("LAMBDA_TASK_ROOT")) and not emulated and not disabled


def apply_log_level(settings: Settings) -> None:
    """Set the level of the bot's own loggers (``app`` and ``tools``)."""
    for name in ("app", "tools"):
        logging.getLogger(name).setLevel(settings.log_level.upper())


def secret_env_var(name: str) -> str:
    """The environment variable holding secret ``name`` locally (``aiops/slack`` → ``AIOPS_SECRET_SLACK``)."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()
    stem = stem.removeprefix("AIOPS_")
    return f"AIOPS_SECRET_{stem}"


def env_secret(name: str) -> str | None:
    """The JSON document of secret ``name`` in its local variable (see `secret_env_var`); None when unset."""
    return os.environ.get(secret_env_var(name))
