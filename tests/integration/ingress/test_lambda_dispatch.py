"""LambdaDispatcher and the ingress Lambda entry point, against a local server speaking the Lambda Invoke API."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from app.fakes.slack_api import FakeSlackAPI
from app.fakes.slack_events import event_callback, http_event, message_event
from app.ingress.dispatch import DispatchError, LambdaDispatcher
from app.models import Alert, Job, JobKind

INVOKE_PREFIX = "/2015-03-31/functions/"
INVOKE_SUFFIX = "/invocations"
SECRET = "c4ca4238a0b923820dcc509a6f75849b"


@dataclass
class Invocation:
    function_name: str
    invocation_type: str
    payload: bytes


@dataclass
class FakeLambda:
    """What the fake Lambda API received, and how it answers."""

    invocations: list[Invocation] = field(default_factory=list)
    missing_function: bool = False
    url: str = ""


class _LambdaHandler(BaseHTTPRequestHandler):
    state: FakeLambda

    def log_message(self, format: str, *args: Any) -> None:
        """Silence request logging."""

    def do_POST(self) -> None:
        payload = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not (self.path.startswith(INVOKE_PREFIX) and self.path.endswith(INVOKE_SUFFIX)):
            self._answer(400, b'{"Type":"User","message":"unknown route"}', "InvalidRequestContentException")
            return
        name = self.path[len(INVOKE_PREFIX) : -len(INVOKE_SUFFIX)]
        if self.state.missing_function:
            self._answer(404, b'{"Type":"User","message":"Function not found"}', "ResourceNotFoundException")
            return
        invocation_type = self.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
        self.state.invocations.append(Invocation(name, invocation_type, payload))
        self._answer(202 if invocation_type == "Event" else 200, b"" if invocation_type == "Event" else b"null")

    def _answer(self, status: int, body: bytes, error_type: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def fake_lambda() -> Iterator[FakeLambda]:
    state = FakeLambda()
    handler = type("BoundLambdaHandler", (_LambdaHandler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-lambda", daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def lambda_client(url: str) -> Any:
    return boto3.client("lambda", region_name="us-east-1", endpoint_url=url, config=Config(retries={"max_attempts": 1}))


def sample_job() -> Job:
    return Job(
        kind=JobKind.ALERT,
        event_id="EvLAMBDA1",
        team="T0TEAM",
        channel="C0ALERTS",
        ts="1700000000.000100",
        thread_ts="1700000000.000100",
        user="B0AM",
        alert=Alert(
            title="[FIRING:1] HighErrorRate",
            text="Error rate is 7.2% on api-gateway",
            source="alertmanager",
            labels={"alertname": "HighErrorRate"},
            severity="critical",
            time=datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        ),
    )


@pytest.mark.usefixtures("aws_env")
def test_dispatch_invokes_the_worker_asynchronously(fake_lambda: FakeLambda) -> None:
    job = sample_job()
    receipt = LambdaDispatcher("aiops-worker", lambda_client(fake_lambda.url)).dispatch(job=job)
    assert receipt == {"event_id": "EvLAMBDA1", "status": 202}
    assert [(call.function_name, call.invocation_type) for call in fake_lambda.invocations] == [
        ("aiops-worker", "Event")
    ]
    assert Job.model_validate_json(fake_lambda.invocations[0].payload) == job


@pytest.mark.usefixtures("aws_env")
def test_missing_function_is_a_dispatch_error(fake_lambda: FakeLambda) -> None:
    fake_lambda.missing_function = True
    dispatcher = LambdaDispatcher("aiops-worker", lambda_client(fake_lambda.url))
    with pytest.raises(DispatchError, match="cannot invoke aiops-worker: .*ResourceNotFoundException"):
        dispatcher.dispatch(job=sample_job())
    assert fake_lambda.invocations == []


HANDLER_SCRIPT = """
import json, sys
from app.ingress.handler import lambda_handler

class Context:
    function_name = "aiops-ingress"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:aiops-ingress"
    aws_request_id = "5f3c1a2e-0000-4000-8000-000000000001"

    def get_remaining_time_in_millis(self):
        return 3000

result = lambda_handler(json.load(sys.stdin), Context())
print(result["statusCode"])
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {'strands', 'google', 'github', 'fastmcp'})))
"""


@pytest.mark.slow
@pytest.mark.usefixtures("aws_env")
def test_lambda_handler_invokes_the_worker_function(
    fake_lambda: FakeLambda, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with FakeSlackAPI() as slack:
        for name, value in {
            "AIOPS_WORKER_FUNCTION": "aiops-worker",
            "AIOPS_SECRETS_BACKEND": "env",
            "AIOPS_SECRET_SLACK": json.dumps({"signing_secret": SECRET, "bot_token": slack.bot_token}),
            "AIOPS_SLACK_API_URL": slack.url,
            "AIOPS_ALERT_CHANNELS": "C0ALERTS",
            "AIOPS_STATE_DIR": str(tmp_path / "state"),
            "AWS_ENDPOINT_URL_LAMBDA": fake_lambda.url,
        }.items():
            monkeypatch.setenv(name, value)
        text = "Disk usage 91% on bastion-2 (/var) for 10 minutes"
        body = event_callback(message_event("C0ALERTS", "1700000000.000100", text, user="U0ALICE"), event_id="EvE2E")
        done = subprocess.run(
            [sys.executable, "-c", HANDLER_SCRIPT],
            input=json.dumps(http_event(body, SECRET)),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        auth_calls = len(slack.calls_to("auth.test"))
    assert done.returncode == 0, done.stderr
    status, modules = done.stdout.strip().splitlines()[-2:]
    assert status == "200"
    assert json.loads(modules) == []
    metrics = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{"_aws"')]
    assert [(doc["service"], doc.get("kind"), doc.get("Requests")) for doc in metrics] == [
        ("aiops-ingress", "alert", [1.0])
    ]  # the handler writes the request's metrics after it
    assert [(call.function_name, call.invocation_type) for call in fake_lambda.invocations] == [
        ("aiops-worker", "Event")
    ]
    job = Job.model_validate_json(fake_lambda.invocations[0].payload)
    assert (job.kind, job.event_id, job.channel, job.alert.text) == (JobKind.ALERT, "EvE2E", "C0ALERTS", text)
    assert auth_calls == 1
