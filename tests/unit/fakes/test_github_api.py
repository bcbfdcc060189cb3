"""The fake GitHub API, driven through PyGithub as the runbook source and the code tools use it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import github
import pytest
from github import Auth, Github

from app.fakes.github_api import CONTENTS_MAX_BYTES, FakeGitHub, blob_sha

TOKEN = "ghp-test-token"  # noqa: S105 - the fake's token


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as server:
        server.push(
            "acme/runbooks",
            {"README.md": "# Runbooks\n", "jobs/jobs-004.md": "started_at has no value\n", "ecs/deep/x.md": "oom\n"},
        )
        yield server


def client(fake: FakeGitHub, *, token: str = TOKEN, enterprise: bool = False) -> Github:
    base = fake.url + ("/api/v3" if enterprise else "")
    return Github(base_url=base, auth=Auth.Token(token), retry=None)


def test_blob_sha_is_git_object_id() -> None:
    assert blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_repo_commit_tree_and_contents(fake: FakeGitHub) -> None:
    repo = client(fake).get_repo("acme/runbooks")
    commit = repo.get_commit("main")
    tree = repo.get_git_tree(commit.commit.tree.sha, recursive=True)
    paths = {item.path: item.type for item in tree.tree}
    assert paths == {
        "README.md": "blob",
        "jobs": "tree",
        "jobs/jobs-004.md": "blob",
        "ecs": "tree",
        "ecs/deep": "tree",
        "ecs/deep/x.md": "blob",
    }
    content = repo.get_contents("jobs/jobs-004.md", ref=commit.sha)
    assert not isinstance(content, list)
    assert content.decoded_content == b"started_at has no value\n"
    listing = repo.get_contents("ecs", ref="main")
    assert isinstance(listing, list)
    assert [(item.path, item.type) for item in listing] == [("ecs/deep", "dir")]


def test_unchanged_ref_answers_304_and_a_push_changes_it(fake: FakeGitHub) -> None:
    repo = client(fake).get_repo("acme/runbooks")
    url = f"{repo.url}/commits/main"
    status, headers, body = repo.requester.requestJson("GET", url)
    assert status == 200
    first_sha = json.loads(body)["sha"]
    status, _, _ = repo.requester.requestJson("GET", url, headers={"If-None-Match": headers["etag"]})
    assert status == 304
    fake.push("acme/runbooks", {"README.md": "# Changed\n"})
    status, _, body = repo.requester.requestJson("GET", url, headers={"If-None-Match": headers["etag"]})
    assert status == 200
    assert json.loads(body)["parents"][0]["sha"] == first_sha
    assert repo.get_commit("main").sha != first_sha


def test_large_file_has_no_inline_content_but_its_blob_does(fake: FakeGitHub) -> None:
    big = b"x" * (CONTENTS_MAX_BYTES + 10)
    fake.push("acme/runbooks", {"big.md": big})
    repo = client(fake).get_repo("acme/runbooks")
    content = repo.get_contents("big.md")
    assert not isinstance(content, list)
    assert content.encoding == "none"
    blob = repo.get_git_blob(content.sha)
    assert blob.size == len(big)
    assert blob.encoding == "base64"


def test_code_search_with_repo_qualifier_and_text_matches(fake: FakeGitHub) -> None:
    fake.push("acme/platform", {"scheduler/tasks.py": "def mark_started(task):\n    task.started_at = now()\n"})
    results = client(fake).search_code("started_at repo:acme/platform", highlight=True)
    hits = list(results)
    assert [(hit.repository.full_name, hit.path) for hit in hits] == [("acme/platform", "scheduler/tasks.py")]
    assert "task.started_at = now()" in hits[0].text_matches[0]["fragment"]
    assert results.totalCount == 1


def test_bad_token_and_missing_things_are_real_github_errors(fake: FakeGitHub) -> None:
    with pytest.raises(github.BadCredentialsException):
        client(fake, token="wrong").get_repo("acme/runbooks")  # noqa: S106
    with pytest.raises(github.UnknownObjectException):
        client(fake).get_repo("acme/missing")
    repo = client(fake).get_repo("acme/runbooks")
    with pytest.raises(github.UnknownObjectException):
        repo.get_contents("nope.md")


def test_enterprise_prefix_and_outage(fake: FakeGitHub) -> None:
    repo = client(fake, enterprise=True).get_repo("acme/runbooks")
    assert repo.default_branch == "main"
    fake.down = True
    with pytest.raises(github.GithubException) as caught:
        repo.get_commit("main").sha  # noqa: B018 - the lazy commit is fetched here
    assert caught.value.status == 503


def test_push_dir_seeds_owner_repo_folders(tmp_path: Path) -> None:
    (tmp_path / "acme" / "platform" / "src").mkdir(parents=True)
    (tmp_path / "acme" / "platform" / "src" / "app.py").write_text("print('hi')\n")
    with FakeGitHub(token=None) as server:
        server.push_dir(tmp_path)
        repo = Github(base_url=server.url, retry=None).get_repo("acme/platform")
        content = repo.get_contents("src/app.py")
        assert not isinstance(content, list)
        assert content.decoded_content == b"print('hi')\n"
        assert len(server.requests) == 2
