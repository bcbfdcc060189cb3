"""The deployment configuration is validated before synthesis, with messages that say what to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from aws_cdk import App
from synthesis import BASE_CONFIG

from app.config import Settings
from infra.app import build_app
from infra.config import DEFAULT_CONFIG, REPO_ROOT, DeployConfigError, load_config
from infra.functions import LambdaAssets


def write(tmp_path: Path, config: dict[str, Any]) -> Path:
    path = tmp_path / "deploy.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_the_shipped_configuration_is_valid() -> None:
    config, runbooks = load_config(DEFAULT_CONFIG)
    assert config.alert_channels
    assert runbooks == REPO_ROOT / "runbooks"
    assert config.foundation_model_id.startswith("anthropic.")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"alert_channels": []}, "alert_channels: Tuple should have at least 1 item"),
        ({"alert_channels": ["general"]}, "alert_channels.0: String should match pattern"),
        ({"alret_channels": ["C0ALERTS01"]}, "alret_channels: Extra inputs are not permitted"),
        ({"log_retention_days": 10}, "log_retention_days: Value error, must be one of CloudWatch Logs' periods"),
        ({"model": "openai:gpt-4o"}, "model: Value error, a deployed bot uses 'none' or 'bedrock:MODEL_ID'"),
        ({"model": "bedrock:eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "model_regions": []},
         "list the regions the eu. inference profile routes to"),
        ({"model_regions": ["mars-1"]}, "model_regions: Value error, not AWS region names: mars-1"),
        ({"worker": {"memory_mb": 1024, "timeout_seconds": 200}},
         "worker.timeout_seconds (200) must be at least the agent and evidence budgets plus 60 s"),
        ({"ingress": {"memory_mb": 64, "timeout_seconds": 10}}, "ingress.memory_mb: Input should be greater"),
        ({"investigation": {"log_groups": ["/aws/*/jobs"]}}, "investigation.log_groups.0: String should match"),
        ({"investigation": {"dynamodb_tables": ["x"]}}, "investigation.dynamodb_tables: Extra inputs"),
        ({"jobs_api_spec": "http://jobs.internal/openapi.json"}, "jobs_api_spec: String should match pattern"),
        ({"alarm_topic_arn": "oncall"}, "alarm_topic_arn: String should match pattern"),
    ],
)
def test_invalid_values_are_named(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    path = write(tmp_path, {**BASE_CONFIG, **changes})
    with pytest.raises(DeployConfigError) as caught:
        load_config(path)
    assert f"invalid deployment configuration {path}" in str(caught.value)
    assert message in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DeployConfigError, match="cannot read deployment configuration .*nowhere.yaml"):
        load_config(tmp_path / "nowhere.yaml")


@pytest.mark.parametrize(("text", "message"), [("- a\n- b\n", "must hold a YAML mapping"),
                                               ("a: [b\n", "is not valid YAML")])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeployConfigError, match=message):
        load_config(path)


def test_a_runbook_folder_must_exist_and_hold_runbooks(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for folder in ("missing", "empty"):
        path = write(tmp_path, {**BASE_CONFIG, "runbooks": folder})
        with pytest.raises(DeployConfigError, match=f"runbooks folder .*{folder} does not exist or holds no"):
            load_config(path, base_dir=tmp_path)


def test_a_github_catalog_must_name_owner_repo_and_ref(tmp_path: Path) -> None:
    path = write(tmp_path, {**BASE_CONFIG, "runbooks": "github:acme"})
    with pytest.raises(DeployConfigError, match="runbooks must be a folder or github:OWNER/REPO@REF:PATH"):
        load_config(path)
    config, folder = load_config(write(tmp_path, {**BASE_CONFIG, "runbooks": "github:acme/ops@main:runbooks"}))
    assert (config.runbooks_from_github, folder) == (True, None)


def test_synth_refuses_a_choice_the_bot_cannot_use(tmp_path: Path, placeholder_assets: Path) -> None:
    unread = [name for name in ("google_project", "jobs_api_spec") if name not in Settings.model_fields]
    if not unread:
        pytest.skip("this build of the bot reads every optional setting")
    values = {"google_project": "ops-logs-123", "jobs_api_spec": "https://jobs.example.com/openapi.json"}
    path = write(tmp_path, {**BASE_CONFIG, unread[0]: values[unread[0]]})
    app = App(context={"config": str(path), "assets": str(placeholder_assets)})
    with pytest.raises(DeployConfigError, match=f"sets AIOPS_{unread[0].upper()}, which this version"):
        build_app(app)


def test_missing_assets_say_how_to_build_them(tmp_path: Path) -> None:
    with pytest.raises(DeployConfigError, match="lacks app/ingress/handler.py: run `make assets` first"):
        LambdaAssets.from_folder(tmp_path)
    app = App(context={"config": str(DEFAULT_CONFIG), "assets": str(tmp_path)})
    with pytest.raises(DeployConfigError, match="run `make assets` first"):
        build_app(app)


def test_aws_read_services_follow_the_investigation_scope() -> None:
    from infra.config import InvestigationScope

    assert InvestigationScope(log_groups=("/ecs/jobs-*",)).services() == ("logs",)
    assert InvestigationScope().services() == ()
    assert InvestigationScope(sqs_queues=("jobs-*",), cloudwatch_metrics=True).services() == ("sqs", "cloudwatch")
