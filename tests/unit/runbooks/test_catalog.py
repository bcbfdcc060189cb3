"""The catalog: rule matching on each alert field, lexical fallback with a threshold, ranking, field extraction."""

from __future__ import annotations

import pytest

from app.models import Alert
from app.runbooks.catalog import Catalog, extract_fields, parse_snapshot
from app.runbooks.parse import parse_runbook
from app.runbooks.source import RunbookFile, Snapshot


def runbook_text(front_matter: str, body: str = "# Title\n\n## Procedure\nDo it.") -> str:
    return f"---\n{front_matter.strip()}\n---\n{body}\n"


def catalog_of(*files: tuple[str, str, str]) -> Catalog:
    """A catalog from (path, front matter, body) triples; fails on any problem."""
    catalog = parse_snapshot(
        Snapshot(version="v", files=tuple(RunbookFile(path, runbook_text(front, body)) for path, front, body in files))
    )
    assert catalog.problems == ()
    return catalog


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
    return catalog_of(("r.md", RULES, "# Rules"))


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
    assert (found.runbook.id, found.reason, found.kind, found.claimed) == ("rules-1", reason, "rule", True)


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


MEMORY = ("ecs/memory.md", "id: mem-1\ntitle: Container killed for memory\ntags: [ecs, oom, memory]",
          "# Memory\nThe container used more memory than its hard limit and ECS killed it (OOM).")
PULL = ("ecs/pull.md", "id: pull-1\ntitle: Image pull failed\ntags: [ecs, ecr, image]\nmatch:\n  - regex: CannotPull",
        "# Pull\nThe ECS agent could not pull the image from ECR: wrong tag or architecture.")
QUEUE = ("jobs/queue.md", "id: queue-1\ntitle: Job stuck in queue\ntags: [jobs, queue]\nmatch:\n  - regex: stuck",
         "# Queue\nA job waits in its queue while workers are busy; memory is not involved.")
FILLER = tuple(
    (f"misc/f{n}.md", f"id: filler-{n}\ntitle: Unrelated runbook {n}\ntags: [misc]", f"# F{n}\nSomething else {n}.")
    for n in range(4)
)


@pytest.fixture
def catalog() -> Catalog:
    return catalog_of(MEMORY, PULL, QUEUE, *FILLER)


def test_lexical_fallback_claims_a_runbook_above_the_threshold(catalog: Catalog) -> None:
    found = catalog.match(Alert(text="ECS container OOM killed: memory above its hard limit"))

    assert found is not None
    assert (found.runbook.id, found.kind, found.claimed) == ("mem-1", "lexical", True)
    assert found.score >= catalog.min_score
    assert found.reason.startswith("words in common: ")
    assert "memory (title, tags, body)" in found.reason
    assert "coverage" in found.reason


def test_a_weak_lexical_match_is_not_claimed(catalog: Catalog) -> None:
    alert = Alert(text="Kafka consumer lag on the analytics cluster is memory bound")

    ranked = catalog.rank(alert)

    assert ranked, "memory is a shared word, so there is a candidate"
    assert ranked[0].kind == "lexical"
    assert ranked[0].claimed is False
    assert catalog.match(alert) is None


def test_unknown_words_lower_the_coverage_below_the_threshold(catalog: Catalog) -> None:
    strict = Catalog(catalog.runbooks, min_score=0.0, min_coverage=0.99)
    loose = Catalog(catalog.runbooks, min_score=0.0, min_coverage=0.0)
    alert = Alert(text="memory zookeeper quorum lost")

    assert strict.match(alert) is None
    found = loose.match(alert)
    assert found is not None and found.runbook.id == "mem-1"


def test_rules_come_first_then_lexical_candidates(catalog: Catalog) -> None:
    alert = Alert(text="job stuck: CannotPull image from ECR, container memory fine")

    ranked = catalog.rank(alert)

    assert [(m.runbook.id, m.kind) for m in ranked[:2]] == [("pull-1", "rule"), ("queue-1", "rule")]
    assert ranked[2].kind == "lexical"
    assert ranked[2].runbook.id == "mem-1"
    assert catalog.match(alert) == ranked[0]


def test_rank_without_any_shared_word_is_empty(catalog: Catalog) -> None:
    assert catalog.rank(Alert(text="zzqx qqzz")) == []
    assert catalog.match(Alert(text="zzqx qqzz")) is None


def test_rank_limit(catalog: Catalog) -> None:
    assert len(catalog.rank(Alert(text="ecs image memory queue job"), limit=2)) == 2


def test_search_is_lexical_and_ignores_rules(catalog: Catalog) -> None:
    found = catalog.search("image ECR")

    assert [m.runbook.id for m in found] == ["pull-1"]
    assert found[0].kind == "lexical"
    assert catalog.search("") == []


def test_an_empty_catalog_matches_nothing() -> None:
    empty = Catalog(())

    assert empty.match(Alert(text="anything")) is None
    assert empty.search("anything") == []


def test_get_by_id(catalog: Catalog) -> None:
    runbook = catalog.get("queue-1")

    assert runbook is not None and runbook.title == "Job stuck in queue"
    assert catalog.get("nope") is None


def test_extract_fields_takes_the_first_group_from_text_and_labels() -> None:
    front = """
id: x
title: X
extract:
  job_id: '(?i)\\bjob(?:[_ ]?id)?[:= #]+(\\d+)'
  request_id: '([0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})'
  task: 'tasks:([a-z0-9-]+)'
  missing: 'never-(here)'
"""
    runbook = parse_runbook(RunbookFile("x.md", runbook_text(front)))
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


def test_extract_fields_without_a_group_takes_the_whole_match_and_drops_empty_groups() -> None:
    front = "id: x\ntitle: X\nextract:\n  arn: 'arn:aws:\\S+'\n  empty: 'x=(\\d*)'"
    runbook = parse_runbook(RunbookFile("x.md", runbook_text(front)))

    assert extract_fields(runbook, Alert(text="stopped arn:aws:ecs:task/1 now x=")) == {"arn": "arn:aws:ecs:task/1"}
    assert extract_fields(runbook, Alert(text="nothing here")) == {}
