"""Several OpenAPI-described APIs in the deploy configuration: their settings, secrets, grants and shipped specs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from synthesis import BASE_CONFIG, Synthesised

from app.config import Settings
from app.worker.apis import configured_apis
from infra import assets
from infra.api_config import SHIPPED_SPECS
from infra.config import REPO_ROOT, DeployConfigError, load_config

BILLING = {"name": "billing", "spec": "https://billing.example.com/openapi.json",
           "base_url": "https://billing.example.com", "extra_operations": ["refundInvoice"]}
SHIPPED = {"name": "crm", "prefix": "crm_", "spec": "specs/crm.yaml", "base_url": "https://crm.internal.example"}


def write(tmp_path: Path, config: dict[str, Any]) -> Path:
    path = tmp_path / "deploy.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def shipped_repo(tmp_path: Path) -> Path:
    """A checkout holding the sample runbooks and one spec under specs/."""
    shutil.copytree(REPO_ROOT / "runbooks", tmp_path / "runbooks")
    (tmp_path / SHIPPED_SPECS).mkdir()
    (tmp_path / SHIPPED_SPECS / "crm.yaml").write_text("openapi: 3.0.0\npaths: {}\n", encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def with_apis(synth: Callable[..., Synthesised]) -> Synthesised:
    return synth(apis=[BILLING], jobs_api_spec="https://jobs.example.com/openapi.json")


def test_the_worker_gets_each_api_with_its_own_secret(with_apis: Synthesised) -> None:
    variables = with_apis.function("app.worker.handler")["Environment"]["Variables"]
    (entry,) = json.loads(variables["AIOPS_APIS"])

    assert entry == {**BILLING, "secret_name": "aiops/billing-api"}
    settings = Settings(jobs_api_spec=variables["AIOPS_JOBS_API_SPEC"], apis=json.loads(variables["AIOPS_APIS"]))
    assert [(api.name, api.prefix) for api in configured_apis(settings)] == [("jobs", ""), ("billing", "billing_")]


def test_each_api_has_a_secret_the_worker_alone_may_read(with_apis: Synthesised) -> None:
    secret_id = with_apis.logical_id("AWS::SecretsManager::Secret", "SecretsBillingApi")
    assert with_apis.resources[secret_id]["Properties"]["Name"] == "aiops/billing-api"
    readers = [
        policy["Properties"]["Roles"] for policy in with_apis.of_type("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Allow" and {"Ref": secret_id} in _listed(statement["Resource"])
    ]
    worker_role = with_apis.logical_id("AWS::IAM::Role", "WorkerBotRole")
    assert readers == [[{"Ref": worker_role}]]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_a_shipped_spec_must_be_a_file_under_specs(tmp_path: Path) -> None:
    repo = shipped_repo(tmp_path)
    config, _ = load_config(write(tmp_path, {**BASE_CONFIG, "apis": [SHIPPED]}), base_dir=repo)
    assert config.apis[0].spec == "specs/crm.yaml"

    missing = {**SHIPPED, "spec": "specs/gone.yaml"}
    with pytest.raises(DeployConfigError, match=r"apis: spec specs/gone.yaml is not a file under .*specs"):
        load_config(write(tmp_path, {**BASE_CONFIG, "apis": [missing]}), base_dir=repo)
    with pytest.raises(DeployConfigError, match="jobs_api_spec: String should match pattern"):
        load_config(write(tmp_path, {**BASE_CONFIG, "jobs_api_spec": "app/fakes/jobs_openapi.yaml"}), base_dir=repo)


@pytest.mark.parametrize(("apis", "message"), [
    ([BILLING, {**BILLING, "prefix": "bill_"}], "API billing is configured twice"),
    ([BILLING, {**SHIPPED, "spec": BILLING["spec"], "prefix": "billing_x_"}], "overlap"),
    ([{**BILLING, "prefix": "github_"}], "overlaps built-in github_"),
    ([{**BILLING, "spec": "http://billing.example.com/openapi.json"}], "apis.0.spec: String should match pattern"),
    ([{**BILLING, "secret_name": "other"}], "apis.0.secret_name: Extra inputs are not permitted"),
])
def test_clashing_or_malformed_apis_stop_the_synth(tmp_path: Path, apis: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(DeployConfigError, match=message):
        load_config(write(tmp_path, {**BASE_CONFIG, "apis": apis}))


def test_the_worker_asset_bundles_the_shipped_specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "x.py").write_text("", encoding="utf-8")
    (tmp_path / "specs" / "nested").mkdir(parents=True)
    for name in ("crm.yaml", "nested/billing.json", "notes.txt"):
        (tmp_path / "specs" / name).write_text("{}", encoding="utf-8")
    monkeypatch.setattr(assets, "REPO_ROOT", tmp_path)

    sources = assets.worker_plan().sources

    assert sorted(source for source in sources if source.startswith("specs/")) == [
        "specs/crm.yaml", "specs/nested/billing.json"]
    assert assets.SHIPPED_SPECS == SHIPPED_SPECS
