"""``aiops runbooks check|list|match`` through ``app.cli.main``, on folders and on the GitHub fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.config import Settings
from app.fakes.github_api import FakeGitHub
from app.fakes.jobs_api import SAMPLE_SPEC
from app.worker.handler import tool_names

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
TOKEN = "ghp-cli-token"  # the fake's token
KNOWN_TOOLS = ", ".join(sorted(tool_names(Settings(jobs_api_spec=str(SAMPLE_SPEC)))))
OTHER_SPEC = """openapi: 3.0.3
info: {title: Fleet, version: "1"}
paths:
  /nodes/{node}:
    get:
      operationId: fleet_get_node
      parameters: [{name: node, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
"""


pytestmark = pytest.mark.usefixtures("aiops_env", "jobs_api_spec")


@pytest.fixture
def jobs_api_spec(aiops_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample jobs API configured, as the repository's runbooks expect."""
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(SAMPLE_SPEC))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> Any:
    got, out, err = run(capsys, *argv)
    assert got == code, (out, err)
    return json.loads(out)


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    write(folder, "good.md", "---\nid: good-1\ntitle: Good\n---\n# Good\n")
    write(folder, "nested/bad-yaml.md", "---\nid: bad\ntitle: [unclosed\n---\n")
    write(folder, "tools.md", "---\nid: t-1\ntitle: T\nevidence:\n  - {id: s, tool: use_aws}\n---\n")
    write(folder, "dup.md", "---\ntitle: Again\nid: good-1\n---\n")
    write(folder, "plain.md", "# no front matter here\n")
    return folder


def test_check_lists_every_problem_with_file_line_and_field(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "runbooks", "check", str(broken))

    assert code == 1
    assert err.splitlines() == [
        "good.md:2: id: duplicate id 'good-1' (also in dup.md)",
        "nested/bad-yaml.md:3: front matter is not valid YAML: while parsing a flow sequence did not find expected "
        "',' or ']' (noticed at line 4)",
        "plain.md: no YAML front matter (the file must start with a '---' line)",
        f"tools.md:5: evidence.0.tool: unknown tool 'use_aws'; known tools: {KNOWN_TOOLS}",
    ]
    assert {"cloud_logging_query", "aws_read", "search_runbooks"} <= set(KNOWN_TOOLS.split(", "))
    assert "jobs_get_job" in KNOWN_TOOLS  # from the configured spec
    assert out.strip() == "1 runbooks valid, 4 problems"


def test_check_json(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    view = run_json(capsys, "runbooks", "check", "--runbooks", str(broken), "--json", code=1)

    assert view["runbooks"] == 1
    assert view["problems"][0] == {
        "path": "good.md", "message": "duplicate id 'good-1' (also in dup.md)", "line": 2, "field": "id"
    }
    assert len(view["problems"]) == 4


def test_check_on_the_repo_catalog_passes_with_the_jobs_api_configured(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "runbooks", "check")

    assert (code, err) == (0, "")
    assert out.strip() == "13 runbooks valid, 0 problems"


def test_check_names_the_tools_of_the_configured_jobs_api_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "fleet.yaml"
    spec.write_text(OTHER_SPEC)
    write(tmp_path / "catalog", "n.md", "---\nid: n-1\ntitle: N\nevidence:\n  - {id: a, tool: fleet_get_node}\n"
          "  - {id: b, tool: jobs_get_job}\n---\n# N\n")
    monkeypatch.setenv("AIOPS_JOBS_API_SPEC", str(spec))

    code, _, err = run(capsys, "runbooks", "check", str(tmp_path / "catalog"))

    assert code == 1
    assert "unknown tool 'jobs_get_job'" in err
    assert "fleet_get_node" in err  # among the known tools
    assert "unknown tool 'fleet_get_node'" not in err


def test_check_without_a_jobs_api_spec_knows_no_jobs_api_tool(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIOPS_JOBS_API_SPEC")
    code, _, err = run(capsys, "runbooks", "check")

    assert code == 1
    assert "unknown tool 'jobs_get_job'" in err


def test_check_on_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "runbooks", "check", str(tmp_path / "nope"))

    assert code == 1
    assert "runbook folder not found" in err


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "runbooks", "list", "--json")

    assert len(rows) == 13
    jobs = next(row for row in rows if row["id"] == "jobs-004")
    assert jobs == {
        "id": "jobs-004",
        "title": "Job succeeded but a task has no started_at",
        "severity": "low",
        "tags": ["jobs", "healthcheck", "gke"],
        "path": "jobs/jobs-004-started-at-missing.md",
        "link": (REPO_RUNBOOKS / "jobs" / "jobs-004-started-at-missing.md").resolve().as_uri(),
        "steps": 5,
    }


def test_list_text_points_to_check_when_files_are_broken(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "runbooks", "list", str(broken))

    assert code == 0
    assert out.split() == ["good-1", "medium", "Again", "(dup.md)"]  # files are read in path order
    assert err.strip() == "4 problems: run 'aiops runbooks check' to see them"


def test_match_a_rule_selects_and_lexical_candidates_follow(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "runbooks", "match", "Task stopped: exit code 137 job_id=16853001", "--json")

    assert rows[0] == {
        "id": "ecs-002",
        "title": "ECS task killed for running out of memory",
        "selected": True,
        "kind": "rule",
        "score": 1.0,
        "above_threshold": True,
        "reason": "text matches /(?i)exit code:? 137/",
    }
    assert {row["kind"] for row in rows[1:]} == {"lexical"}
    assert not any(row["selected"] for row in rows[1:])
    assert all(row["reason"].startswith("words in common: ") for row in rows[1:])


def test_match_falls_back_to_the_lexical_ranking(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "runbooks", "match", "PostgreSQL is refusing new connections, max_connections reached")

    assert code == 0
    first, why = out.splitlines()[:2]
    assert first.split()[:4] == ["1.", "rds-001", "lexical", "SELECTED"]
    assert why.strip().startswith("words in common: ")
    assert "connections (title, tags, sample, body, code)" in why  # the word as written, the fields it is in


def test_match_below_the_threshold_claims_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "runbooks", "match", "Kafka consumer group analytics lag is 2M messages")

    assert code == 1
    assert "SELECTED" not in out
    assert out.splitlines()[0].split()[3] == "weak"


def test_match_with_nothing_in_common(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "runbooks", "match", "zzqx qqzz", "--json", code=1) == []


def test_match_needs_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "runbooks", "match")

    assert code == 2
    assert "give the alert text" in err


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        files = {f"ops/{path.relative_to(REPO_RUNBOOKS)}": path.read_text("utf-8") for path in REPO_RUNBOOKS.rglob("*")
                 if path.is_file()}
        fake.push("acme/platform", files)
        monkeypatch.setenv("AIOPS_GITHUB_API_URL", fake.url)
        monkeypatch.setenv("AIOPS_SECRET_GITHUB", json.dumps({"token": TOKEN}))
        yield fake


def test_check_a_github_catalog_then_list_it_from_the_cache(
    github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "runbooks", "check", "github:acme/platform@main:ops")
    assert (code, out.strip(), err) == (0, "13 runbooks valid, 0 problems", "")
    cold = len(github.requests)

    rows = run_json(capsys, "runbooks", "list", "github:acme/platform@main:ops", "--json")

    assert len(rows) == 13
    assert rows[0]["link"].startswith("https://github.example/acme/platform/blob/")
    assert len(github.requests) == cold + 1


def test_a_github_outage_falls_back_with_a_note_or_fails_clearly(
    github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    github.down = True
    code, _, err = run(capsys, "runbooks", "check", "github:acme/platform@main:ops")
    assert code == 1
    assert "no earlier catalog is cached" in err

    github.down = False
    assert run(capsys, "runbooks", "check", "github:acme/platform@main:ops")[0] == 0
    github.down = True
    code, out, err = run(capsys, "runbooks", "check", "github:acme/platform@main:ops")

    assert code == 0
    assert out.strip() == "13 runbooks valid, 0 problems"
    assert err.startswith("note: Runbooks could not be loaded from GitHub (HTTP 503")


def test_a_github_source_without_its_token_secret(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "runbooks", "list", "github:acme/platform@main:ops")

    assert code == 2
    assert "AIOPS_SECRET_GITHUB" in err


def test_a_malformed_github_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "runbooks", "check", "github:acme-platform")

    assert code == 1
    assert "expected github:OWNER/REPO@REF:PATH" in err
