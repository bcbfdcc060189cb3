"""The deployment's typed configuration, read from a YAML file and validated before anything is synthesised."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from infra.api_config import OPTIONAL_SPEC_PATTERN, DeployedApi, api_problems

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = REPO_ROOT / "infra" / "config.yaml"
# CloudWatch Logs accepts only these retention periods (days).
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                  3288, 3653)
# Regions a cross-region inference profile routes to, for the geographies whose set is known here.
PROFILE_REGIONS = {"us": ("us-east-1", "us-east-2", "us-west-2")}
PROFILE_PREFIXES = ("us", "eu", "apac", "jp", "au", "ca", "global")
_NAME = r"[A-Za-z0-9_.#/-]+\*?"  # a resource name, or a name prefix ending in one '*'
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_SERVICE_MARGIN_SECONDS = 60

ResourceNames = tuple[Annotated[str, Field(pattern=f"^{_NAME}$", max_length=512)], ...]


class DeployConfigError(Exception):
    """The deployment configuration is missing, unreadable or invalid; the message says what to fix."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FunctionSize(_Strict):
    """Memory and timeout of one Lambda function."""

    memory_mb: int = Field(ge=128, le=10240)
    timeout_seconds: int = Field(ge=3, le=900)


class Budget(_Strict):
    """The worker's per-investigation limits (AIOPS_MAX_TURNS, AIOPS_MAX_TOTAL_TOKENS, AIOPS_TIMEOUT_SECONDS)."""

    max_turns: int = Field(default=8, ge=1, le=50)
    max_total_tokens: int = Field(default=60_000, ge=1000)
    timeout_seconds: int = Field(default=240, ge=10)
    evidence_timeout_seconds: int = Field(default=20, ge=1)


class Scaling(_Strict):
    """How many investigations run at once, and how long a burst beyond that waits in Lambda's async queue."""

    worker_concurrency: int = Field(default=10, ge=1, le=1000)
    max_event_age_minutes: int = Field(default=360, ge=1, le=360)


class AlertHandling(_Strict):
    """Repeats, storms and the daily model budget (the AIOPS_ settings of the same names)."""

    repeat_window_seconds: int = Field(default=3600, ge=0)
    storm_window_seconds: int = Field(default=300, ge=0)
    storm_threshold: int = Field(default=2, ge=2)
    daily_budget_tokens: int = Field(default=0, ge=0)
    daily_budget_usd: float = Field(default=0.0, ge=0)
    channel_daily_budget_tokens: int = Field(default=0, ge=0)
    channel_daily_budget_usd: float = Field(default=0.0, ge=0)


class Prices(_Strict):
    """US dollars per million tokens of the deployed model (AIOPS_PRICE_*): the reports' and metrics' costs."""

    input_usd_per_mtok: float = Field(default=3.0, ge=0)
    output_usd_per_mtok: float = Field(default=15.0, ge=0)


class AlarmLimits(_Strict):
    """Thresholds of the alarms that depend on the deployment (errors and throttles alarm on the first one)."""

    ingress_p99_ms: int = Field(default=2500, ge=100, le=10_000)
    worker_duration_share: float = Field(default=0.8, gt=0, le=1)
    daily_cost_usd: float = Field(default=0.0, ge=0, description="0: no spending alarm")


class WorkerNetwork(_Strict):
    """Subnets and security groups the worker runs in, to reach private APIs (it then needs a NAT or endpoints)."""

    subnet_ids: tuple[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")], ...] = Field(min_length=1)
    security_group_ids: tuple[Annotated[str, Field(pattern=r"^sg-[0-9a-f]{8,17}$")], ...] = Field(min_length=1)


class InvestigationScope(_Strict):
    """What the worker may read in this account and region; an empty list grants nothing for that service.

    Names may end in ``*`` to cover every resource whose name starts with the text before it.
    """

    log_groups: ResourceNames = ()
    ecs_clusters: ResourceNames = ()
    state_machines: ResourceNames = ()
    sqs_queues: ResourceNames = ()
    lambda_functions: ResourceNames = ()
    ecr_repositories: ResourceNames = ()
    rds_instances: ResourceNames = ()
    schedules: ResourceNames = ()  # GROUP/NAME of EventBridge Scheduler schedules
    cloudwatch_metrics: bool = False
    load_balancers: bool = False  # ELBv2 describes have no resource-level permissions: all or nothing
    certificates: bool = False  # ACM certificates are named by generated ids: all or nothing
    auto_scaling: bool = False  # Auto Scaling describes have no resource-level permissions

    def services(self) -> tuple[str, ...]:
        """The boto3 services the worker's AWS tools may call: those this scope grants anything on."""
        granted = {
            "logs": self.log_groups,
            "ecs": self.ecs_clusters,
            "stepfunctions": self.state_machines,
            "sqs": self.sqs_queues,
            "lambda": self.lambda_functions,
            "cloudwatch": self.cloudwatch_metrics,
            "ecr": self.ecr_repositories,
            "rds": self.rds_instances,
            "scheduler": self.schedules,
            "elbv2": self.load_balancers,
            "acm": self.certificates,
            "autoscaling": self.auto_scaling,
        }
        return tuple(service for service, scope in granted.items() if scope)


class DeployConfig(_Strict):
    """Everything an operator chooses about one deployment."""

    stack_name: str = Field(default="RunbookAiops", pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
    secret_prefix: str = Field(default="aiops", pattern=r"^[a-z0-9][a-z0-9/_-]{0,40}$")
    alert_channels: tuple[Annotated[str, Field(pattern=r"^[CG][A-Z0-9]{8,12}$")], ...] = Field(min_length=1)
    model: str = "bedrock:us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    model_regions: tuple[str, ...] = ()
    runbooks: str = "runbooks"
    github_api_url: str = Field(default="https://api.github.com", pattern=r"^https://\S+$")
    jobs_api_spec: str = Field(default="", pattern=OPTIONAL_SPEC_PATTERN)
    jobs_api_base_url: str = Field(default="", pattern=r"^(https://\S+)?$")
    apis: tuple[DeployedApi, ...] = ()
    google_project: str = Field(default="", pattern=r"^([a-z][a-z0-9-]{4,28}[a-z0-9])?$")
    github_repos: tuple[Annotated[str, Field(pattern=r"^[\w.-]+/[\w.-]+$")], ...] = ()
    log_retention_days: int = 30
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    alarm_topic_arn: str = Field(default="", pattern=r"^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+)?$")
    ingress: FunctionSize = FunctionSize(memory_mb=256, timeout_seconds=10)
    worker: FunctionSize = FunctionSize(memory_mb=1024, timeout_seconds=600)
    worker_vpc: WorkerNetwork | None = None
    budget: Budget = Budget()
    scaling: Scaling = Scaling()
    alerts: AlertHandling = AlertHandling()
    prices: Prices = Prices()
    alarms: AlarmLimits = AlarmLimits()
    investigation: InvestigationScope = InvestigationScope()

    @field_validator("log_retention_days")
    @classmethod
    def _known_retention(cls, value: int) -> int:
        if value not in RETENTION_DAYS:
            raise ValueError(f"must be one of CloudWatch Logs' periods: {', '.join(map(str, RETENTION_DAYS))}")
        return value

    @field_validator("model")
    @classmethod
    def _deployable_model(cls, value: str) -> str:
        if value == "none" or re.fullmatch(r"bedrock:[a-z0-9.-]+\.[a-z0-9.:-]+", value):
            return value
        raise ValueError("a deployed bot uses 'none' or 'bedrock:MODEL_ID' (e.g. bedrock:us.anthropic.…-v1:0)")

    @field_validator("model_regions")
    @classmethod
    def _regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [region for region in value if not _REGION.match(region)]
        if bad:
            raise ValueError(f"not AWS region names: {', '.join(bad)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> DeployConfig:
        if self.profile_geography and not self.model_regions and self.profile_geography not in PROFILE_REGIONS:
            raise ValueError(
                f"model_regions: list the regions the {self.profile_geography}. inference profile routes to; "
                "the worker may invoke the foundation model in those regions only"
            )
        needed = self.budget.timeout_seconds + self.budget.evidence_timeout_seconds + _SERVICE_MARGIN_SECONDS
        if self.worker.timeout_seconds < needed:
            raise ValueError(
                f"worker.timeout_seconds ({self.worker.timeout_seconds}) must be at least the agent and evidence "
                f"budgets plus {_SERVICE_MARGIN_SECONDS} s for Slack and storage ({needed})"
            )
        return self

    @property
    def model_id(self) -> str:
        """The Bedrock model or inference profile id; empty when no model is deployed."""
        return self.model.removeprefix("bedrock:") if self.model != "none" else ""

    @property
    def profile_geography(self) -> str:
        """The inference profile's geography prefix (``us``, ``eu``, …), or empty for a plain model id."""
        prefix = self.model_id.split(".", 1)[0]
        return prefix if prefix in PROFILE_PREFIXES else ""

    @property
    def foundation_model_id(self) -> str:
        """The model id without its inference profile prefix."""
        return self.model_id.split(".", 1)[1] if self.profile_geography else self.model_id

    @property
    def foundation_model_regions(self) -> tuple[str, ...]:
        """Regions where the worker may invoke the foundation model through the profile."""
        return self.model_regions or PROFILE_REGIONS.get(self.profile_geography, ())

    @property
    def runbooks_from_github(self) -> bool:
        """True when the catalog is read from GitHub rather than shipped with the worker."""
        return self.runbooks.startswith("github:")

    def secret_name(self, credential: str) -> str:
        """The Secrets Manager name of one credential set (``slack``, ``github``, ``jobs-api``, ``google``)."""
        return f"{self.secret_prefix}/{credential}"


def load_config(path: Path = DEFAULT_CONFIG, base_dir: Path = REPO_ROOT) -> tuple[DeployConfig, Path | None]:
    """Read and validate the configuration; also return the runbook folder to ship, if the catalog is a folder.

    Raises:
        DeployConfigError: The file is missing, is not a YAML mapping, or a value is invalid.
    """
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DeployConfigError(f"cannot read deployment configuration {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise DeployConfigError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise DeployConfigError(f"{path} must hold a YAML mapping of settings")
    try:
        config = DeployConfig.model_validate(raw)
    except ValidationError as exc:
        raise DeployConfigError(f"invalid deployment configuration {path}:\n{_describe(exc)}") from exc
    problems = api_problems(config.jobs_api_spec, config.apis, base_dir)
    if problems:
        listed = "\n".join(f"  apis: {problem}" for problem in problems)
        raise DeployConfigError(f"invalid deployment configuration {path}:\n{listed}")
    return config, _runbook_folder(config, base_dir, path)


def _runbook_folder(config: DeployConfig, base_dir: Path, path: Path) -> Path | None:
    if config.runbooks_from_github:
        if not re.fullmatch(r"github:[\w.-]+/[\w.-]+@[\w./-]+(:[\w./-]*)?", config.runbooks):
            raise DeployConfigError(f"{path}: runbooks must be a folder or github:OWNER/REPO@REF:PATH")
        return None
    folder = (base_dir / config.runbooks).resolve()
    if not folder.is_dir() or not any(folder.rglob("*.md")):
        raise DeployConfigError(f"{path}: runbooks folder {folder} does not exist or holds no Markdown runbook")
    return folder


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {where}: {error['msg']}")
    return "\n".join(lines)
