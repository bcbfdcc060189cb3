"""The GitHub runbook source through PyGithub against the local GitHub REST API fake.

Covers: commits (ETag / 304), recursive trees, contents, blobs for files over 1 MB, nested folders, files that
are not runbooks, the on-disk cache across source instances, a moved ref, outages with and without a cached
catalog, and the clear errors for a bad token, repository, ref, path or source string.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from app.config import ConfigError, Settings
from app.fakes.github_api import CONTENTS_MAX_BYTES, FakeGitHub, blob_sha
from app.fakes.http import HTTPRequest, HTTPResponse
from app.runbooks.cache import CatalogCache
from app.runbooks.catalog import load_catalog
from app.runbooks.github import GitHubLocation, GitHubSource, github_client, github_source, parse_github_spec
from app.runbooks.source import SourceError
from app.runbooks.sources import source_from_spec
from app.secret_reader import secret_reader

TOKEN = "ghp-runbooks-token"  # the fake's token
SPEC = "github:acme/ops@main:runbooks"


def runbook(runbook_id: str, title: str, body: str = "## Procedure\nCheck it.") -> str:
    return f"---\nid: {runbook_id}\ntitle: {title}\nmatch:\n  - regex: '{title}'\n---\n# {title}\n\n{body}\n"


LARGE_BODY = "## Background\n" + "A long sample log line for the large runbook.\n" * 30_000
FILES: dict[str, str | bytes] = {
    "runbooks/jobs/jobs-004.md": runbook("jobs-004", "started_at has no value"),
    "runbooks/ecs/deep/nested/ecs-002.md": runbook("ecs-002", "OutOfMemoryError"),
    "runbooks/big/large-001.md": runbook("large-001", "Large runbook", LARGE_BODY),
    "runbooks/README.md": "# How to write runbooks\n",
    "runbooks/ecs/diagram.png": b"\x89PNG\r\n\x1a\n\x00\x00",
    "runbooks/notes.txt": "not a runbook\n",
    "elsewhere/other-001.md": runbook("other-001", "Outside the path"),
}
MARKDOWN_UNDER_PATH = ["big/large-001.md", "ecs/deep/nested/ecs-002.md", "jobs/jobs-004.md"]


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as server:
        server.push("acme/ops", FILES)
        yield server


@pytest.fixture
def settings(fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("AIOPS_SECRET_GITHUB", json.dumps({"token": TOKEN}))
    return Settings(github_api_url=fake.url, state_dir=tmp_path / "state", secrets_backend="env")


def source(settings: Settings, spec: str = SPEC, cache: CatalogCache | None = None) -> GitHubSource:
    client = github_client(settings, secret_reader(settings))
    return GitHubSource(parse_github_spec(spec), client, cache or CatalogCache(None))


def paths(fake: FakeGitHub, since: int = 0) -> list[str]:
    return [request.path for request in fake.requests[since:]]


def test_cold_load_reads_commit_tree_and_each_markdown_file(fake: FakeGitHub, settings: Settings) -> None:
    snapshot = source(settings).fetch()

    sha = fake.repos["acme/ops"].branches["main"]
    assert [item.path for item in snapshot.files] == MARKDOWN_UNDER_PATH
    assert snapshot.version == f"acme/ops@{sha[:12]}"
    assert snapshot.note == ""
    assert snapshot.files[2].link == f"https://github.example/acme/ops/blob/{sha}/runbooks/jobs/jobs-004.md"
    requested = paths(fake)
    tree = fake.repos["acme/ops"].commits[sha].tree_sha
    assert requested[:2] == ["/repos/acme/ops/commits/main", f"/repos/acme/ops/git/trees/{tree}"]
    contents = sorted(path for path in requested if "/contents/" in path)
    assert contents == [f"/repos/acme/ops/contents/runbooks/{path}" for path in MARKDOWN_UNDER_PATH]
    assert len(requested) == 2 + 3 + 1  # commit, tree, three files, one blob for the large file


def test_a_file_over_1_mb_comes_from_the_blobs_api(fake: FakeGitHub, settings: Settings) -> None:
    large = FILES["runbooks/big/large-001.md"]
    assert isinstance(large, str) and len(large.encode()) > CONTENTS_MAX_BYTES

    snapshot = source(settings).fetch()

    assert snapshot.files[0].text == large
    assert f"/repos/acme/ops/git/blobs/{blob_sha(large.encode())}" in paths(fake)
    catalog = load_catalog(source(settings))
    assert catalog.problems == ()
    assert sorted(rb.id for rb in catalog.runbooks) == ["ecs-002", "jobs-004", "large-001"]


def test_an_unchanged_ref_costs_one_conditional_request_answered_304(fake: FakeGitHub, settings: Settings) -> None:
    github = source(settings)
    first = github.fetch()
    before = len(fake.requests)

    second = github.fetch()

    assert second.files == first.files
    assert paths(fake, before) == ["/repos/acme/ops/commits/main"]
    etag = fake.requests[-1].headers["if-none-match"]
    answer = requests.get(f"{fake.url}/repos/acme/ops/commits/main", timeout=5,
                          headers={"Authorization": f"token {TOKEN}", "If-None-Match": etag})
    assert answer.status_code == 304


def test_the_disk_cache_serves_a_new_source_with_one_request(fake: FakeGitHub, settings: Settings) -> None:
    first = github_source(SPEC, settings, secret_reader(settings)).fetch()
    before = len(fake.requests)

    # a new process: fresh client and memory, same state folder
    again = github_source(SPEC, settings, secret_reader(settings)).fetch()

    assert again.files == first.files
    assert paths(fake, before) == ["/repos/acme/ops/commits/main"]
    assert "if-none-match" in fake.requests[-1].headers
    assert (settings.state_dir / "runbook-cache").is_dir()


def test_a_moved_ref_fetches_only_new_and_changed_files(fake: FakeGitHub, settings: Settings) -> None:
    github = source(settings, cache=CatalogCache(settings.state_dir / "cache"))
    github.fetch()
    changed = dict(FILES)
    changed["runbooks/jobs/jobs-004.md"] = runbook("jobs-004", "started_at has no value", "## Procedure\nNew step.")
    changed["runbooks/jobs/jobs-005.md"] = runbook("jobs-005", "Job retried too often")
    new_sha = fake.push("acme/ops", changed)
    before = len(fake.requests)

    snapshot = github.fetch()

    assert snapshot.version == f"acme/ops@{new_sha[:12]}"
    assert [item.path for item in snapshot.files] == [*MARKDOWN_UNDER_PATH, "jobs/jobs-005.md"]
    assert "New step." in snapshot.files[2].text
    fetched = [path for path in paths(fake, before) if "/contents/" in path or "/blobs/" in path]
    assert sorted(fetched) == ["/repos/acme/ops/contents/runbooks/jobs/jobs-004.md",
                               "/repos/acme/ops/contents/runbooks/jobs/jobs-005.md"]


def test_outage_uses_the_last_good_catalog_and_says_so(fake: FakeGitHub, settings: Settings) -> None:
    github = source(settings, cache=CatalogCache(settings.state_dir / "cache"))
    good = load_catalog(github)
    fake.down = True

    catalog = load_catalog(github)

    assert [rb.id for rb in catalog.runbooks] == [rb.id for rb in good.runbooks]
    assert catalog.version == good.version
    assert catalog.note.startswith("Runbooks could not be loaded from GitHub (HTTP 503")
    assert f"using the last good catalog, commit {good.version.rsplit('@', 1)[1]} of main" in catalog.note


def test_outage_after_a_restart_uses_the_disk_cache(fake: FakeGitHub, settings: Settings) -> None:
    github_source(SPEC, settings, secret_reader(settings)).fetch()
    fake.down = True

    snapshot = github_source(SPEC, settings, secret_reader(settings)).fetch()

    assert len(snapshot.files) == 3
    assert "Runbooks could not be loaded from GitHub" in snapshot.note


def test_outage_with_nothing_cached_is_a_clear_error(fake: FakeGitHub, settings: Settings) -> None:
    fake.down = True

    with pytest.raises(SourceError) as raised:
        source(settings).fetch()

    assert str(raised.value) == (
        "cannot load runbooks from github:acme/ops@main:runbooks: HTTP 503 service unavailable; "
        "no earlier catalog is cached"
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_host_is_an_outage_too(settings: Settings, fake: FakeGitHub) -> None:
    folder = settings.state_dir / "cache"
    source(settings, cache=CatalogCache(folder)).fetch()
    nowhere = settings.model_copy(update={"github_api_url": f"http://127.0.0.1:{closed_port()}"})

    snapshot = source(nowhere, cache=CatalogCache(folder)).fetch()

    assert len(snapshot.files) == 3
    assert "Runbooks could not be loaded from GitHub (ConnectionError" in snapshot.note


@pytest.mark.parametrize(
    ("spec", "token", "reason"),
    [
        (SPEC, "wrong-token", "HTTP 401 Bad credentials: the token was rejected"),
        ("github:acme/nope@main:runbooks", TOKEN, "HTTP 404 Not Found: repository not found"),
        ("github:acme/ops@no-such-branch:runbooks", TOKEN, "the ref does not exist"),
        ("github:acme/ops@main:empty", TOKEN, "no Markdown files under github:acme/ops@main:empty"),
    ],
)
def test_errors_name_the_cause(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, spec: str, token: str, reason: str
) -> None:
    monkeypatch.setenv("AIOPS_SECRET_GITHUB", json.dumps({"token": token}))

    with pytest.raises(SourceError, match="no earlier catalog is cached") as raised:
        source(settings, spec).fetch()

    assert reason in str(raised.value)


def test_the_enterprise_base_url(fake: FakeGitHub, settings: Settings) -> None:
    enterprise = settings.model_copy(update={"github_api_url": f"{fake.url}/api/v3"})

    snapshot = source(enterprise).fetch()

    assert len(snapshot.files) == 3
    assert all(path.startswith("/api/v3/repos/acme/ops/") for path in paths(fake))


def test_invalid_runbooks_in_the_repository_are_problems(fake: FakeGitHub, settings: Settings) -> None:
    fake.push("acme/ops", {"runbooks/ok.md": runbook("ok-1", "Fine"), "runbooks/bad.md": "---\nid: [x\n---\n",
                           "runbooks/latin1.md": "---\nid: l\ntitle: caf\xe9\n---\n".encode("latin-1")})

    catalog = load_catalog(github_source(SPEC, settings, secret_reader(settings)))

    assert [rb.id for rb in catalog.runbooks] == ["ok-1"]
    assert [(p.path, p.line) for p in catalog.problems] == [("bad.md", 2), ("latin1.md", None)]
    assert catalog.problems[1].message.startswith("not UTF-8 text")
    fake.down = True
    again = load_catalog(github_source(SPEC, settings, secret_reader(settings)))  # after a restart, from the disk cache
    assert [rb.id for rb in again.runbooks] == ["ok-1"]
    assert again.problems == catalog.problems
    assert again.note.startswith("Runbooks could not be loaded from GitHub (HTTP 503")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("github:acme/ops@main:runbooks", GitHubLocation("acme", "ops", "main", "runbooks")),
        ("github:acme/ops@release/26.11:team/rb/", GitHubLocation("acme", "ops", "release/26.11", "team/rb")),
        ("github:acme/ops.wiki@0f3c2b9:", GitHubLocation("acme", "ops.wiki", "0f3c2b9", "")),
        ("github:acme/ops@v1.2", GitHubLocation("acme", "ops", "v1.2", "")),
    ],
)
def test_parse_spec(spec: str, expected: GitHubLocation) -> None:
    assert parse_github_spec(spec) == expected


@pytest.mark.parametrize("spec", ["github:acme@main:x", "github:acme/ops:runbooks", "github:acme/ops@:x", "github:"])
def test_a_malformed_spec_is_refused(spec: str) -> None:
    with pytest.raises(SourceError, match="expected github:OWNER/REPO@REF:PATH"):
        parse_github_spec(spec)


def test_source_from_spec_reads_the_token_secret(
    fake: FakeGitHub, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(source_from_spec(SPEC, settings, secret_reader(settings)).fetch().files) == 3
    assert fake.requests[0].headers["authorization"] == f"token {TOKEN}"

    monkeypatch.delenv("AIOPS_SECRET_GITHUB")
    with pytest.raises(ConfigError, match="AIOPS_SECRET_GITHUB"):
        source_from_spec(SPEC, settings, secret_reader(settings))


def test_an_unwritable_cache_folder_only_costs_requests(
    fake: FakeGitHub, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    github = source(settings, cache=CatalogCache(blocked / "cache"))

    with caplog.at_level(logging.WARNING, logger="app.runbooks.cache"):
        first = github.fetch()
        second = github.fetch()

    assert second.files == first.files
    assert caplog.text.count("cannot write the runbook cache") == 1
    assert "caching in memory only" in caplog.text


def test_corrupt_cache_files_are_ignored(fake: FakeGitHub, settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    source(settings, cache=CatalogCache(folder)).fetch()
    for path in folder.rglob("*.json"):
        path.write_text("{not json", encoding="utf-8")
    before = len(fake.requests)

    snapshot = source(settings, cache=CatalogCache(folder)).fetch()

    assert len(snapshot.files) == 3
    assert paths(fake, before)[0] == "/repos/acme/ops/commits/main"
    assert "if-none-match" not in fake.requests[before].headers


def test_a_response_without_the_expected_fields_is_a_failure_too(fake: FakeGitHub, settings: Settings) -> None:
    github = source(settings, cache=CatalogCache(settings.state_dir / "cache"))
    github.fetch()
    original = fake.handle

    def broken(request: HTTPRequest) -> HTTPResponse:
        return HTTPResponse.json({"message": "hello"}) if "/commits/" in request.path else original(request)

    fake.handle = broken  # type: ignore[method-assign]
    fake.repos["acme/ops"].branches["main"] = fake.push("acme/ops", FILES, message="moved")  # the ETag changes

    snapshot = github.fetch()

    assert len(snapshot.files) == 3
    assert snapshot.note.startswith("Runbooks could not be loaded from GitHub (KeyError: 'sha')")
