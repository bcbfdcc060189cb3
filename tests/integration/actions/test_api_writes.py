"""The executor's writes reach every configured API, each with its own base URL and credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from app.actions.wiring import write_calls
from app.actions.writes import WriteError
from app.api_settings import ApiSettings
from app.config import Settings
from app.fakes.jobs_api import DEFAULT_TOKEN, SAMPLE_SPEC, FakeJobsAPI
from app.runbooks.catalog import Catalog
from app.secret_reader import secret_reader

BILLING_SPEC = Path(__file__).resolve().parents[2] / "fixtures" / "apis" / "billing_openapi.yaml"
BILLING_KEY = "billing-key-9d2e"


@pytest.fixture
def jobs() -> Iterator[FakeJobsAPI]:
    routes = [{"method": "POST", "path": "/v1/jobs/16852935/retry", "body": {"id": "16852935", "status": "queued"}}]
    with FakeJobsAPI(routes) as fake:
        yield fake


@pytest.fixture
def billing() -> Iterator[FakeJobsAPI]:
    spec = yaml.safe_load(BILLING_SPEC.read_text(encoding="utf-8"))
    routes = [{"method": "POST", "path": "/v1/invoices/inv-7/refund", "body": {"id": "inv-7", "status": "refunded"}},
              {"method": "GET", "path": "/openapi.json", "body": spec}]
    with FakeJobsAPI(routes, token=BILLING_KEY, api_key_header="X-Billing-Key") as fake:
        yield fake


@pytest.fixture(autouse=True)
def secrets(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOPS_SECRET_JOBS_API", json.dumps({"token": DEFAULT_TOKEN}))
    monkeypatch.setenv("AIOPS_SECRET_BILLING_API", json.dumps({"token": BILLING_KEY, "header": "X-Billing-Key"}))


def settings(jobs: FakeJobsAPI, billing: FakeJobsAPI) -> Settings:
    entry = ApiSettings(name="billing", spec=f"{billing.url}/openapi.json", base_url=billing.url)
    return Settings(jobs_api_spec=str(SAMPLE_SPEC), jobs_api_base_url=jobs.url, apis=(entry,))


def test_each_api_s_writes_go_to_its_own_host_with_its_own_credential(jobs: FakeJobsAPI, billing: FakeJobsAPI) -> None:
    writes = write_calls(settings(jobs, billing), Catalog([]), secret_reader(Settings()))

    refunded = writes.call("billing_refundInvoice", {"invoice_id": "inv-7"})
    retried = writes.call("jobs_retry_job", {"job_id": "16852935"})

    assert (refunded["status"], retried["status"]) == ("refunded", "queued")
    (refund,) = [r for r in billing.requests if r.method == "POST"]
    (retry,) = [r for r in jobs.requests if r.method == "POST"]
    assert (refund.path, refund.headers["x-billing-key"]) == ("/v1/invoices/inv-7/refund", BILLING_KEY)
    assert "authorization" not in refund.headers  # the jobs API's token never goes to the billing API
    assert (retry.path, retry.headers["authorization"]) == ("/v1/jobs/16852935/retry", f"Bearer {DEFAULT_TOKEN}")
    assert "x-billing-key" not in retry.headers


def test_a_read_or_an_unknown_operation_is_no_write(jobs: FakeJobsAPI, billing: FakeJobsAPI) -> None:
    writes = write_calls(settings(jobs, billing), Catalog([]), secret_reader(Settings()))

    for tool in ("billing_getInvoice", "billing_deleteEverything", "refundInvoice"):
        with pytest.raises(WriteError, match=f"{tool} is not a write operation of a configured API"):
            writes.call(tool, {"invoice_id": "inv-7"})
    assert [r for r in billing.requests if r.method == "POST"] == []
