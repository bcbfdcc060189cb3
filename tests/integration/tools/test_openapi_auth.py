"""API-key auth for an OpenAPI-described API, and its spec fetched with the key only from the API's own origin."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from app.config import ConfigError, Settings
from app.fakes.jobs_api import SAMPLE_SPEC, FakeJobsAPI
from app.secret_reader import secret_reader
from app.worker.jobs_api import server_from_settings
from tools.openapi_mcp import start_in_process
from tools.registry import ToolRegistry

KEY = "k-7f3a9c"
JOB = {"id": "16852935", "status": "succeeded", "tasks": []}
SPEC: dict[str, Any] = yaml.safe_load(SAMPLE_SPEC.read_text(encoding="utf-8"))


@pytest.fixture
def api() -> Iterator[FakeJobsAPI]:
    routes = [{"method": "GET", "path": "/v1/jobs/16852935", "body": JOB},
              {"method": "GET", "path": "/openapi.json", "body": SPEC}]
    with FakeJobsAPI(routes, token=KEY, api_key_header="X-API-Key") as fake:
        yield fake


@pytest.fixture
def key_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": KEY, "header": "X-API-Key"}))


@pytest.mark.usefixtures("key_secret")
def test_the_key_goes_in_its_header_to_the_spec_and_every_call(api: FakeJobsAPI) -> None:
    settings = Settings(jobs_api_spec=f"{api.url}/openapi.json", jobs_api_base_url=api.url)

    client = start_in_process(server_from_settings(settings, secret_reader(settings)))
    try:
        registry = ToolRegistry(client.list_tools_sync(), result_max_chars=8000)
        outcome = asyncio.run(registry.call("jobs_get_job", {"job_id": "16852935"}))
    finally:
        client.stop(None, None, None)

    assert outcome.status == "ok"
    assert json.loads(outcome.text) == JOB
    assert [request.path for request in api.requests] == ["/openapi.json", "/v1/jobs/16852935"]
    for request in api.requests:
        assert request.headers["x-api-key"] == KEY
        assert "authorization" not in request.headers


@pytest.mark.usefixtures("key_secret")
def test_a_spec_on_another_origin_is_fetched_without_the_key(api: FakeJobsAPI) -> None:
    with FakeJobsAPI([{"method": "GET", "path": "/openapi.json", "body": SPEC}], token="other",
                     api_key_header="X-API-Key") as elsewhere:
        settings = Settings(jobs_api_spec=f"{elsewhere.url}/openapi.json", jobs_api_base_url=api.url)
        with pytest.raises(ConfigError, match="cannot fetch OpenAPI spec .*401"):
            server_from_settings(settings, secret_reader(settings))
        assert "x-api-key" not in elsewhere.requests[-1].headers
