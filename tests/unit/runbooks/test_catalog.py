"""The runbook catalog: parsing, problems, matching, field extraction, search, and the repo's own catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import Alert
from app.runbooks.catalog import (
    Catalog,
    RunbookError,
    extract_fields,
    load_catalog,
    parse_runbook,
    parse_snapshot,
)
from app.runbooks.source import FolderSource, RunbookFile, Snapshot
from app.worker.report import runbook_section

REPO_RUNBOOKS = Path(__file__).resolve().parents[3] / "runbooks"
REPO_FILES = sorted(path.relative_to(REPO_RUNBOOKS).as_posix() for path in REPO_RUNBOOKS.rglob("*.md"))


def runbook_text(front_matter: str, body: str = "# Title\n\n## Procedure\nDo it.") -> str:
    return f"---\n{front_matter.strip()}\n---\n{body}\n"


def parse(front_matter: str) -> object:
    return parse_runbook(RunbookFile(path="team/x.md", text=runbook_text(front_matter)))


def test_parse_runbook_reads_front_matter_and_body() -> None:
    item = RunbookFile(path="jobs/a.md", text=runbook_text("id: a-1\ntitle: A\ntags: [x, y]"), link="file:///a")

    runbook = parse_runbook(item)

    assert (runbook.id, runbook.title, runbook.severity, runbook.tags) == ("a-1", "A", "medium", ("x", "y"))
    assert runbook.body == "# Title\n\n## Procedure\nDo it."
    assert (runbook.path, runbook.link) == ("jobs/a.md", "file:///a")


def test_parse_runbook_without_front_matter() -> None:
    with pytest.raises(RunbookError, match="no YAML front matter"):
        parse_runbook(RunbookFile(path="x.md", text="# Just markdown\n"))


def test_parse_runbook_with_bad_yaml() -> None:
    with pytest.raises(RunbookError, match="front matter is not valid YAML"):
        parse("id: a\ntitle: [unclosed")


def test_parse_runbook_with_non_mapping_front_matter() -> None:
    with pytest.raises(RunbookError, match="front matter must be a mapping"):
        parse("- id: a")


@pytest.mark.parametrize(
    ("front_matter", "field", "detail"),
    [
        ("id: a\ntitle: A\nowner: me", "owner", "Extra inputs are not permitted"),
        ("id: a\ntitle: A\nmatch:\n  - regex: '(unclosed'", "match.0.regex", "invalid regex"),
        ("id: a\ntitle: A\nmatch:\n  - {regex: x, field: body}", "match.0.field", "labels.<name>"),
        ("id: a\ntitle: A\nextract:\n  job_id: '[bad'", "extract", "extract.job_id: invalid regex"),
        ("id: Jobs_004\ntitle: A", "id", "pattern"),
        ("id: a\ntitle: A\nseverity: urgent", "severity", "'low', 'medium', 'high' or 'critical'"),
        ("id: a\ntitle: A\nevidence:\n  - {id: s, tool: t, extra: 1}", "evidence.0.extra", "not permitted"),
        ("title: A", "id", "Field required"),
    ],
)
def test_parse_runbook_names_the_bad_field(front_matter: str, field: str, detail: str) -> None:
    with pytest.raises(RunbookError) as raised:
        parse(front_matter)

    assert f"{field}:" in str(raised.value)
    assert detail in str(raised.value)


def test_duplicate_ids_are_problems_and_the_first_wins() -> None:
    snapshot = Snapshot(
        version="v1",
        files=(
            RunbookFile("a.md", runbook_text("id: dup-1\ntitle: First")),
            RunbookFile("b.md", runbook_text("id: dup-1\ntitle: Second")),
            RunbookFile("c.md", "no front matter"),
        ),
    )

    catalog = parse_snapshot(snapshot)

    assert [runbook.title for runbook in catalog.runbooks] == ["First"]
    assert [(problem.path, problem.message) for problem in catalog.problems] == [
        ("b.md", "duplicate id 'dup-1' (also in a.md)"),
        ("c.md", "no YAML front matter (the file must start with a '---' line)"),
    ]
    assert str(catalog.problems[0]) == "b.md: duplicate id 'dup-1' (also in a.md)"
    assert catalog.version == "v1"


RULES = """
id: rules-1
title: Rules
match:
  - regex: "(?i)disk (full|usage 9\\\\d%)"
  - {regex: "^\\\\[FIRING\\\\] Redis", field: title}
  - {regex: "grafana", field: source}
  - {regex: "^payments$", field: labels.team}
"""


@pytest.fixture
def rules_catalog() -> Catalog:
    return parse_snapshot(Snapshot(version="v", files=(RunbookFile("r.md", runbook_text(RULES)),)))


@pytest.mark.parametrize(
    ("alert", "reason"),
    [
        (Alert(text="host-7: Disk usage 97%"), "text matches /(?i)disk (full|usage 9\\d%)/"),
        (Alert(title="DISK FULL"), "text matches /(?i)disk (full|usage 9\\d%)/"),
        (Alert(title="[FIRING] Redis memory"), "title matches /^\\[FIRING\\] Redis/"),
        (Alert(text="latency", source="grafana"), "source matches /grafana/"),
        (Alert(text="latency", labels={"team": "payments"}), "labels.team matches /^payments$/"),
    ],
)
def test_match_by_each_field(rules_catalog: Catalog, alert: Alert, reason: str) -> None:
    found = rules_catalog.match(alert)

    assert found is not None
    assert (found.runbook.id, found.reason) == ("rules-1", reason)


@pytest.mark.parametrize(
    "alert",
    [
        Alert(text="[FIRING] Redis memory"),  # title rule does not look at the text
        Alert(text="latency", source="prometheus"),
        Alert(text="latency", labels={"team": "payments-eu"}),
        Alert(text="latency", labels={"owner": "payments"}),
    ],
)
def test_no_match(rules_catalog: Catalog, alert: Alert) -> None:
    assert rules_catalog.match(alert) is None


def test_extract_fields_takes_the_first_group_from_text_and_labels() -> None:
    catalog = load_catalog(FolderSource(REPO_RUNBOOKS))
    runbook = catalog.get("jobs-004")
    assert runbook is not None
    alert = Alert(
        title="[ERROR] started_at has no value tasks:normal-4",
        text="request 1f0e6f9c-52a4-4d0b-9a51-6a0c2f5e8d11",
        labels={"job": "job_id=16852935"},
    )

    assert extract_fields(runbook, alert) == {
        "job_id": "16852935",
        "request_id": "1f0e6f9c-52a4-4d0b-9a51-6a0c2f5e8d11",
        "task": "normal-4",
    }


def test_extract_fields_without_a_group_takes_the_whole_match() -> None:
    runbook = parse_runbook(RunbookFile("x.md", runbook_text("id: x\ntitle: X\nextract:\n  arn: 'arn:aws:\\S+'")))

    assert extract_fields(runbook, Alert(text="stopped arn:aws:ecs:task/1 now")) == {"arn": "arn:aws:ecs:task/1"}
    assert extract_fields(runbook, Alert(text="nothing here")) == {}


def test_search_ranks_jobs_004_first() -> None:
    catalog = load_catalog(FolderSource(REPO_RUNBOOKS))

    found = catalog.search("started_at has no value")

    assert found[0].runbook.id == "jobs-004"
    assert found[0].reason == "words in common"
    assert all(found[0].score > other.score for other in found[1:])
    assert catalog.search("zzqx unrelated") == []
    assert catalog.search("") == []


def test_search_limit() -> None:
    catalog = load_catalog(FolderSource(REPO_RUNBOOKS))

    assert len(catalog.search("task jobs", limit=1)) == 1


def test_repo_catalog_has_no_problems() -> None:
    catalog = load_catalog(FolderSource(REPO_RUNBOOKS))

    assert catalog.problems == ()
    assert sorted(runbook.path for runbook in catalog.runbooks) == REPO_FILES
    assert len(catalog.runbooks) >= 3


@pytest.mark.parametrize("path", REPO_FILES)
def test_each_repo_runbook_matches_its_own_sample_alert(path: str) -> None:
    catalog = load_catalog(FolderSource(REPO_RUNBOOKS))
    runbook = next(rb for rb in catalog.runbooks if rb.path == path)
    sample = runbook_section(runbook, "Sample alert")
    assert sample, f"{path} has no '## Sample alert' section"

    found = catalog.match(Alert(text=sample))

    assert found is not None
    assert found.runbook.id == runbook.id
