"""Hostile runbooks beside healthy ones: reported with file and line, skipped, and nothing stalls."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.models import Alert
from app.runbooks.bounds import MAX_RUNBOOK_BYTES, MAX_YAML_VALUES
from app.runbooks.catalog import Catalog, load_catalog
from app.runbooks.source import FolderSource

HEALTHY = """---
id: disk-001
title: Disk full on a database host
tags: [disk]
match:
  - regex: '(?i)disk (is )?full'
---
# Disk full
Free space on the volume.
"""
BACKTRACKING = """---
id: evil-001
title: Evil rules
match:
  - regex: '(a+)+$'
  - regex: '^(\\w+\\s?)*$'
---
Body.
"""
LEVELS = "\n".join(
    f"      l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)
)
ALIAS_BOMB = f"""---
id: bomb-001
title: Alias bomb
evidence:
  - id: step
    tool: aws_read
    args:
      l0: &l0 [x, x, x, x, x, x, x, x, x]
{LEVELS}
---
Body.
"""
RECURSIVE = """---
id: loop-001
title: Recursive alias
evidence:
  - id: step
    tool: aws_read
    args: &self {again: *self}
---
"""
LOOKAROUND = """---
id: look-001
title: Lookaround rule
match:
  - regex: 'disk'
  - regex: '(?<=x)full'
---
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    files = {"disk-001.md": HEALTHY, "evil-001.md": BACKTRACKING, "bomb-001.md": ALIAS_BOMB,
             "loop-001.md": RECURSIVE, "look-001.md": LOOKAROUND}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with (tmp_path / "huge-001.md").open("w", encoding="utf-8") as handle:
        handle.write(HEALTHY.replace("disk-001", "huge-001"))
        handle.write("filler line of a runbook body\n" * (20 * 1024 * 1024 // 30))
    return tmp_path


@pytest.fixture
def catalog(folder: Path) -> Catalog:
    return load_catalog(FolderSource(folder))


def test_the_alias_bomb_is_refused_at_its_line(catalog: Catalog) -> None:
    problem = next(problem for problem in catalog.problems if problem.path == "bomb-001.md")

    assert f"more than {MAX_YAML_VALUES} values" in problem.message
    assert problem.line is not None and 9 <= problem.line <= 17  # one of the alias lists


def test_a_recursive_alias_and_a_lookaround_rule_are_refused_with_lines(catalog: Catalog) -> None:
    problems = {problem.path: problem for problem in catalog.problems}

    assert "refers to the value that contains it" in problems["loop-001.md"].message
    assert problems["look-001.md"].line == 6
    assert problems["look-001.md"].field == "match.1.regex"
    assert "RE2" in problems["look-001.md"].message


def test_a_20_mb_file_is_skipped_unread(catalog: Catalog) -> None:
    problem = next(problem for problem in catalog.problems if problem.path == "huge-001.md")

    assert f"limited to {MAX_RUNBOOK_BYTES // 1024} KB" in problem.message
    assert catalog.get("huge-001") is None


def test_healthy_and_backtracking_runbooks_load_and_match_without_stalling(catalog: Catalog) -> None:
    assert sorted(runbook.id for runbook in catalog.runbooks) == ["disk-001", "evil-001"]

    found = catalog.match(Alert(text="db-7: disk is full on /var"))
    hostile = catalog.match(Alert(text="a" * 50_000 + "!"))

    assert found is not None and found.runbook.id == "disk-001"
    assert hostile is None  # '(a+)+$' and '^(\\w+\\s?)*$' cannot match a trailing '!', and say so at once


def test_runbooks_check_names_each_hostile_file_with_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["runbooks", "check", str(folder)])

    err = capsys.readouterr()
    assert code == 1
    assert "2 runbooks valid, 4 problems" in err.out
    lines = err.err.splitlines()
    assert any(line.startswith("bomb-001.md:") and "values" in line for line in lines)
    assert any(line.startswith("look-001.md:6: match.1.regex:") for line in lines)
    assert any(line.startswith("huge-001.md: file is 20.0 MB") for line in lines)


def test_runbooks_match_still_answers_beside_hostile_files(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["runbooks", "match", "disk full on db-7", "--runbooks", str(folder)])

    assert code == 0
    assert "disk-001" in capsys.readouterr().out
