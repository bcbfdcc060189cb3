"""A world of local fakes seeded from a scenario folder, and the settings that point the worker at it.

The folder follows the evaluation scenario format: ``aws.yaml`` (boto3 calls run against a local moto server),
``logs.jsonl`` (Cloud Logging entries), ``api.yaml`` (jobs API responses) and ``github/OWNER/REPO/…`` (files served
by the fake GitHub API). Missing files mean an empty backend. The demo's world is such a folder too.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Collection, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import httpx

from app.config import Settings
from app.fakes.aws import SeedError, load_aws_calls, seed_aws
from app.fakes.cloud_logging import FakeCloudLogging
from app.fakes.github_api import FakeGitHub
from app.fakes.http import LocalHTTPFake
from app.fakes.jobs_api import SAMPLE_SPEC, FakeJobsAPI, RouteError
from app.fakes.moto_patches import install_moto_patches
from tools.system import with_credentials

AWS_SERVICES = (
    "ecs",
    "ecr",
    "lambda",
    "sqs",
    "stepfunctions",
    "cloudwatch",
    "logs",
    "rds",
    "elbv2",
    "acm",
    "autoscaling",
    "scheduler",
)
"""The investigation services the world serves from moto, and the agent may read."""

SEED_ONLY_SERVICES = ("secretsmanager", "iam")
"""Also served from moto, for the world's own use: the bot's secrets, and roles that Lambda functions need."""


class WorldError(Exception):
    """A fixture file cannot be loaded or its seeding call failed; the message names the file and entry."""


BACKENDS = tuple(system.key for system in with_credentials())
"""The backends served by an HTTP fake, by system key: the systems the bot reaches with its own credential."""
MOTO_SEED = 7
"""Seeds moto's random ids, so the same ``aws.yaml`` yields the same task ARNs in every run."""
_NOW = re.compile(r"\{\{now(?:([+-])(\d+)([smhd]))?(\|ms)?\}\}")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_TEMPLATED = {".yaml", ".yml", ".json", ".jsonl"}


@contextmanager
def scenario_world(folder: Path, settings: Settings, down: Collection[str] = ()) -> Iterator[Settings]:
    """Start fresh fakes seeded from ``folder``; yield settings that point at them, restore everything after.

    Args:
        folder: The fixture folder.
        settings: The settings to point at the fakes.
        down: Backends (of :data:`BACKENDS`) that answer every request with 503, as in an outage.

    Raises:
        WorldError: A fixture file is malformed or a seeding call failed.
    """
    with ExitStack() as stack:
        folder = render_fixtures(folder, Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiops-world-"))))
        endpoint = stack.enter_context(_moto_server())
        stack.enter_context(_aws_environment(endpoint))
        _seed_aws(folder / "aws.yaml", settings.aws_region)
        github = stack.enter_context(FakeGitHub(token="ghp-" + secrets.token_hex(8)))
        if (folder / "github").is_dir():
            github.push_dir(folder / "github")
        jobs = stack.enter_context(_jobs_api(folder / "api.yaml"))
        logging_api = stack.enter_context(_cloud_logging(folder / "logs.jsonl"))
        fakes: dict[str, LocalHTTPFake] = {"jobs_api": jobs, "github": github, "cloud_logging": logging_api}
        _take_down(fakes, down)
        credentials: dict[str, dict[str, Any]] = {
            settings.github_secret_name: {"token": github.token},
            settings.jobs_api_secret_name: {"token": jobs.token},
            settings.google_secret_name: logging_api.service_account_info(),
        }
        _put_secrets(credentials, settings.aws_region)
        yield settings.model_copy(
            update={
                "secrets_backend": "aws",
                "github_api_url": github.url,
                "github_repos": tuple(sorted(github.repos)),
                "jobs_api_spec": str(SAMPLE_SPEC),
                "jobs_api_base_url": jobs.url,
                "google_project": logging_api.project,
                "google_logging_endpoint": logging_api.url,
                "aws_read_services": settings.aws_read_services or AWS_SERVICES,
            }
        )


def _take_down(fakes: dict[str, LocalHTTPFake], down: Collection[str]) -> None:
    """Make the named backends answer 503.

    Raises:
        WorldError: A name is no backend, or a declared backend has no fake here.
    """
    missing = sorted(set(BACKENDS) - set(fakes))
    if missing:
        raise WorldError(f"no fake serves the backend(s) {', '.join(missing)}: add one to the world")
    for name in down:
        if name not in fakes:
            raise WorldError(f"down: {name!r} is no backend (backends: {', '.join(BACKENDS)})")
        fakes[name].down = True


def render_fixtures(folder: Path, into: Path, now: datetime | None = None) -> Path:
    """Copy the fixture files into ``into`` with ``{{now}}`` times filled in; returns the copy.

    ``{{now}}``, ``{{now-15m}}`` or ``{{now+2h}}`` (units s, m, h, d) become ISO-8601 UTC times, and the same with
    ``|ms`` (``{{now-15m|ms}}``) epoch milliseconds: fixtures stay valid on any day (CloudWatch Logs refuses
    events older than 14 days, and evidence windows hang off an alert's time).
    """
    now = now or datetime.now(UTC)
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        target = into / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in _TEMPLATED:
            text = _NOW.sub(lambda found: _time_value(found, now), path.read_text(encoding="utf-8"))
            target.write_text(text, encoding="utf-8")
        else:
            target.write_bytes(path.read_bytes())
    return into


def _time_value(found: re.Match[str], now: datetime) -> str:
    sign, amount, unit, millis = found.group(1, 2, 3, 4)
    offset = timedelta(seconds=int(amount or 0) * _UNITS[unit or "s"]) * (-1 if sign == "-" else 1)
    moment = now + offset
    return str(int(moment.timestamp() * 1000)) if millis else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _seed_aws(path: Path, region: str) -> None:
    if not path.is_file():
        return
    try:
        seed_aws(load_aws_calls(path), boto3.session.Session(region_name=region), region=region)
    except SeedError as exc:
        raise WorldError(str(exc)) from exc


def _cloud_logging(path: Path) -> FakeCloudLogging:
    try:
        return FakeCloudLogging.from_file(path) if path.is_file() else FakeCloudLogging([])
    except ValueError as exc:
        raise WorldError(str(exc)) from exc


def _jobs_api(path: Path) -> FakeJobsAPI:
    token = "jobs-" + secrets.token_hex(8)
    try:
        return FakeJobsAPI.from_file(path, token=token) if path.is_file() else FakeJobsAPI(token=token)
    except RouteError as exc:
        raise WorldError(str(exc)) from exc


def _put_secrets(values: dict[str, dict[str, Any]], region: str) -> None:
    client = boto3.client("secretsmanager", region_name=region)
    for name, value in values.items():
        client.create_secret(Name=name, SecretString=json.dumps(value))


@contextmanager
def _moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per AWS call otherwise
    install_moto_patches()  # answers moto gets wrong: Logs Insights, Step Functions outcomes, Lambda settings
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        httpx.post(f"{url}/moto-api/reset", timeout=10).raise_for_status()  # moto's state is process-wide
        # generated ids (task ARNs, message ids) repeat from run to run, so a scenario's script can name them
        httpx.post(f"{url}/moto-api/seed", params={"a": MOTO_SEED}, timeout=10).raise_for_status()
        yield url
    finally:
        server.stop()


@contextmanager
def _aws_environment(endpoint: str) -> Iterator[None]:
    """Point the investigation services (only) at the local moto server; other services, e.g. Bedrock, are left."""
    session = botocore.session.get_session()
    names = {_endpoint_variable(session, service): endpoint for service in (*AWS_SERVICES, *SEED_ONLY_SERVICES)}
    names |= {key: "testing" for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if key not in os.environ}
    saved = {key: os.environ.get(key) for key in names}
    os.environ.update(names)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _endpoint_variable(session: botocore.session.Session, service: str) -> str:
    """The per-service endpoint variable botocore reads, named after the service id (``CloudWatch Logs`` → …_LOGS)."""
    service_id = session.get_service_model(service).service_id
    return "AWS_ENDPOINT_URL_" + str(service_id).replace(" ", "_").upper()
