"""``aiops runbooks check --deploy-config``: the runbook actions a deployment's executor would refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.cli import main
from app.fakes.jobs_api import SAMPLE_SPEC

ROOT = Path(__file__).resolve().parents[3]
SHIPPED: dict[str, Any] = yaml.safe_load((ROOT / "infra" / "config.yaml").read_text(encoding="utf-8"))
SVC = (ROOT / "tests" / "fixtures" / "runbooks" / "remediation" / "svc-1.md").read_text(encoding="utf-8")
JOBS = {"jobs_api_spec": "https://jobs.example.com/openapi.json", "jobs_api_base_url": "https://jobs.example.com"}
REFUSED = "actions.redeploy: the deployed executor refuses it: "


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], runbook: str, **config: Any) -> tuple[int, list[str]]:
    """Check a one-runbook catalog against the shipped deploy config with ``config`` changes."""
    folder = tmp_path / "catalog"
    folder.mkdir(exist_ok=True)
    (folder / "svc-1.md").write_text(runbook, encoding="utf-8")
    path = tmp_path / "deploy.yaml"
    path.write_text(yaml.safe_dump({**SHIPPED, "runbooks": str(folder), **config}), encoding="utf-8")
    code = main(["runbooks", "check", str(folder), "--deploy-config", str(path)])
    captured = capsys.readouterr()
    return code, captured.err.splitlines() + captured.out.splitlines()


def tool_line(text: str, action: int = 0) -> int:
    """The file line of the ``tool:`` key of the runbook's action number ``action``."""
    lines = text.splitlines()
    start = lines.index("actions:")
    tools = [number for number, line in enumerate(lines, start=1)
             if number > start and line.strip() == "tool: aws_write"]
    return tools[action]


@pytest.mark.usefixtures("aiops_env")
def test_an_action_inside_the_scope_is_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(tmp_path, capsys, SVC) == (0, ["1 runbooks valid, 0 problems"])


@pytest.mark.usefixtures("aiops_env")
def test_an_action_on_a_service_remediation_cannot_be_scoped_for_is_reported_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SVC.replace("service: ecs, operation: update_service", "service: rds, operation: reboot_db_instance")
    code, lines = check(tmp_path, capsys, text)
    assert code == 1
    assert lines == [f"svc-1.md:{tool_line(text)}: {REFUSED}rds.reboot_db_instance is on a service remediation "
                     "cannot be scoped for (scoped: ecs, lambda, sqs, stepfunctions)",
                     "1 runbooks valid, 1 problems"]


@pytest.mark.usefixtures("aiops_env")
def test_an_empty_scope_for_the_service_refuses_the_action_and_its_verification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = check(tmp_path, capsys, SVC, investigation={**SHIPPED["investigation"], "ecs_clusters": []})
    assert code == 1
    assert f"svc-1.md:{tool_line(SVC)}: {REFUSED}ecs.update_service is outside the investigation scope " \
           "(ecs_clusters is empty)" in lines
    verify_line = next(number for number, line in enumerate(SVC.splitlines(), start=1) if "steps: [{id: again" in line)
    assert f"svc-1.md:{verify_line}: actions.redeploy.verify.again: the deployed scope refuses it: " \
           "ecs:DescribeServices is not granted (see `investigation` in the deploy configuration)" in lines


@pytest.mark.usefixtures("aiops_env")
@pytest.mark.parametrize(("params", "resource"), [
    ("cluster: payments, service: '{service}'", "payments"),
    ("service: '{service}'", "default"),  # no cluster: ECS uses its default cluster
    ("cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/payments', service: '{service}'", "payments"),
])
def test_a_literal_resource_outside_the_scope_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], params: str, resource: str
) -> None:
    text = SVC.replace("params: {cluster: '{cluster}', service: '{service}', forceNewDeployment: true}",
                       f"params: {{{params}, forceNewDeployment: true}}")
    code, lines = check(tmp_path, capsys, text)
    assert code == 1
    assert f"svc-1.md:{tool_line(text)}: {REFUSED}ecs.update_service on {resource}, which ecs_clusters does not " \
           "cover (jobs)" in lines


@pytest.mark.usefixtures("aiops_env")
def test_a_prefix_in_the_scope_covers_a_literal_resource_it_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SVC.replace("cluster: '{cluster}', service: '{service}', forceNewDeployment",
                       "cluster: jobs-batch, service: '{service}', forceNewDeployment")
    scope = {**SHIPPED["investigation"], "ecs_clusters": ["jobs-*"]}
    assert check(tmp_path, capsys, text, investigation=scope) == (0, ["1 runbooks valid, 0 problems"])


@pytest.mark.usefixtures("aiops_env")
def test_an_operation_the_service_does_not_have_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SVC.replace("operation: update_service, params", "operation: update_servics, params")
    code, lines = check(tmp_path, capsys, text)
    assert code == 1
    assert f"svc-1.md:{tool_line(text)}: {REFUSED}ecs has no operation 'update_servics'" in lines


@pytest.mark.usefixtures("aiops_env")
def test_a_github_catalog_grants_the_executor_no_aws_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = check(tmp_path, capsys, SVC, runbooks="github:acme/runbooks@main:runbooks")
    assert code == 1
    assert lines[0].startswith(f"svc-1.md:{tool_line(SVC)}: {REFUSED}ecs.update_service: the deployment reads its "
                               "runbooks from GitHub, so the executor's role is granted no AWS action")


@pytest.mark.usefixtures("aiops_env")
def test_a_jobs_api_action_needs_the_deployed_jobs_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))
    deploy = tmp_path / "deploy.yaml"
    deploy.write_text(yaml.safe_dump({**SHIPPED, "runbooks": str(ROOT / "runbooks"), "google_project": "jobs-1234"}))

    code = main(["runbooks", "check", str(ROOT / "runbooks"), "--deploy-config", str(deploy)])

    lines = capsys.readouterr().err.splitlines()
    assert code == 1
    assert "ecs/ecs-001-cannot-pull-container.md:82: actions.retry-job: the deployed executor refuses it: " \
           "jobs_retry_job needs the jobs API, which the deployment does not configure (set jobs_api_spec)" in lines


@pytest.mark.usefixtures("aiops_env")
def test_a_jobs_api_action_must_be_a_write_operation_of_the_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))
    text = SVC.replace("tool: aws_write\n    args: {service: ecs, operation: update_service, params: "
                       "{cluster: '{cluster}', service: '{service}', forceNewDeployment: true}}",
                       "tool: jobs_pause_job\n    args: {job_id: '{service}'}")
    code, lines = check(tmp_path, capsys, text, **JOBS)
    assert code == 1
    line = next(number for number, item in enumerate(text.splitlines(), start=1) if "tool: jobs_pause_job" in item)
    assert lines == [f"svc-1.md:{line}: {REFUSED}jobs_pause_job is not a write operation of the jobs API spec "
                     "(its writes: jobs_cancel_job, jobs_delete_job, jobs_retry_job)", "1 runbooks valid, 1 problems"]
