"""Several OpenAPI-described APIs, each with its own prefix, spec, base URL and credential, against their own fakes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.api_settings import ApiSettings
from app.config import ConfigError, Settings, load_settings
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.secret_reader import secret_reader
from app.worker.apis import api_tool_sets, configured_apis
from app.worker.handler import tool_names
from tools.registry import ToolRegistry, ToolSet

REPO = Path(__file__).resolve().parents[3]
BILLING_SPEC = REPO / "tests" / "fixtures" / "apis" / "billing_openapi.yaml"
BILLING_KEY = "billing-key-51c0"
JOB = {"id": "16852935", "status": "succeeded", "tasks": []}
INVOICE = {"id": "inv-7", "status": "overdue", "amount": 120}


@pytest.fixture
def jobs() -> Iterator[FakeJobsAPI]:
    with FakeJobsAPI([{"method": "GET", "path": "/v1/jobs/16852935", "body": JOB}]) as fake:
        yield fake


@pytest.fixture
def billing() -> Iterator[FakeJobsAPI]:
    spec = yaml.safe_load(BILLING_SPEC.read_text(encoding="utf-8"))
    routes = [{"method": "GET", "path": "/v1/invoices/inv-7", "body": INVOICE},
              {"method": "GET", "path": "/v1/invoices/inv-down", "status": 503},
              {"method": "GET", "path": "/openapi.json", "body": spec}]
    with FakeJobsAPI(routes, token=BILLING_KEY, api_key_header="X-Billing-Key") as fake:
        yield fake


@pytest.fixture(autouse=True)
def secrets(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))
    monkeypatch.setenv("AIOPS_SECRET_BILLING_API", json.dumps({"token": BILLING_KEY, "header": "X-Billing-Key"}))


def two_apis(jobs: FakeJobsAPI, billing: FakeJobsAPI, **changes: Any) -> Settings:
    entry = {"name": "billing", "spec": f"{billing.url}/openapi.json", "base_url": billing.url, **changes}
    return Settings(jobs_api_spec=str(SAMPLE_SPEC), jobs_api_base_url=jobs.url, apis=(ApiSettings(**entry),))


def call(sets: list[ToolSet], name: str, args: dict[str, Any]) -> Any:
    registry = ToolRegistry.from_sets(sets, result_max_chars=8000)
    outcome = asyncio.run(registry.call(name, args))
    assert outcome.status == "ok", outcome.text
    return json.loads(outcome.text)


def stop(sets: list[ToolSet]) -> None:
    for client in {id(tool.mcp_client): tool.mcp_client for tool_set in sets for tool in tool_set.tools}.values():
        client.stop(None, None, None)


def test_two_apis_each_with_its_own_prefix_label_and_credential(jobs: FakeJobsAPI, billing: FakeJobsAPI) -> None:
    sets = api_tool_sets(two_apis(jobs, billing), secret_reader(Settings()))
    try:
        assert [tool_set.label for tool_set in sets] == ["jobs API", "billing API"]
        billing_names = {tool.tool_name for tool in sets[1].tools}
        assert billing_names == {"billing_getInvoice"}  # the POST stays out
        assert call(sets, "billing_getInvoice", {"invoice_id": "inv-7"}) == INVOICE
        assert call(sets, "jobs_get_job", {"job_id": "16852935"}) == JOB
        failed = asyncio.run(ToolRegistry.from_sets(sets).call("billing_getInvoice", {"invoice_id": "inv-down"}))
        assert (failed.status, failed.text.split(" (")[0]) == ("error", "billing_getInvoice: the billing API failed")
    finally:
        stop(sets)

    assert [request.path for request in billing.requests] == ["/openapi.json", "/v1/invoices/inv-7",
                                                             "/v1/invoices/inv-down"]
    assert all(request.headers["x-billing-key"] == BILLING_KEY for request in billing.requests)
    assert all("authorization" not in request.headers for request in billing.requests)
    assert [request.headers["authorization"] for request in jobs.requests] == [f"Bearer {DEFAULT_TOKEN}"]


def test_runbooks_check_knows_every_apis_tools(jobs: FakeJobsAPI, billing: FakeJobsAPI) -> None:
    names = tool_names(two_apis(jobs, billing, extra_operations=("refundInvoice",)))

    assert {"billing_getInvoice", "billing_refundInvoice", "jobs_get_job", "aws_read"} <= names
    assert "getInvoice" not in names


def test_the_apis_list_is_read_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = {"name": "billing", "spec": "tests/fixtures/apis/billing_openapi.yaml", "prefix": "bill_"}
    monkeypatch.setenv("AIOPS_APIS", json.dumps([entry]))

    (api,) = configured_apis(load_settings())

    assert (api.prefix, api.secret_name, api.system.label) == ("bill_", "aiops/billing-api", "billing API")
    assert api.tool_name("getInvoice") == "bill_getInvoice"


@pytest.mark.parametrize("value", ['[{"name": "billing"}]', '{"name": "billing", "spec": "x"}', "not json",
                                   '[{"name": "Billing!", "spec": "x"}]', '[{"name": "b", "spec": "x", "typo": 1}]'])
def test_a_malformed_apis_list_is_a_config_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("AIOPS_APIS", value)

    with pytest.raises(ConfigError, match="invalid AIOPS_ settings"):
        load_settings()


@pytest.mark.parametrize(("entries", "message"), [
    ([{"name": "jobs", "spec": "x"}], "API jobs is configured twice"),
    ([{"name": "jobsx", "prefix": "jobs_x_", "spec": "x"}, {"name": "jobsy", "prefix": "jobs_", "spec": "y"}],
     r"jobsy \(jobs_\) and jobsx \(jobs_x_\) overlap"),
    ([{"name": "jobsb", "prefix": "jobs_", "spec": str(SAMPLE_SPEC)}],
     "tool jobs_list_jobs of the jobs API is also jobsb API \\(prefix jobs_\\)'s"),
    ([{"name": "ids", "prefix": "", "spec": str(SAMPLE_SPEC)}], "tool jobs_list_jobs of the ids API is also the jobs"),
    ([{"name": "a", "prefix": "bill_", "spec": "x"}, {"name": "b", "prefix": "bill_", "spec": "y"}], "overlap"),
    ([{"name": "aws", "spec": "x"}], "prefix aws_ of aws overlaps built-in aws_"),
    ([{"name": "cloud", "spec": "x"}], "overlaps built-in cloud_logging_"),
])
def test_clashing_names_or_prefixes_are_config_errors(entries: list[dict[str, Any]], message: str) -> None:
    settings = Settings(jobs_api_spec=str(SAMPLE_SPEC), apis=tuple(ApiSettings(**entry) for entry in entries))

    with pytest.raises(ConfigError, match=message):
        tool_names(settings)  # as aiops runbooks check reads them


def test_a_spec_on_the_apis_origin_is_fetched_with_its_credential_only_there(
    jobs: FakeJobsAPI, billing: FakeJobsAPI
) -> None:
    without_base = two_apis(jobs, billing, base_url="")  # nothing says the spec's host is the API's

    with pytest.raises(ConfigError, match=r"(?s)billing API: cannot fetch OpenAPI spec .*401.*base URL is set"):
        api_tool_sets(without_base, secret_reader(without_base))
    assert "x-billing-key" not in billing.requests[-1].headers


def test_an_unreadable_spec_names_the_api(tmp_path: Path, jobs: FakeJobsAPI) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.0.0\ninfo: {title: no paths}\n", encoding="utf-8")
    missing = ApiSettings(name="billing", spec=str(tmp_path / "none.yaml"), base_url=jobs.url)
    not_openapi = ApiSettings(name="billing", spec=str(bad), base_url=jobs.url)

    with pytest.raises(ConfigError, match=r"billing API: cannot read OpenAPI spec .*none\.yaml"):
        api_tool_sets(Settings(apis=(missing,)), secret_reader(Settings()))
    with pytest.raises(ConfigError, match="billing API: .*is not an OpenAPI 3 document"):
        tool_names(Settings(apis=(not_openapi,)))


def test_a_spec_shipped_with_the_code_is_found_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, billing: FakeJobsAPI
) -> None:
    monkeypatch.chdir(tmp_path)
    shipped = ApiSettings(name="billing", spec="tests/fixtures/apis/billing_openapi.yaml", base_url=billing.url)

    assert Path(shipped.spec_location()) == BILLING_SPEC
    assert "billing_getInvoice" in tool_names(Settings(apis=(shipped,)))
    assert billing.requests == []  # a shipped spec needs no request


def test_no_mcp_library_is_imported_without_an_api() -> None:
    code = ("import sys; from app.config import Settings; from app.worker.apis import api_tool_sets; "
            "from app.secret_reader import secret_reader; "
            "assert api_tool_sets(Settings(), secret_reader(Settings())) == []; "
            "print(sorted(name for name in sys.modules if name.split('.')[0] in ('fastmcp', 'mcp')))")
    env = {"PATH": "/usr/bin:/bin", "AIOPS_STATE_DIR": "/tmp/unused-aiops"}  # noqa: S108 - never written
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=False)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def catalog_using(tmp_path: Path, tool: str) -> Path:
    source = (REPO / "tests" / "fixtures" / "runbooks" / "engine" / "ecs-002-oom-killed.md").read_text(encoding="utf-8")
    folder = tmp_path / "catalog"
    folder.mkdir()
    step = "  - id: related\n    tool: search_runbooks\n    args: {query: \"memory oom container limit\", limit: 3}\n"
    assert step in source
    (folder / "ecs-002.md").write_text(source.replace(step, f"  - id: invoice\n    tool: {tool}\n    args: {{}}\n"),
                                       encoding="utf-8")
    return folder


@pytest.mark.parametrize(("tool", "code"), [("billing_getInvoice", 0), ("billing_refundInvoice", 1)])
def test_aiops_runbooks_check_validates_tools_against_every_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tool: str, code: int
) -> None:
    from app.cli import main

    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))
    monkeypatch.setenv("AIOPS_APIS", json.dumps([{"name": "billing", "spec": str(BILLING_SPEC)}]))

    assert main(["runbooks", "check", str(catalog_using(tmp_path, tool))]) == code
    captured = capsys.readouterr()
    assert (tool in captured.out + captured.err) == bool(code), captured


def test_aiops_runbooks_check_refuses_clashing_apis(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))
    entries = [{"name": "billing", "spec": "x"}, {"name": "billingplus", "prefix": "billing_plus_", "spec": "y"}]
    monkeypatch.setenv("AIOPS_APIS", json.dumps(entries))

    assert main(["runbooks", "check"]) == 2
    assert "overlap" in capsys.readouterr().err
