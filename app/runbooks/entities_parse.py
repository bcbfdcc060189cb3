"""Parse and check the catalog's ``_entities.yaml``: every problem names the file, the line and the field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from app.runbooks.bounds import BoundError, check_expansion, size_problem
from app.runbooks.entities import EntityCatalog, EntityKind
from app.runbooks.parse import Lines, Problem
from app.runbooks.source import RunbookFile

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Loc = Sequence[str | int]


def parse_entities(
    item: RunbookFile, tool_names: frozenset[str] | None = None
) -> tuple[EntityCatalog, list[Problem]]:
    """The entity kinds of the file (empty when it is invalid), and every problem found."""
    too_big = size_problem(len(item.text.encode()))
    if item.error or too_big:
        return EntityCatalog(), [Problem(item.path, item.error or too_big)]
    try:
        tree = yaml.compose(item.text, Loader=_LOADER)
        check_expansion(tree)
        data = yaml.load(item.text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except BoundError as exc:
        return EntityCatalog(), [Problem(item.path, str(exc), None if exc.line is None else exc.line + 1)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return EntityCatalog(), [Problem(item.path, f"not valid YAML: {exc}", mark.line + 1 if mark else None)]
    try:
        catalog = EntityCatalog.model_validate(data if data is not None else {})
    except ValidationError as exc:
        return EntityCatalog(), [_problem(item.path, error, tree) for error in exc.errors()]
    problems = _kind_problems(item.path, catalog, tree, tool_names)
    return (EntityCatalog() if problems else catalog), problems


def _kind_problems(
    path: str, catalog: EntityCatalog, tree: yaml.Node | None, tool_names: frozenset[str] | None
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, kind in enumerate(catalog.kinds):
        if kind.kind in seen:
            problems.append(Problem(path, f"kind {kind.kind!r} given twice", line_of(tree, ("kinds", index, "kind")),
                                    f"kinds.{index}.kind"))
        seen.add(kind.kind)
        problems += _probe_problems(path, index, kind, tree, tool_names)
    return problems


def _probe_problems(
    path: str, index: int, kind: EntityKind, tree: yaml.Node | None, tool_names: frozenset[str] | None
) -> list[Problem]:
    problems: list[Problem] = []
    known = {kind.field, *kind.derive}
    for number, probe in enumerate(kind.probes):
        where: tuple[str | int, ...] = ("kinds", index, "probes", number)
        if tool_names is not None and probe.tool not in tool_names:
            problems.append(Problem(path, f"unknown tool {probe.tool!r}", line_of(tree, (*where, "tool")),
                                    ".".join(map(str, (*where, "tool")))))
        for _, name in probe.placeholders():
            if name not in known:
                problems.append(Problem(path, f"{{{name}}} is not the kind's field nor derived from it (known: "
                                              f"{', '.join(sorted(known))})", line_of(tree, (*where, "args")),
                                        ".".join(map(str, (*where, "args")))))
    return problems


def _problem(path: str, error: Any, tree: yaml.Node | None) -> Problem:
    loc = [part for part in error["loc"] if part != "[key]"]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    return Problem(path, message, line_of(tree, loc), ".".join(str(part) for part in loc))


def line_of(tree: yaml.Node | None, loc: Loc) -> int | None:
    """The file line of the deepest part of ``loc`` that exists."""
    return Lines(tree, first_line=1).of(loc)
