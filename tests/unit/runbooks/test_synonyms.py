"""The catalog's synonym table: valid groups are used, bad ones are problems with their line."""

from __future__ import annotations

from pathlib import Path

from app.runbooks.catalog import load_catalog
from app.runbooks.source import SYNONYMS_FILE, FolderSource, RunbookFile
from app.runbooks.synonyms import parse_synonyms

ROOT = Path(__file__).resolve().parents[3]


def table(text: str) -> RunbookFile:
    return RunbookFile(SYNONYMS_FILE, text)


def test_valid_groups_are_read_and_bad_ones_reported_with_their_line() -> None:
    groups, problems = parse_synonyms(table("groups:\n  - [OOM, out of memory]\n  - [lonely]\n  - 5xx\n"))

    assert groups == (("OOM", "out of memory"),)
    assert [(problem.line, problem.field) for problem in problems] == [(3, "groups.1"), (4, "groups.2")]


def test_a_table_of_the_wrong_shape_or_not_yaml_is_a_problem() -> None:
    assert "one key, groups" in parse_synonyms(table("words: [a, b]\n"))[1][0].message
    assert "not valid YAML" in parse_synonyms(table("groups: [a, b\n"))[1][0].message


def test_the_sample_catalog_table_validates_and_is_used(tmp_path: Path) -> None:
    catalog = load_catalog(FolderSource(ROOT / "runbooks"))
    (tmp_path / "x-1.md").write_text("---\nid: x-1\ntitle: Container out of memory\n---\n", encoding="utf-8")
    (tmp_path / SYNONYMS_FILE).write_text("groups:\n  - [bad]\n", encoding="utf-8")
    broken = load_catalog(FolderSource(tmp_path))

    assert catalog.problems == ()
    assert any(group[0] == "OOM" for group in catalog.synonyms)
    assert [str(problem) for problem in broken.problems] == [
        f"{SYNONYMS_FILE}:2: groups.0: a group is a list of two or more words or phrases of 1 to 80 characters"]
    assert [runbook.id for runbook in broken.runbooks] == ["x-1"]  # the runbooks still load
