"""The jobs API's MCP server: built from the sample spec, read-only, and configured from settings.

Server shape is checked in memory with fastmcp's ``Client(server)``; calls go through the Strands MCP client in
process to ``FakeJobsAPI`` over httpx2 (see test_openapi_mcp_calls.py).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from fastmcp import Client

from app.config import ConfigError, Settings
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.secret_reader import secret_reader
from app.worker.jobs_api import server_from_settings
from tools.openapi_mcp import SpecError, api_client, build_server, load_spec, operations

READ_TOOLS = {
    "jobs_get_job",
    "jobs_list_jobs",
    "jobs_get_task",
    "jobs_get_job_logs",
    "jobs_get_workflow",
    "jobs_list_queues",
    "jobs_get_queue",
}
MUTATING = {"jobs_cancel_job": "POST", "jobs_retry_job": "POST", "jobs_delete_job": "DELETE"}

LOCAL_SECRETS = secret_reader(Settings())  # AIOPS_SECRET_* variables, read when a secret is asked for


def tool_names(server: object) -> dict[str, str]:
    """Names and descriptions of the tools a server lists, through the in-memory MCP client."""

    async def listed() -> dict[str, str]:
        async with Client(server) as client:  # type: ignore[var-annotated]
            return {tool.name: tool.description or "" for tool in await client.list_tools()}

    return asyncio.run(listed())


def sample_server(**kwargs: object) -> object:
    return build_server(load_spec(str(SAMPLE_SPEC)), api_client("http://127.0.0.1:9", "t"), **kwargs)  # type: ignore[arg-type]


def test_the_sample_spec_has_the_tool_contract_operations() -> None:
    found = operations(load_spec(str(SAMPLE_SPEC)))

    assert found == {**{name: "GET" for name in READ_TOOLS}, **MUTATING}


def test_only_get_operations_become_tools() -> None:
    assert set(tool_names(sample_server())) == READ_TOOLS


def test_tool_descriptions_are_prompts_and_parameters_are_described() -> None:
    described = tool_names(sample_server())
    spec = load_spec(str(SAMPLE_SPEC))

    for name, text in described.items():
        assert len(text) > 150, name
        assert re.search(r"\bUse this\b", text), name
    for item in spec["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if "$ref" not in parameter:
                    assert parameter.get("description"), (operation["operationId"], parameter["name"])
    assert "started_at" in described["jobs_get_job"]
    assert "cloud_logging_query" in described["jobs_get_job_logs"]


def test_extra_operations_named_in_settings_become_tools() -> None:
    names = set(tool_names(sample_server(extra_operations=["jobs_cancel_job"])))

    assert names == READ_TOOLS | {"jobs_cancel_job"}


def test_an_unknown_extra_operation_is_refused() -> None:
    with pytest.raises(SpecError, match="extra operations not in the spec: jobs_explode_job; known: jobs_cancel_job"):
        sample_server(extra_operations=["jobs_explode_job"])


def test_load_spec_reads_yaml_and_json(tmp_path: Path) -> None:
    spec = load_spec(str(SAMPLE_SPEC))
    as_json = tmp_path / "spec.json"
    as_json.write_text(json.dumps(spec), encoding="utf-8")

    assert load_spec(str(as_json)) == spec


def test_load_spec_fetches_a_url() -> None:
    spec = load_spec(str(SAMPLE_SPEC))
    auth = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    with FakeJobsAPI([{"method": "GET", "path": "/openapi.json", "body": spec}]) as api, httpx.Client(
        headers=auth
    ) as http:
        fetched = load_spec(f"{api.url}/openapi.json", http=http)
        with pytest.raises(SpecError, match=r"cannot fetch OpenAPI spec http://127\.0\.0\.1:\d+/missing.json: .*404"):
            load_spec(f"{api.url}/missing.json", http=http)

    assert fetched == spec


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a: [unclosed", "is neither YAML nor JSON"),
        ("[1, 2]", "is not an OpenAPI 3 document"),
        ("swagger: '2.0'\npaths: {}\n", "is not an OpenAPI 3 document"),
        ("openapi: 3.0.3\ninfo: {title: x, version: '1'}\n", "is not an OpenAPI 3 document"),
    ],
)
def test_load_spec_refuses_what_is_not_openapi_3(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(SpecError, match=message):
        load_spec(str(path))


def test_load_spec_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read OpenAPI spec .*nope.yaml: No such file"):
        load_spec(str(tmp_path / "nope.yaml"))


@pytest.fixture
def no_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AIOPS_SECRET_JOBS_API", raising=False)
    yield


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))


def test_settings_without_a_spec_are_refused() -> None:
    with pytest.raises(ConfigError, match="no jobs API spec configured: set AIOPS_JOBS_API_SPEC"):
        server_from_settings(Settings(), secret_reader(Settings()))


@pytest.mark.usefixtures("no_secret")
def test_a_missing_token_secret_is_named() -> None:
    settings = Settings(jobs_api_spec=str(SAMPLE_SPEC), jobs_api_base_url="http://127.0.0.1:9")

    with pytest.raises(ConfigError, match="secret 'aiops/jobs-api' not found: set AIOPS_SECRET_JOBS_API"):
        server_from_settings(settings, secret_reader(settings))


def test_a_secret_without_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"password": "x"}))
    settings = Settings(jobs_api_spec=str(SAMPLE_SPEC), jobs_api_base_url="http://127.0.0.1:9")

    with pytest.raises(ConfigError, match="lacks token"):
        server_from_settings(settings, secret_reader(settings))


@pytest.mark.usefixtures("secret")
def test_a_bad_spec_or_extra_operation_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read OpenAPI spec"):
        server_from_settings(Settings(jobs_api_spec=str(tmp_path / "none.yaml")), LOCAL_SECRETS)
    with pytest.raises(ConfigError, match="extra operations not in the spec: nope"):
        settings = Settings(jobs_api_spec=str(SAMPLE_SPEC), jobs_api_extra_operations=("nope",))
        server_from_settings(settings, LOCAL_SECRETS)


@pytest.mark.usefixtures("secret")
def test_the_base_url_defaults_to_the_spec_server_and_is_required_without_one(tmp_path: Path) -> None:
    spec = load_spec(str(SAMPLE_SPEC))
    spec["servers"] = []
    bare = tmp_path / "bare.yaml"
    bare.write_text(yaml.safe_dump(spec), encoding="utf-8")

    assert set(tool_names(server_from_settings(Settings(jobs_api_spec=str(SAMPLE_SPEC)), LOCAL_SECRETS))) == READ_TOOLS
    with pytest.raises(ConfigError, match="no jobs API base URL: set AIOPS_JOBS_API_BASE_URL"):
        server_from_settings(Settings(jobs_api_spec=str(bare)), LOCAL_SECRETS)


def test_extra_operations_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_JOBS_API_EXTRA_OPERATIONS", " jobs_cancel_job, ,jobs_retry_job ")

    assert Settings().jobs_api_extra_operations == ("jobs_cancel_job", "jobs_retry_job")
