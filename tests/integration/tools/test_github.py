"""github_search_code and github_read_file through PyGithub against the local GitHub fake (Enterprise base URL)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from github.GithubException import RateLimitExceededException

from app.fakes.github_api import FakeGitHub
from tools.github import failure_text, github_check, github_client, github_tools
from tools.registry import ToolOutcome, ToolRegistry

TOKEN = "ghp-test-token"
REPOS = ["acme/runner", "acme/scheduler"]
TASKS_V1 = "def start(task):\n    task.started_at = None  # set by the heartbeat\n"
TASKS_V2 = (
    "def start(task):\n"
    "    task.started_at = now()\n"
    "    if task.started_at is None:\n"
    "        raise StartedAtMissing('started_at has no value')\n"
)


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        fake.push("acme/runner", {"runner/tasks.py": TASKS_V1, "README.md": "# runner\n"}, message="v1")
        fake.push("acme/runner", {"runner/tasks.py": TASKS_V2, "README.md": "# runner\n",
                                  "runner/settings.py": "DB_URL = 'postgres://runner:hunter2@db:5432/jobs'\n",
                                  "assets/logo.png": b"\x89PNG\0\0\0binary",
                                  "data/big.txt": ("started_at line\n" * 70_000).encode()}, message="v2")
        fake.push("acme/scheduler", {"scheduler/retry.py": "MAX_RETRIES = 3  # started_at retries\n"})
        fake.push("evil/elsewhere", {"x.py": "started_at = 'not for you'\n"})
        yield fake


def registry(fake: FakeGitHub, *, token: str = TOKEN, timeout: float = 20.0) -> ToolRegistry:
    client = github_client(token, fake.url + "/api/v3", timeout=timeout)
    return ToolRegistry.from_sets([github_tools(client, REPOS)], result_max_chars=200_000)


def call(fake: FakeGitHub, name: str, **args: Any) -> ToolOutcome:
    return asyncio.run(registry(fake).call(name, args))


def test_search_covers_the_readable_repositories_only(github: FakeGitHub) -> None:
    outcome = call(github, "github_search_code", query="started_at")

    assert outcome.status == "ok"
    lines = outcome.text.splitlines()
    assert lines[0] == "3 files match 'started_at'; showing 3:"
    assert "acme/runner runner/tasks.py" in lines
    assert "acme/scheduler scheduler/retry.py" in lines
    assert "evil/elsewhere" not in outcome.text
    assert "    raise StartedAtMissing('started_at has no value')" in lines
    query = github.requests[-1].query["q"][0]
    assert query == "started_at repo:acme/runner repo:acme/scheduler"
    assert github.requests[-1].path == "/api/v3/search/code"


def test_search_in_one_repository_with_qualifiers(github: FakeGitHub) -> None:
    outcome = call(github, "github_search_code", query="started_at extension:py", repo="acme/scheduler")

    assert outcome.text.splitlines()[:2] == ["1 files match 'started_at extension:py'; showing 1:",
                                             "acme/scheduler scheduler/retry.py"]


def test_empty_search_says_what_to_try(github: FakeGitHub) -> None:
    outcome = call(github, "github_search_code", query="heartbeat_timeout")

    assert outcome.status == "ok"
    assert outcome.text.startswith("No code matched 'heartbeat_timeout' in acme/runner, acme/scheduler")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ({"query": "started_at", "repo": "evil/elsewhere"}, "repository 'evil/elsewhere' is not readable"),
        ({"query": "started_at repo:evil/elsewhere"}, "must not name repositories, orgs or users"),
        ({"query": "started_at ORG:evil"}, "must not name repositories, orgs or users"),
        ({"query": "  "}, "query must be a few words"),
    ],
)
def test_searches_outside_the_readable_repositories_are_denied(
    github: FakeGitHub, args: dict[str, Any], reason: str
) -> None:
    before = len(github.requests)

    outcome = call(github, "github_search_code", **args)

    assert outcome.status == "error" and reason in outcome.text
    assert len(github.requests) == before  # nothing reached GitHub
    assert github_check(REPOS)("github_search_code", args) is not None


def test_read_file_at_the_default_branch_with_line_numbers(github: FakeGitHub) -> None:
    outcome = call(github, "github_read_file", repo="acme/runner", path="/runner/tasks.py")

    lines = outcome.text.splitlines()
    assert lines[0].startswith("acme/runner/runner/tasks.py @ default branch (blob ")
    assert lines[0].endswith(", 4 lines)")
    assert lines[4] == "4│         raise StartedAtMissing('started_at has no value')"


def test_read_file_at_an_older_commit(github: FakeGitHub) -> None:
    first = next(sha for sha, commit in github.repos["acme/runner"].commits.items() if commit.message == "v1")

    outcome = call(github, "github_read_file", repo="acme/runner", path="runner/tasks.py", ref=first[:10])

    assert "2│     task.started_at = None  # set by the heartbeat" in outcome.text
    assert github.requests[-1].query["ref"] == [first[:10]]


def test_folders_binary_and_large_files(github: FakeGitHub) -> None:
    folder = call(github, "github_read_file", repo="acme/runner", path="runner")
    binary = call(github, "github_read_file", repo="acme/runner", path="assets/logo.png")
    large = call(github, "github_read_file", repo="acme/runner", path="data/big.txt")

    assert folder.text.splitlines() == [
        "acme/runner/runner @ default branch: folder with 2 entries", "runner/settings.py", "runner/tasks.py"
    ]
    assert binary.text == "acme/runner/assets/logo.png @ default branch: binary file, 13 bytes (not shown)"
    assert large.text.splitlines()[0].endswith("70000 lines)")  # over 1 MB: read through the blob API
    assert any("/git/blobs/" in request.path for request in github.requests)


def test_secrets_in_source_are_masked(github: FakeGitHub) -> None:
    outcome = call(github, "github_read_file", repo="acme/runner", path="runner/settings.py")

    assert "hunter2" not in outcome.text
    assert "postgres://runner:[REDACTED]@db:5432/jobs" in outcome.text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"repo": "acme/runner", "path": "runner/nope.py"},
         "github_read_file: not found acme/runner/runner/nope.py@default branch; check the path and the ref"),
        ({"repo": "acme/runner", "path": "runner/tasks.py", "ref": "no-such-branch"},
         "github_read_file: not found acme/runner/runner/tasks.py@no-such-branch"),
        ({"repo": "evil/elsewhere", "path": "x.py"}, "Denied: repository 'evil/elsewhere' is not readable"),
        ({"repo": "acme/runner", "path": "runner/../../etc/passwd"}, "github_read_file: path must not contain '..'"),
    ],
)
def test_read_failures_are_short_results(github: FakeGitHub, args: dict[str, Any], expected: str) -> None:
    outcome = call(github, "github_read_file", **args)

    assert outcome.status == "error"
    assert outcome.text.startswith(expected)


def test_bad_token_outage_and_timeout(github: FakeGitHub) -> None:
    denied = asyncio.run(registry(github, token="ghp-wrong").call(
        "github_read_file", {"repo": "acme/runner", "path": "README.md"}))
    github.down = True
    outage = call(github, "github_read_file", repo="acme/runner", path="README.md")
    github.down, github.latency = False, 1.5
    slow = asyncio.run(registry(github, timeout=1).call(
        "github_read_file", {"repo": "acme/runner", "path": "README.md"}))

    assert denied.text == "github_read_file: denied: GitHub did not accept the bot's token"
    assert outage.text.startswith("github_read_file: failed acme/runner/README.md@default branch (503)")
    assert slow.text == "github_read_file: timed out; retry once"


def test_rate_limit_is_reported_not_waited_out() -> None:
    error = RateLimitExceededException(403, {"message": "API rate limit exceeded"}, {})

    assert failure_text("github_search_code", error) == (
        "github_search_code: throttled by GitHub's rate limit; wait, then retry once"
    )


def test_guard_check_for_reads() -> None:
    check = github_check(REPOS)

    assert check("github_read_file", {"repo": "ACME/Runner", "path": "x"}) is None
    assert check("github_read_file", {"path": "x"}) == (
        "repository None is not readable; readable repositories: acme/runner, acme/scheduler"
    )
