"""The fake jobs API, driven through the real httpx client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.fakes.jobs_api import DEFAULT_TOKEN, FakeJobsAPI, RouteError

JOB = {"id": "16852935", "status": "succeeded", "tasks": [{"name": "normal-4", "started_at": None}]}
ROUTES: list[dict[str, Any]] = [
    {"method": "GET", "path": "/v1/jobs/16852935", "status": 200, "body": JOB},
    {"method": "GET", "path": "/v1/jobs", "body": {"jobs": [{"id": "1"}, {"id": "2"}]}},
    {"method": "GET", "path": "/v1/jobs?status=failed", "body": {"jobs": [{"id": "2"}]}},
    {"method": "GET", "path": "/v1/queues", "status": 429, "headers": {"Retry-After": "7"}},
    {"method": "DELETE", "path": "/v1/jobs/1", "status": 204},
]


@pytest.fixture
def api() -> Iterator[FakeJobsAPI]:
    with FakeJobsAPI(ROUTES) as fake:
        yield fake


@pytest.fixture
def http(api: FakeJobsAPI) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}) as client:
        yield client


def test_a_route_answers_its_json_body(http: httpx.Client, api: FakeJobsAPI) -> None:
    response = http.get("/v1/jobs/16852935")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == JOB
    assert [(r.method, r.path) for r in api.requests] == [("GET", "/v1/jobs/16852935")]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": DEFAULT_TOKEN}])
def test_a_missing_or_wrong_bearer_token_is_refused(api: FakeJobsAPI, headers: dict[str, str]) -> None:
    response = httpx.get(f"{api.url}/v1/jobs/16852935", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"message": "missing or invalid bearer token"}


def test_an_unknown_path_or_method_is_a_json_404(http: httpx.Client) -> None:
    unknown_path = http.get("/v1/jobs/999")
    unknown_method = http.post("/v1/jobs/16852935/cancel")

    assert (unknown_path.status_code, unknown_path.json()) == (404, {"message": "not found: GET /v1/jobs/999"})
    assert unknown_method.status_code == 404
    assert unknown_method.json()["message"] == "not found: POST /v1/jobs/16852935/cancel"


def test_a_route_with_a_query_wins_when_the_request_has_it(http: httpx.Client) -> None:
    assert http.get("/v1/jobs", params={"status": "failed", "limit": "5"}).json() == {"jobs": [{"id": "2"}]}
    assert http.get("/v1/jobs", params={"status": "running"}).json() == {"jobs": [{"id": "1"}, {"id": "2"}]}
    assert http.get("/v1/jobs").json() == {"jobs": [{"id": "1"}, {"id": "2"}]}


def test_an_error_route_without_body_gets_a_message_and_its_headers(http: httpx.Client) -> None:
    response = http.get("/v1/queues")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json() == {"message": "Too Many Requests"}


def test_204_has_no_body(http: httpx.Client) -> None:
    response = http.delete("/v1/jobs/1")

    assert (response.status_code, response.content) == (204, b"")


def test_a_later_route_overrides_an_equal_one(http: httpx.Client, api: FakeJobsAPI) -> None:
    api.add("GET", "/v1/jobs/16852935", {"id": "16852935", "status": "failed"})

    assert http.get("/v1/jobs/16852935").json()["status"] == "failed"


def test_down_answers_503(http: httpx.Client, api: FakeJobsAPI) -> None:
    api.down = True

    assert http.get("/v1/jobs/16852935").status_code == 503


def test_a_custom_token() -> None:
    with FakeJobsAPI(ROUTES, token="other-token") as api:
        ok = httpx.get(f"{api.url}/v1/jobs/16852935", headers={"Authorization": "Bearer other-token"})
        refused = httpx.get(f"{api.url}/v1/jobs/16852935", headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"})

    assert (ok.status_code, refused.status_code) == (200, 401)


def test_from_file_reads_an_api_yaml(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(ROUTES), encoding="utf-8")

    with FakeJobsAPI.from_file(path) as api:
        response = httpx.get(f"{api.url}/v1/jobs/16852935", headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"})

    assert response.json() == JOB


def test_an_empty_api_yaml_means_no_routes(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("", encoding="utf-8")

    assert FakeJobsAPI.from_file(path).routes == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a: [unclosed", "is not valid YAML"),
        ("method: GET\npath: /v1/jobs\n", "expected a list of routes, got dict"),
        ("- just a string\n", "entry 1: expected a mapping"),
        ("- {path: /v1/jobs}\n", "entry 1: method must be one of"),
        ("- {method: GET, path: /ok}\n- {method: FETCH, path: /v1/jobs}\n", "entry 2: method must be one of"),
        ("- {method: GET, path: v1/jobs}\n", "path must be a string starting with '/'"),
        ("- {method: GET, path: /v1/jobs, status: 'ok'}\n", "status must be an HTTP status code"),
        ("- {method: GET, path: /v1/jobs, status: 700}\n", "status must be an HTTP status code"),
        ("- {method: GET, path: /v1/jobs, headers: [a]}\n", "headers must be a mapping"),
    ],
)
def test_a_malformed_api_yaml_is_refused_with_the_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(RouteError, match=message) as raised:
        FakeJobsAPI.from_file(path)

    assert str(path) in str(raised.value)


def test_a_missing_api_yaml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RouteError, match="cannot read .*api.yaml: No such file"):
        FakeJobsAPI.from_file(tmp_path / "api.yaml")


def test_routes_given_directly_are_checked_too() -> None:
    with pytest.raises(RouteError, match="routes entry 1: method must be one of"):
        FakeJobsAPI([{"path": "/v1/jobs"}])
    with pytest.raises(RouteError, match="expected a list of routes"):
        FakeJobsAPI({"method": "GET", "path": "/v1/jobs"})  # type: ignore[arg-type]


def test_a_client_that_gives_up_leaves_no_error_output(capfd: pytest.CaptureFixture[str]) -> None:
    with FakeJobsAPI(ROUTES, latency=0.3) as slow:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{slow.url}/v1/jobs/1", headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}, timeout=0.05)
        time.sleep(0.5)  # the fake answers the closed connection meanwhile

    assert "Exception occurred" not in capfd.readouterr().err
