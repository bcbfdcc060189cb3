"""Each tool set declares its tools' names once: nothing else in the bot's code spells them."""

from __future__ import annotations

import re
from pathlib import Path

import boto3
import pytest

from app.config import Settings
from app.fakes.cloud_logging import FakeCloudLogging
from app.fakes.jobs_api import SAMPLE_SPEC
from app.runbooks.catalog import Catalog
from app.worker.handler import tool_names
from app.worker.jobs_api import configured_spec, jobs_api_system
from tools import aws_policy, cloud_logging, github, runbooks
from tools.aws import AwsClients, aws_tools
from tools.aws_policy import AwsReadPolicy
from tools.openapi_mcp import operations
from tools.system import ToolSystem

ROOT = Path(__file__).resolve().parents[3]
CODE = sorted(path for package in ("app", "tools", "infra") for path in (ROOT / package).rglob("*.py"))
DECLARED: dict[str, ToolSystem] = {
    "tools/runbooks.py": runbooks.SYSTEM,
    "tools/cloud_logging.py": cloud_logging.SYSTEM,
    "tools/aws_policy.py": aws_policy.SYSTEM,
    "tools/github.py": github.SYSTEM,
}


def owners(declaring: str) -> tuple[str, ...]:
    """The modules of a tool set: its declaring module and the modules beside it named after the system."""
    stem = Path(declaring).stem.split("_")[0]
    return tuple(path.relative_to(ROOT).as_posix() for path in (ROOT / "tools").glob(f"{stem}*.py"))


def mentions(name: str) -> list[str]:
    word = re.compile(rf"\b{re.escape(name)}\b")
    return [path.relative_to(ROOT).as_posix() for path in CODE if word.search(path.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("declaring", "name"), [(path, name) for path, system in DECLARED.items()
                                                 for name in system.tools])
def test_a_tool_name_appears_only_in_its_tool_set(declaring: str, name: str) -> None:
    assert sorted(set(mentions(name)) - set(owners(declaring))) == []


@pytest.mark.parametrize("name", sorted(operations(configured_spec(Settings(jobs_api_spec=str(SAMPLE_SPEC))))))
def test_no_code_spells_a_jobs_api_operation_of_the_sample_spec(name: str) -> None:
    assert mentions(name) == []


def test_tool_sets_build_the_tools_they_declare() -> None:
    with FakeCloudLogging([]) as fake:
        credentials = cloud_logging.google_credentials(fake.service_account_info())
        client = cloud_logging.logging_client(credentials, fake.project, endpoint=fake.url)
        built = {
            runbooks.SYSTEM: [tool.tool_name for tool in runbooks.runbook_tools(Catalog(()))],
            cloud_logging.SYSTEM: [tool.tool_name for tool in cloud_logging.cloud_logging_tools(client).tools],
            aws_policy.SYSTEM: [tool.tool_name for tool in aws_tools(
                AwsClients(boto3.Session, region="us-east-1", timeout=5), AwsReadPolicy.for_services(["logs"])).tools],
            github.SYSTEM: [tool.tool_name for tool in github.github_tools(
                github.github_client("ghp-x", "http://127.0.0.1:9"), ["acme/runner"]).tools],
        }
    for system, names in built.items():
        assert tuple(names) == system.tools, system.key


def test_jobs_api_names_come_from_the_configured_spec_with_the_extra_operations() -> None:
    assert jobs_api_system(Settings()) is None
    sample = jobs_api_system(Settings(jobs_api_spec=str(SAMPLE_SPEC)))
    extra = jobs_api_system(Settings(jobs_api_spec=str(SAMPLE_SPEC), jobs_api_extra_operations=("jobs_cancel_job",)))
    assert sample is not None and extra is not None
    assert "jobs_cancel_job" not in sample.tools
    assert set(extra.tools) - set(sample.tools) == {"jobs_cancel_job"}
    assert (sample.label, sample.credential) == ("jobs API", "jobs-api")
    assert set(sample.tools) <= tool_names(Settings(jobs_api_spec=str(SAMPLE_SPEC)))
    assert not set(sample.tools) & tool_names(Settings())


def test_the_tools_package_does_not_import_the_app() -> None:
    importing = re.compile(r"^\s*(from app[.\s]|import app\b)", re.MULTILINE)
    assert [path.name for path in (ROOT / "tools").rglob("*.py") if importing.search(path.read_text())] == []
