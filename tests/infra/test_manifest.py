"""``make manifest``: the Slack app manifest filled with the deployed request URL from the stack outputs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from infra.config import DeployConfigError
from infra.manifest import request_url

ROOT = Path(__file__).resolve().parents[2]
URL = "https://abc123xyz.lambda-url.us-east-1.on.aws/"


def make_manifest(tmp_path: Path, outputs: object, stack: str = "OpsBot") -> subprocess.CompletedProcess[str]:
    config = tmp_path / "prod.yaml"
    config.write_text(yaml.safe_dump({"stack_name": stack, "alert_channels": ["C0ALERTS01"],
                                      "runbooks": str(ROOT / "runbooks")}))
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(outputs if isinstance(outputs, str) else json.dumps(outputs))
    return subprocess.run(
        ["make", "-s", "manifest", f"CONFIG={config}", f"OUTPUTS={outputs_file}", f"MANIFEST={tmp_path / 'out.yaml'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.slow
def test_make_manifest_fills_every_request_url_of_the_configured_stack(tmp_path: Path) -> None:
    done = make_manifest(tmp_path, {"OpsBot": {"SlackRequestUrl": URL, "TriageTableName": "t"},
                                    "Other": {"SlackRequestUrl": "https://other.example/"}})

    assert done.returncode == 0, done.stderr
    manifest = yaml.safe_load((tmp_path / "out.yaml").read_text())
    assert manifest["settings"]["event_subscriptions"]["request_url"] == URL
    assert manifest["settings"]["interactivity"]["request_url"] == URL
    assert [command["url"] for command in manifest["features"]["slash_commands"]] == [URL]
    template = yaml.safe_load((ROOT / "infra" / "slack-manifest.yaml").read_text())
    assert manifest["oauth_config"] == template["oauth_config"]
    assert f"request URL {URL}" in done.stdout


@pytest.mark.slow
def test_make_manifest_without_a_deployed_stack_says_what_to_run(tmp_path: Path) -> None:
    done = make_manifest(tmp_path, {"Other": {"SlackRequestUrl": URL}})

    assert done.returncode != 0
    assert "has no SlackRequestUrl for stack OpsBot (stacks: Other)" in done.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_outputs_that_are_missing_or_not_json_are_reported(tmp_path: Path) -> None:
    with pytest.raises(DeployConfigError, match="run `make deploy` first"):
        request_url(tmp_path / "none.json", "OpsBot")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(DeployConfigError, match="is not JSON"):
        request_url(broken, "OpsBot")
