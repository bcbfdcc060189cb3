"""Runbook validation: every problem names the file, the line where it can, and the field."""

from __future__ import annotations

import pytest

from app.runbooks.catalog import parse_snapshot
from app.runbooks.parse import Problem, RunbookError, parse_runbook
from app.runbooks.source import RunbookFile, Snapshot

TOOLS = frozenset({"jobs_get_job", "cloud_logging_query", "search_runbooks"})


def text_of(front_matter: str, body: str = "# Title\n\n## Procedure\nDo it.") -> str:
    return f"---\n{front_matter.strip()}\n---\n{body}\n"


def problems_of(front_matter: str, tools: frozenset[str] | None = TOOLS) -> list[Problem]:
    with pytest.raises(RunbookError) as raised:
        parse_runbook(RunbookFile(path="team/x.md", text=text_of(front_matter)), tools)
    return list(raised.value.problems)


def one_problem(front_matter: str, tools: frozenset[str] | None = TOOLS) -> Problem:
    problems = problems_of(front_matter, tools)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_valid_runbook_parses() -> None:
    front = """
id: a-1
title: A
tags: [x, y]
extract: {job_id: 'job (\\d+)'}
evidence:
  - {id: job, tool: jobs_get_job, args: {job_id: '{job_id}'}}
  - {id: logs, tool: cloud_logging_query, args: {filter: 'x', since: -15m, until: '2026-11-20T03:00:00Z'}}
"""
    item = RunbookFile(path="jobs/a.md", text=text_of(front), link="file:///a")

    runbook = parse_runbook(item, TOOLS)

    assert (runbook.id, runbook.title, runbook.severity, runbook.tags) == ("a-1", "A", "medium", ("x", "y"))
    assert runbook.body == "# Title\n\n## Procedure\nDo it."
    assert (runbook.path, runbook.link) == ("jobs/a.md", "file:///a")
    assert [step.id for step in runbook.evidence] == ["job", "logs"]


def test_no_front_matter() -> None:
    with pytest.raises(RunbookError) as raised:
        parse_runbook(RunbookFile(path="x.md", text="# Just markdown\n"))

    assert str(raised.value) == "x.md: no YAML front matter (the file must start with a '---' line)"


def test_a_file_that_could_not_be_read_is_a_problem() -> None:
    with pytest.raises(RunbookError, match=r"^x\.md: not UTF-8 text"):
        parse_runbook(RunbookFile(path="x.md", text="", error="not UTF-8 text (invalid start byte)"))


@pytest.mark.parametrize(
    ("front_matter", "line", "detail"),
    [
        ("id: a\ntitle: [unclosed", 3, "did not find expected ',' or ']'"),
        ("id: a\ntitle: x: y", 3, "mapping values are not allowed"),
        ("id: a\ntags: [x]\ntitle: 'unclosed", 4, "found unexpected end of stream"),
    ],
)
def test_bad_yaml_names_the_line(front_matter: str, line: int, detail: str) -> None:
    problem = one_problem(front_matter)

    assert (problem.path, problem.line) == ("team/x.md", line)
    assert problem.message.startswith("front matter is not valid YAML")
    assert detail in problem.message
    assert str(problem).startswith(f"team/x.md:{line}: front matter is not valid YAML")


def test_front_matter_must_be_a_mapping() -> None:
    problem = one_problem("- id: a")

    assert (problem.line, problem.message) == (2, "front matter must be a mapping")


@pytest.mark.parametrize(
    ("front_matter", "field", "line", "detail"),
    [
        ("id: a\ntitle: A\nowner: me", "owner", 4,
         "unknown key; allowed: actions, evidence, examples, extract, facts, id, match, severity"),
        ("id: a\ntitle: A\nmatch:\n  - {regex: x, when: y}", "match.0.when", 5, "unknown key; allowed: field, regex"),
        ("id: a\ntitle: A\nevidence:\n  - id: s\n    tool: jobs_get_job\n    retries: 2", "evidence.0.retries", 7,
         "unknown key; allowed: args, id, tool"),
        ("id: a\ntitle: A\nmatch:\n  - regex: '(unclosed'", "match.0.regex", 5, "invalid regex '(unclosed'"),
        ("id: a\ntitle: A\nmatch:\n  - {regex: x, field: body}", "match.0.field", 5, "labels.<name>"),
        ("id: a\ntitle: A\nextract:\n  job_id: '[bad'", "extract.job_id", 5, "invalid regex '[bad'"),
        ("id: a\ntitle: A\nextract:\n  Job-Id: 'x'", "extract.Job-Id", 5, "should match pattern"),
        ("id: Jobs_004\ntitle: A", "id", 2, "should match pattern"),
        ("id: a\ntitle: A\nseverity: urgent", "severity", 4, "'low', 'medium', 'high' or 'critical'"),
        ("id: a\ntitle: A\nevidence:\n  - {id: s}", "evidence.0.tool", 5, "Field required"),
        ("title: A", "id", None, "Field required"),
        ("id: a\ntitle: A\nbody: text", "body", 4, "not a front-matter key"),
    ],
)
def test_schema_problems_name_field_and_line(front_matter: str, field: str, line: int | None, detail: str) -> None:
    problem = one_problem(front_matter)

    assert (problem.field, problem.line) == (field, line)
    assert detail in problem.message
    where = f"team/x.md:{line}" if line else "team/x.md"
    assert str(problem) == f"{where}: {field}: {problem.message}"


def test_a_key_given_twice_is_a_problem() -> None:
    problem = one_problem("id: a\ntitle: A\ntitle: B")

    assert (problem.field, problem.line, problem.message) == ("title", 4, "key given twice")


def test_unknown_tool_names_the_step() -> None:
    problem = one_problem("id: a\ntitle: A\nevidence:\n  - id: s\n    tool: use_aws\n    args: {}")

    assert (problem.field, problem.line) == ("evidence.0.tool", 6)
    assert problem.message == "unknown tool 'use_aws'; known tools: cloud_logging_query, jobs_get_job, search_runbooks"


def test_tool_names_are_not_checked_without_a_set() -> None:
    runbook = parse_runbook(RunbookFile("x.md", text_of("id: a\ntitle: A\nevidence:\n  - {id: s, tool: anything}")))

    assert runbook.evidence[0].tool == "anything"


def test_template_field_no_extract_rule_provides() -> None:
    front = """
id: a
title: A
extract:
  job_id: 'job (\\d+)'
evidence:
  - id: task
    tool: jobs_get_job
    args:
      job_id: '{job_id}'
      params: {task: ['{task_name}']}
"""
    problem = one_problem(front)

    assert (problem.field, problem.line) == ("evidence.0.args.params.task.0", 11)
    assert problem.message == "{task_name} is not provided by any extract rule (extract gives: job_id)"


@pytest.mark.parametrize("value", ["-15min", "yesterday", "3"])
def test_times_must_be_relative_or_iso(value: str) -> None:
    problem = one_problem(f"id: a\ntitle: A\nevidence:\n  - {{id: s, tool: jobs_get_job, args: {{since: '{value}'}}}}")

    assert problem.field == "evidence.0.args.since"
    assert "neither a relative time like -15m or +12h nor ISO-8601" in problem.message


def test_nested_boto3_times_are_checked_too() -> None:
    front = "id: a\ntitle: A\nevidence:\n  - {id: s, tool: jobs_get_job, args: {params: {StartTime: soon}}}"

    assert one_problem(front).field == "evidence.0.args.params.StartTime"


def test_step_ids_must_be_unique() -> None:
    front = "id: a\ntitle: A\nevidence:\n  - {id: s, tool: jobs_get_job}\n  - {id: s, tool: jobs_get_job}"

    problem = one_problem(front)

    assert (problem.field, problem.line, problem.message) == ("evidence.1.id", 6, "step id 's' used twice")


def test_every_problem_of_a_file_is_listed() -> None:
    front = """
id: a
title: A
owner: me
match:
  - regex: '(bad'
evidence:
  - {id: s, tool: nope, args: {q: '{missing}'}}
"""
    schema = problems_of(front)
    assert [p.field for p in schema] == ["match.0.regex", "owner"]

    semantic = problems_of(front.replace("owner: me\n", "").replace("'(bad'", "ok"))
    assert [(p.field, p.line) for p in semantic] == [("evidence.0.tool", 7), ("evidence.0.args.q", 7)]


def test_duplicate_ids_across_files_name_both_files() -> None:
    snapshot = Snapshot(
        version="v1",
        files=(
            RunbookFile("a.md", text_of("id: dup-1\ntitle: First")),
            RunbookFile("b.md", text_of("title: Second\nid: dup-1")),
            RunbookFile("c.md", "no front matter"),
        ),
    )

    catalog = parse_snapshot(snapshot)

    assert [runbook.title for runbook in catalog.runbooks] == ["First"]
    assert [str(problem) for problem in catalog.problems] == [
        "b.md:3: id: duplicate id 'dup-1' (also in a.md)",
        "c.md: no YAML front matter (the file must start with a '---' line)",
    ]
    assert catalog.version == "v1"
