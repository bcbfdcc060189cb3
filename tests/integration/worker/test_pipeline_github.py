"""The worker with its runbooks on GitHub: a GitHub outage uses the last good catalog and the reply says so;
with nothing cached the investigation fails with a clear message instead of running with no runbooks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from github import Auth, Github
from pipeline_support import RUNBOOKS, all_text, make_deps, post_alert, reply_of

from app.fakes.github_api import FakeGitHub
from app.fakes.slack_api import FakeSlackAPI
from app.runbooks.cache import CatalogCache
from app.runbooks.github import GitHubSource, parse_github_spec
from app.storage.triage import SQLiteTriageStore
from app.worker.pipeline import InvestigationError, investigate

TOKEN = "ghp-worker-token"  # the fake's token


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        fake.push("acme/ops", {f"runbooks/{path.name}": path.read_text("utf-8") for path in RUNBOOKS.glob("*.md")})
        yield fake


def github_source(fake: FakeGitHub, folder: Path) -> GitHubSource:
    client = Github(base_url=fake.url, auth=Auth.Token(TOKEN), retry=None, seconds_between_requests=None)
    return GitHubSource(parse_github_spec("github:acme/ops@main:runbooks"), client, CatalogCache(folder))


def test_outage_reply_uses_the_last_good_catalog_and_says_so(
    fake: FakeSlackAPI, store: SQLiteTriageStore, github: FakeGitHub, tmp_path: Path
) -> None:
    deps = make_deps(fake, store, source=github_source(github, tmp_path / "cache"))
    first = investigate(post_alert(fake), deps)
    assert (first.runbook_id, first.notes) == ("jobs-004", [])
    github.down = True

    job = post_alert(fake)
    record = investigate(job, deps)

    assert record.status == "ok"
    assert record.runbook_id == "jobs-004"
    assert [note.split(";")[0] for note in record.notes] == [
        "Runbooks could not be loaded from GitHub (HTTP 503 service unavailable)"
    ]
    assert "using the last good catalog, commit" in all_text(reply_of(fake, job)["blocks"])


def test_outage_with_nothing_cached_fails_the_investigation_clearly(
    fake: FakeSlackAPI, store: SQLiteTriageStore, github: FakeGitHub, tmp_path: Path
) -> None:
    github.down = True
    job = post_alert(fake)

    with pytest.raises(InvestigationError, match="no earlier catalog is cached"):
        investigate(job, make_deps(fake, store, source=github_source(github, tmp_path / "cache")))

    failure = fake.thread("C0ALERTS", job.ts)[-1]["text"]
    assert "investigation failed" in failure
    assert "no earlier catalog is cached" in failure
