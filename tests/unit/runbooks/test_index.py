"""The lexical index: terms, BM25 ranking with field weights, coverage and the reason given."""

from __future__ import annotations

import pytest

from app.runbooks.index import LexicalIndex, words
from app.runbooks.model import Runbook


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CannotPullContainerError", ["cannotpullcontainererror", "cannot", "pull", "contain", "error"]),
        ("started_at", ["started_at", "start"]),
        ("Queued queues QUEUE", ["queu", "queu", "queu"]),
        ("expired expires expiring", ["expir", "expir", "expir"]),
        ("stopped getting killed", ["stop", "kill"]),
        ("the job of a user", ["job", "user"]),
        ("job 16852935 request 1f0e6f9c sha 9fceb02d0ae598e95dc970b74767f19372d61af8", ["job", "request", "sha"]),
        ("HTTP 503 exit code 137", ["http", "503", "exit", "code", "137"]),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def rb(runbook_id: str, title: str, tags: tuple[str, ...] = (), body: str = "") -> Runbook:
    return Runbook(id=runbook_id, title=title, tags=tags, body=body)


def test_a_word_in_the_title_weighs_more_than_in_the_body() -> None:
    index = LexicalIndex(
        [
            rb("in-title", "Memory exhausted", body="A container stopped."),
            rb("in-body", "Container stopped", body="It ran out of memory."),
            *(rb(f"other-{n}", f"Unrelated {n}", body="nothing") for n in range(3)),
        ]
    )

    ranked = index.rank("memory")

    assert [item.runbook.id for item in ranked] == ["in-title", "in-body"]
    assert ranked[0].score > ranked[1].score
    assert ranked[0].terms == (("memory", ("title",)),)
    assert ranked[1].terms == (("memory", ("body",)),)


def test_rare_words_weigh_more_than_common_ones() -> None:
    index = LexicalIndex(
        [rb("a", "Job task zookeeper"), rb("b", "Job task failed"), rb("c", "Job task queued"), rb("d", "Job task")]
    )

    ranked = index.rank("job task zookeeper")

    assert ranked[0].runbook.id == "a"
    assert ranked[0].score > 2 * ranked[1].score
    assert ranked[0].terms[0][0] == "zookeeper"


def test_coverage_counts_words_no_runbook_has_at_full_weight() -> None:
    index = LexicalIndex([rb("a", "Disk full"), rb("b", "Memory"), rb("c", "Network")])

    known = index.rank("disk full")[0]
    half = index.rank("disk zookeeper")[0]

    assert known.coverage == 1.0
    assert 0.2 < half.coverage < 0.5  # "zookeeper" is in no runbook: it weighs as much as the rarest word can
    assert "coverage 100%" in known.reason()


def test_no_shared_word_no_result() -> None:
    index = LexicalIndex([rb("a", "Disk full")])

    assert index.rank("zookeeper") == []
    assert index.rank("") == []


def test_an_empty_index_ranks_nothing() -> None:
    assert LexicalIndex([]).rank("anything") == []


def test_limit_and_order_are_stable() -> None:
    index = LexicalIndex([rb(f"r-{n}", "Same title") for n in range(5)])

    ranked = index.rank("same title", limit=3)

    assert [item.runbook.id for item in ranked] == ["r-0", "r-1", "r-2"]
