"""The README's quickstart: every command in it exists and does what the step says (the AWS ones under moto)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from app.cli import _parser
from app.config import Settings
from app.fakes.slack_events import http_event
from app.ingress.handler import build_ingress

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUICKSTART = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]


def commands() -> list[str]:
    """The quickstart's inline commands and shell blocks, one command each (continuations joined)."""
    inline = re.findall(r"`((?:make|\.venv/bin/aiops|cp|npx) [^`]+)`", QUICKSTART)
    blocks = [re.sub(r"\\\n\s*", "", block).strip() for block in re.findall(r"```sh\n(.*?)```", QUICKSTART, re.S)]
    return inline + blocks


def test_the_quickstart_comes_first_and_in_the_order_that_works() -> None:
    assert README.index("## Quickstart") < README.index("## Two commands")
    steps = ["make deploy", "make manifest", "From a manifest", "Bot User OAuth Token", "Signing Secret",
             "put-secret-value", "Retry", "/invite"]
    positions = [QUICKSTART.index(step) for step in steps]
    assert positions == sorted(positions)
    assert len(QUICKSTART.splitlines()) < 60  # one page


def test_every_make_target_exists_and_takes_the_config(tmp_path: Path) -> None:
    targets = [shlex.split(command) for command in commands() if command.startswith("make ")]
    assert {args[1] for args in targets} == {"synth", "deploy", "manifest"}
    for args in targets:
        done = subprocess.run([*args, "-n"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert "prod.yaml" in done.stdout, args
    deploy = subprocess.run(["make", "-n", "deploy", "CONFIG=prod.yaml"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, check=True).stdout
    assert "deploy -c config=prod.yaml --outputs-file build/stack-outputs.json" in deploy


def test_every_aiops_command_parses() -> None:
    aiops = [shlex.split(command)[1:] for command in commands() if command.startswith(".venv/bin/aiops")]
    assert aiops == [["runbooks", "check", "--deploy-config", "prod.yaml"]]
    for args in aiops:
        parsed = _parser().parse_args(args)
        assert parsed.deploy_config == Path("prod.yaml")


@pytest.mark.usefixtures("aws_env", "aiops_env")
def test_the_slack_secret_as_the_quickstart_puts_it_lets_the_ingress_answer_url_verification(
    tmp_path: Path,
) -> None:
    put = next(command for command in commands() if "put-secret-value" in command)
    args = shlex.split(put)
    secret_id, document = args[args.index("--secret-id") + 1], json.loads(args[args.index("--secret-string") + 1])
    document = {key: value.replace("…", "0f3c") for key, value in document.items()}  # the operator's values
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        client.create_secret(Name=secret_id, SecretString="placeholder")  # what the stack creates
        client.put_secret_value(SecretId=secret_id, SecretString=json.dumps(document))
        settings = Settings(secrets_backend="aws", slack_secret_name=secret_id, alert_channels=("C0ALERTS01",),
                            state_dir=tmp_path / "state", worker_function="aiops-worker")
        ingress = build_ingress(settings)
    body = json.dumps({"token": "t", "challenge": "ok-challenge", "type": "url_verification"})

    response = ingress.handle(http_event(body, document["signing_secret"]))

    assert response["statusCode"] == 200
    assert "ok-challenge" in response["body"]
