"""Budgets hold against endpoints that accept a connection and never answer: each client's own timeouts, split
across its retries, end the call within the configured time (tools.deadlines)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

from app.agent.models import model_from_spec
from app.config import Settings
from tools.aws import AwsClients
from tools.deadlines import attempt_timeouts


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A loopback endpoint that accepts connections and reads requests but never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


@pytest.mark.usefixtures("aws_env")
def test_an_aws_read_against_a_black_hole_ends_within_its_timeout(
    black_hole: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", black_hole)
    clients = AwsClients(boto3.Session, region="us-east-1", timeout=2.0)

    started = time.monotonic()
    with pytest.raises((ReadTimeoutError, ConnectTimeoutError)):
        clients.client("ecs").list_clusters()
    elapsed = time.monotonic() - started

    assert elapsed < 2.0 + 2.5  # all three attempts and their back-off (a loaded machine adds some), not 4 x 7 s


@pytest.mark.usefixtures("aws_env")
def test_a_hung_model_ends_within_the_agent_budget(black_hole: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", black_hole)
    settings = Settings(aws_region="us-east-1", timeout_seconds=3.0, model_read_timeout_seconds=60.0,
                        model_max_attempts=3)
    model = model_from_spec("bedrock:us.anthropic.claude-test-v1:0", settings)
    assert model is not None

    async def first_event() -> None:
        async for _ in model.stream([{"role": "user", "content": [{"text": "hi"}]}]):
            break

    started = time.monotonic()
    with pytest.raises((ReadTimeoutError, ConnectTimeoutError)):
        asyncio.run(first_event())
    elapsed = time.monotonic() - started

    assert elapsed < 3.0 + 2.5  # not 3 x 60 s


@pytest.mark.parametrize(("budget", "attempts"), [(20.0, 3), (3.0, 3), (240.0, 3), (1.0, 1)])
def test_attempts_fit_in_the_budget(budget: float, attempts: int) -> None:
    connect, read = attempt_timeouts(budget, attempts)

    assert connect > 0 and read > 0
    assert attempts * (connect + read) <= budget
