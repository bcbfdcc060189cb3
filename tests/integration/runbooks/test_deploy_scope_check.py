"""``aiops runbooks check --deploy-config``: the evidence steps a deployment's read scope would refuse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.cli import main
from app.fakes.jobs_api import SAMPLE_SPEC
from app.runbooks.scope import iam_action

ROOT = Path(__file__).resolve().parents[3]
SHIPPED: dict[str, Any] = yaml.safe_load((ROOT / "infra" / "config.yaml").read_text(encoding="utf-8"))
APIS = {"jobs_api_spec": "https://jobs.example.com/openapi.json", "jobs_api_base_url": "https://jobs.example.com",
        "google_project": "jobs-prod-123"}


def check(tmp_path: Path, config: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    path = tmp_path / "deploy.yaml"
    path.write_text(yaml.safe_dump({**config, "runbooks": str(ROOT / "runbooks")}))
    code = main(["runbooks", "check", str(ROOT / "runbooks"), "--deploy-config", str(path)])
    captured = capsys.readouterr()
    return code, captured.err.splitlines() + captured.out.splitlines()


@pytest.fixture
def jobs_api_spec(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample jobs API configured, as the repository's runbooks expect (their steps name its tools)."""
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))


@pytest.mark.usefixtures("aiops_env", "jobs_api_spec")
def test_the_shipped_scope_grants_every_evidence_step_of_the_sample_runbooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = check(tmp_path, {**SHIPPED, **APIS}, capsys)
    assert lines == ["13 runbooks valid, 0 problems"]
    assert code == 0


@pytest.mark.usefixtures("aiops_env", "jobs_api_spec")
def test_a_narrow_scope_reports_each_refused_step_with_its_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    narrow = {**SHIPPED, **APIS, "investigation": {"log_groups": ["/aws/lambda/jobs-*"], "ecs_clusters": ["jobs"]}}

    code, lines = check(tmp_path, narrow, capsys)

    assert code == 1
    assert "ecs/ecs-001-cannot-pull-container.md:29: evidence.image: the deployed scope refuses it: " \
           "ecr:DescribeImages is not granted (see `investigation` in the deploy configuration)" in lines
    refused = {re.sub(r":\d+: .*refuses it: ", " ", line).split(" is not granted")[0] for line in lines
               if "is not granted" in line}
    for action in ("ecr:DescribeImages", "rds:DescribeDBInstances", "elasticloadbalancing:DescribeTargetHealth",
                   "acm:DescribeCertificate", "autoscaling:DescribeAutoScalingGroups", "scheduler:GetSchedule",
                   "cloudwatch:GetMetricStatistics", "states:DescribeExecution", "lambda:GetAccountSettings"):
        assert any(item.endswith(action) for item in refused), action
    assert any("log group /ecs/jobs-api matches no granted log group (/aws/lambda/jobs-*)" in line for line in lines)
    assert not any("log group /aws/lambda/{function}" in line for line in lines)  # may fall under the prefix
    assert not any("probes.ecs-task.task" in line for line in lines)  # ecs_clusters grants ecs:DescribeTasks
    assert any(line.startswith("_entities.yaml:") and "probes.sfn-execution.execution: " in line
               and "states:DescribeExecution is not granted" in line for line in lines)
    for line in lines[:-1]:
        assert re.match(r"^([a-z0-9-]+/[a-z0-9-]+\.md:\d+: evidence|_entities\.yaml:\d+: probes)\.[a-z0-9_.-]+: ",
                        line), line


@pytest.mark.usefixtures("aiops_env", "jobs_api_spec")
def test_unconfigured_apis_are_refused_by_tool(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = check(tmp_path, SHIPPED, capsys)
    assert code == 1
    assert "jobs/jobs-004-started-at-missing.md:35: evidence.task-logs: the deployed scope refuses it: " \
           "cloud_logging_query is not deployed (set google_project)" in lines


@pytest.mark.usefixtures("aiops_env", "jobs_api_spec")
def test_an_invalid_deploy_config_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = check(tmp_path, {**SHIPPED, "investigation": {"rds_instances": ["bad name"]}}, capsys)
    assert code == 2
    assert any("investigation.rds_instances.0: String should match pattern" in line for line in lines)


@pytest.mark.parametrize(("service", "operation", "action"), [
    ("stepfunctions", "describe_execution", "states:DescribeExecution"),
    ("cloudwatch", "get_metric_statistics", "cloudwatch:GetMetricStatistics"),
    ("elbv2", "describe_target_health", "elasticloadbalancing:DescribeTargetHealth"),
    ("scheduler", "get_schedule", "scheduler:GetSchedule"),
    ("ecs", "no_such_operation", None),
    ("nonsense", "describe_things", None),
])
def test_boto3_calls_map_to_their_iam_actions(service: str, operation: str, action: str | None) -> None:
    assert iam_action(service, operation) == action
