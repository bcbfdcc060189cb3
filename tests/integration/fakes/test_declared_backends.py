"""The world's backends, the scenarios' ``down`` values and the deployed secrets follow the tool declarations."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.evals.scenario import ScenarioError, load_scenario
from app.fakes import world
from infra.executor import EXECUTOR_CREDENTIALS
from infra.state import CREDENTIALS
from infra.worker import WORKER_CREDENTIALS
from tools.system import JOBS_API, declared, with_credentials

SCENARIO = """
name: outage
input: {kind: alert, text: "started_at has no value"}
down: [DOWN]
expect: {runbook: jobs-004}
"""


def test_the_backends_are_the_systems_reached_with_a_credential_of_their_own() -> None:
    assert tuple(system.key for system in declared() if system.credential) == world.BACKENDS
    assert set(world.BACKENDS) == {"jobs_api", "github", "cloud_logging"}  # as declared today


def test_every_credential_a_system_declares_has_a_deployed_secret_and_a_setting() -> None:
    credentials = {system.credential for system in with_credentials()}
    assert set(WORKER_CREDENTIALS) == {"slack", *credentials} == set(CREDENTIALS)
    assert set(EXECUTOR_CREDENTIALS) == {"slack", JOBS_API.credential}
    for credential in credentials:  # github_secret_name, jobs_api_secret_name, google_secret_name
        assert f"{credential.replace('-', '_')}_secret_name" in Settings.model_fields, credential


@pytest.mark.parametrize("backend", [system.key for system in with_credentials()])
def test_a_scenario_may_take_down_each_declared_backend(tmp_path: Path, backend: str) -> None:
    (tmp_path / "scenario.yaml").write_text(SCENARIO.replace("DOWN", backend))
    assert load_scenario(tmp_path).down == [backend]


@pytest.mark.parametrize("name", ["aws", "runbooks", "billing"])
def test_a_scenario_cannot_take_down_what_is_no_backend(tmp_path: Path, name: str) -> None:
    (tmp_path / "scenario.yaml").write_text(SCENARIO.replace("DOWN", name))
    with pytest.raises(ScenarioError, match=f"down: Value error, {name}: not a backend"):
        load_scenario(tmp_path)


@pytest.mark.usefixtures("aws_env")
def test_every_backend_has_a_fake_that_goes_down(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path / "state")
    with world.scenario_world(tmp_path, settings, down=world.BACKENDS) as faked:
        urls = {"jobs_api": f"{faked.jobs_api_base_url}/v1/jobs", "github": f"{faked.github_api_url}/rate_limit",
                "cloud_logging": f"{faked.google_logging_endpoint}/v2/entries:list"}
        assert set(urls) == set(world.BACKENDS)
        statuses = {name: httpx.get(url, timeout=5).status_code for name, url in urls.items()}
    assert statuses == dict.fromkeys(world.BACKENDS, 503)


@pytest.mark.usefixtures("aws_env")
def test_a_declared_backend_without_a_fake_is_a_world_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(world, "BACKENDS", (*world.BACKENDS, "billing"))
    with pytest.raises(world.WorldError, match="no fake serves the backend"), \
            world.scenario_world(tmp_path, Settings(state_dir=tmp_path / "state")):
        pass
