"""The built assets work on their own (marked ``assets``: builds with pip, so not in the default run).

The deployed assets hold Linux arm64 wheels. Where this machine cannot load those, the proof runs on assets
built by the same plan for this machine's platform, and a test checks both hold the same distributions.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
import yaml
from asset_proof import run_handler, run_script
from moto.server import ThreadedMotoServer
from synthesis import Synthesised

from app.fakes.cloud_logging import FakeCloudLogging
from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import http_event
from infra.assets import (
    LAMBDA_PLATFORM,
    TOOLING,
    build,
    build_all,
    host_platform,
    installed,
    measure,
    runtime_sdk_plan,
)

pytestmark = pytest.mark.assets

REPO_RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"
CHANNEL = "C0ALERTS01"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
ALERT = "[ERROR] healthcheck error: started_at has no value tasks:normal-4 job_id=16852935"
REPORT = {
    "title": "Late started_at write on job 16852935",
    "cause": "The task runner wrote started_at late; runbook jobs-004 case 2.",
    "findings": [{"statement": "started_at is set now", "evidence": "runbook jobs-004"}],
    "recommended_action": "Close once the next health check passes.",
    "decision": "close",
    "confidence": "high",
}


@pytest.fixture(scope="module")
def host_assets() -> dict[str, Path]:
    return build_all(platform=host_platform())


@pytest.fixture(scope="module")
def runtime_sdk() -> Path:
    """The AWS SDK as the Lambda runtime provides it, beside the assets off Lambda."""
    return build(runtime_sdk_plan(), platform=host_platform())


@pytest.fixture
def moto_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    yield endpoint
    requests.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
    server.stop()


def deployed_environment(stack: Synthesised, handler: str, endpoint: str) -> dict[str, str]:
    """The function's environment from the template, names resolved, AWS pointed at the local moto server."""
    names = {"Idempotency": "aiops-idempotency", "Triage": "aiops-triage", "WorkerBotFunction": "aiops-worker"}
    env = {"PATH": os.environ.get("PATH", ""), "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}
    for name, value in stack.function(handler)["Environment"]["Variables"].items():
        if isinstance(value, dict):
            ref = value["Ref"]
            value = "us-east-1" if ref == "AWS::Region" else next(v for k, v in names.items() if k in ref)
        env[name] = value
    return env


def aws_fixtures(endpoint: str, secret_name: str) -> Any:
    """The Slack secret and the triage table on the moto server; returns the DynamoDB client."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    session.client("secretsmanager", endpoint_url=endpoint).create_secret(
        Name=secret_name, SecretString=json.dumps({"signing_secret": SIGNING_SECRET, "bot_token": "xoxb-proof"})
    )
    dynamodb = session.client("dynamodb", endpoint_url=endpoint)
    dynamodb.create_table(
        TableName="aiops-triage", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    return dynamodb


def test_worker_asset_alone_runs_a_scripted_investigation(
    host_assets: dict[str, Path], runtime_sdk: Path, base: Synthesised, moto_server: str, tmp_path: Path
) -> None:
    with FakeSlackAPI(bot_token="xoxb-proof") as slack:
        env = deployed_environment(base, "app.worker.handler", moto_server)
        dynamodb = aws_fixtures(moto_server, env["AIOPS_SLACK_SECRET_NAME"])
        script = tmp_path / "model.yaml"
        script.write_text(yaml.safe_dump({"turns": [
            {"tool_calls": [{"name": "search_runbooks", "input": {"query": "started_at healthcheck"}}]},
            {"structured": REPORT},
        ]}))
        # the two values that differ off Lambda: the runbook layer's mount point and the model
        env |= {"AIOPS_RUNBOOKS": str(REPO_RUNBOOKS), "AIOPS_MODEL": f"scripted:{script}",
                "AIOPS_SLACK_API_URL": slack.url}
        ts = slack.add_message(CHANNEL, ALERT, bot_id="B0MONITOR")
        job = {"kind": "alert", "event_id": "EvProof", "channel": CHANNEL, "ts": ts, "thread_ts": ts,
               "alert": {"title": "healthcheck", "text": ALERT, "time": "2026-11-20T03:12:09Z"}}

        report = run_handler([host_assets["worker"], runtime_sdk], "app.worker.handler.lambda_handler", job, env)

        reply = json.dumps(slack.thread(CHANNEL, ts)[-1])
    assert report["outside"] == []
    assert report["result"]["status"] == "ok"
    assert REPORT["title"] in reply
    item = dynamodb.get_item(TableName="aiops-triage", Key={"pk": {"S": f"TRIAGE#{report['result']['reference']}"}})
    record = json.loads(item["Item"]["body"]["S"])
    assert (record["runbook_id"], record["mode"]) == ("jobs-004", "model")
    assert [call["tool"] for call in record["tool_calls"]] == ["search_runbooks"]


def test_ingress_asset_answers_slack_with_only_the_runtime_sdk_beside_it(
    host_assets: dict[str, Path], runtime_sdk: Path, base: Synthesised, moto_server: str
) -> None:
    sdk = runtime_sdk
    env = deployed_environment(base, "app.ingress.handler", moto_server)
    aws_fixtures(moto_server, env["AIOPS_SLACK_SECRET_NAME"])
    body = json.dumps({"token": "t", "challenge": "proof-challenge", "type": "url_verification"})

    report = run_handler([host_assets["ingress"], sdk], "app.ingress.handler.lambda_handler",
                         http_event(body, SIGNING_SECRET), env)

    assert report["outside"] == []
    assert report["result"]["statusCode"] == 200
    assert "proof-challenge" in report["result"]["body"]
    assert not {"strands", "google", "github", "fastmcp", "yaml", "httpx"} & set(report["modules"])


def test_lambda_assets_hold_what_the_proof_ran_and_fit_their_targets(host_assets: dict[str, Path]) -> None:
    lambda_assets = build_all(platform=LAMBDA_PLATFORM)
    for name in ("ingress", "worker"):
        assert installed(lambda_assets[name]) == installed(host_assets[name]), name
        assert sorted(p.name for p in (lambda_assets[name] / "app").rglob("*.py")) == sorted(
            p.name for p in (host_assets[name] / "app").rglob("*.py"))
    assert list(lambda_assets["worker"].rglob("*aarch64*.so")), "the Lambda asset holds arm64 native code"
    assert measure(lambda_assets["worker"]).megabytes <= 100
    assert measure(lambda_assets["ingress"]).megabytes < 20
    assert platform.machine() in host_platform()


QUERY = """
import asyncio, json
from tools.cloud_logging import cloud_logging_tools, google_credentials, logging_client
from tools.registry import ToolRegistry
info, url = json.loads(sys.argv[2]), sys.argv[3]
client = logging_client(google_credentials(info), "demo-project", endpoint=url)
registry = ToolRegistry(cloud_logging_tools(client).tools)
args = {"filter": 'textPayload:"started_at"', "since": "2026-11-20T00:00:00Z", "until": "2026-11-20T06:00:00Z"}
outcome = asyncio.run(registry.call(registry.names()[0], args))
print(json.dumps({"status": outcome.status, "text": outcome.text, "grpc": [n for n in sys.modules if "grpc" in n]}))
"""


def test_cloud_logging_queries_from_the_worker_asset_without_grpc(
    host_assets: dict[str, Path], runtime_sdk: Path
) -> None:
    entries = [{"timestamp": "2026-11-20T03:12:09Z", "severity": "ERROR", "textPayload": "started_at has no value",
                "logName": "projects/demo-project/logs/stdout"}]
    with FakeCloudLogging(entries) as fake:
        out = json.loads(run_script([host_assets["worker"], runtime_sdk], QUERY, {"PATH": os.environ.get("PATH", "")},
                                    json.dumps(fake.service_account_info()), fake.url))
    assert out["status"] == "ok", out["text"]
    assert "started_at has no value" in out["text"]
    assert out["grpc"] == []


def test_worker_asset_is_byte_code_without_grpc_or_tooling(host_assets: dict[str, Path]) -> None:
    worker = host_assets["worker"]
    modules = [path for path in worker.rglob("*.py*") if path.suffix in (".py", ".pyc") and "__pycache__" not in
               path.parts]
    compiled = [path for path in modules if path.suffix == ".pyc" or list(
        (path.parent / "__pycache__").glob(f"{path.stem}.cpython-311.pyc"))]
    assert len(compiled) >= 0.9 * len(modules)
    assert not [name for name in installed(worker) if name.startswith("grpcio")]
    assert not (worker / "grpc").exists()
    assert not [path for path in worker.rglob("*") if path.relative_to(worker).as_posix().startswith(TOOLING)]
    assert (worker / "app" / "worker" / "handler.py").is_file()
