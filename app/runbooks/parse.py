"""Parse and validate one runbook file; every problem names the file, the line where it can, and the field."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from pydantic import ValidationError

from app.runbooks.actions import ActionSpec
from app.runbooks.actions_check import action_problems
from app.runbooks.bounds import BoundError, check_expansion, size_problem
from app.runbooks.logic import Example, FactSpec, VerdictCase
from app.runbooks.logic_check import logic_problems
from app.runbooks.model import FRONT_MATTER_KEYS, RELATIVE_TIME, TIME_ARGS, EvidenceSpec, MatchRule, Runbook
from app.runbooks.source import RunbookFile

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
_FIRST_LINE = 2  # the front matter starts on the file's second line, after '---'
_ALLOWED = {
    "": FRONT_MATTER_KEYS,
    "match": frozenset(MatchRule.model_fields),
    "evidence": frozenset(EvidenceSpec.model_fields),
    "facts": frozenset(FactSpec.model_fields),
    "verdicts": frozenset(VerdictCase.model_fields),
    "examples": frozenset(Example.model_fields),
    "actions": frozenset(ActionSpec.model_fields),
}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: ten times faster
Loc = Sequence[str | int]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a runbook file."""

    path: str
    message: str
    line: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RunbookError(Exception):
    """A runbook file is malformed; ``problems`` lists everything found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


def parse_runbook(item: RunbookFile, tool_names: frozenset[str] | None = None) -> Runbook:
    """Parse one Markdown file with YAML front matter and check it.

    Args:
        item: The file.
        tool_names: The tools evidence steps may name; None skips that check.

    Raises:
        RunbookError: With every problem found: front matter missing or not YAML, unknown keys, bad values or
            regexes, repeated keys or step ids, unknown tools, templates no ``extract`` rule provides.
    """
    if item.error:
        raise RunbookError([Problem(item.path, item.error)])
    if too_big := size_problem(len(item.text.encode("utf-8", "replace"))):
        raise RunbookError([Problem(item.path, too_big)])
    found = _FRONT_MATTER.match(item.text)
    if found is None:
        raise RunbookError([Problem(item.path, "no YAML front matter (the file must start with a '---' line)")])
    tree, meta = _load_yaml(item.path, found.group(1) or "")
    lines = Lines(tree)
    problems = list(_repeated_keys(item.path, tree))
    if not isinstance(meta, dict):
        raise RunbookError([*problems, Problem(item.path, "front matter must be a mapping", _FIRST_LINE)])
    try:
        runbook = Runbook.model_validate({**meta, "body": found.group(2).strip(), "path": item.path, "link": item.link})
    except ValidationError as exc:
        raise RunbookError(problems + [_problem(item.path, err, lines) for err in exc.errors()]) from exc
    problems += [Problem(item.path, f"not a front-matter key: {key}", lines.of((key,)), key) for key in
                 ("body", "path", "link") if key in meta]
    problems += _step_problems(item.path, runbook, lines, tool_names)
    problems += [Problem(item.path, message, lines.of(loc), ".".join(str(part) for part in loc))
                 for message, loc in [*logic_problems(runbook), *action_problems(runbook, tool_names)]]
    if problems:
        raise RunbookError(problems)
    return runbook


def id_line(item: RunbookFile) -> int | None:
    """The line of the ``id:`` key, for problems about the id."""
    for number, line in enumerate(item.text.splitlines(), start=1):
        if line.startswith("id:"):
            return number
    return None


def _load_yaml(path: str, text: str) -> tuple[yaml.Node | None, Any]:
    try:
        tree = yaml.compose(text, Loader=_LOADER)
        check_expansion(tree)
        return tree, yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except BoundError as exc:
        line = None if exc.line is None else exc.line + _FIRST_LINE
        raise RunbookError([Problem(path, str(exc), line)]) from exc
    except yaml.MarkedYAMLError as exc:
        start, found = exc.context_mark, exc.problem_mark  # where the construct began, where it broke
        mark = start or found
        line = mark.line + _FIRST_LINE if mark else None
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        if start and found and found.line != start.line:
            reason += f" (noticed at line {found.line + _FIRST_LINE})"
        raise RunbookError([Problem(path, f"front matter is not valid YAML: {reason}", line)]) from exc
    except yaml.YAMLError as exc:
        raise RunbookError([Problem(path, f"front matter is not valid YAML: {exc}")]) from exc


class Lines:
    """Line numbers of values in a YAML document, by their path of keys and indexes.

    ``first_line`` is the file line the document starts on (front matter starts after its ``---`` line).
    """

    def __init__(self, tree: yaml.Node | None, first_line: int = _FIRST_LINE) -> None:
        self._tree = tree
        self._first = first_line

    def of(self, loc: Loc) -> int | None:
        """The file line of the deepest part of ``loc`` that exists (None when not even the first does)."""
        node, line = self._tree, None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                pair = next(((key, value) for key, value in node.value if key.value == str(part)), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line
            else:
                break
        return None if line is None else line + self._first


def _repeated_keys(path: str, node: yaml.Node | None, where: tuple[str, ...] = ()) -> Iterator[Problem]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                yield Problem(path, "key given twice", key.start_mark.line + _FIRST_LINE, ".".join((*where, name)))
            seen.add(name)
            yield from _repeated_keys(path, value, (*where, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _repeated_keys(path, item, (*where, str(index)))


def _problem(path: str, error: Any, lines: Lines) -> Problem:
    loc = [part for part in error["loc"] if part != "[key]"]
    field = ".".join(str(part) for part in loc)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        allowed = _ALLOWED.get(str(loc[0]) if len(loc) > 1 else "", frozenset())
        message = f"unknown key; allowed: {', '.join(sorted(allowed))}"
    return Problem(path, message, lines.of(loc), field)


def _step_problems(path: str, runbook: Runbook, lines: Lines, tool_names: frozenset[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, step in enumerate(runbook.evidence):
        if step.id in seen:
            problems.append(Problem(path, f"step id {step.id!r} used twice", lines.of(("evidence", index, "id")),
                                    f"evidence.{index}.id"))
        seen.add(step.id)
        if tool_names is not None and step.tool not in tool_names:
            problems.append(Problem(path, f"unknown tool {step.tool!r}; known tools: {', '.join(sorted(tool_names))}",
                                    lines.of(("evidence", index, "tool")), f"evidence.{index}.tool"))
        problems += _arg_problems(path, runbook, index, step, lines)
    return problems


def _arg_problems(path: str, runbook: Runbook, index: int, step: EvidenceSpec, lines: Lines) -> list[Problem]:
    problems = []
    for arg_path, name in step.placeholders():
        if name not in runbook.extract:
            loc = ("evidence", index, "args", *arg_path)
            known = ", ".join(sorted(runbook.extract)) or "none"
            problems.append(Problem(path, f"{{{name}}} is not provided by any extract rule (extract gives: {known})",
                                    lines.of(loc), ".".join(str(part) for part in loc)))
    for arg_path, value in _time_args(step.args, ()):
        if not _is_time(value):
            loc = ("evidence", index, "args", *arg_path)
            problems.append(Problem(path, f"{value!r} is neither a relative time like -15m or +12h nor ISO-8601",
                                    lines.of(loc), ".".join(str(part) for part in loc)))
    return problems


def _time_args(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TIME_ARGS:
                yield (*path, key), item
            else:
                yield from _time_args(item, (*path, str(key)))


def _is_time(value: Any) -> bool:
    if isinstance(value, datetime):
        return True
    if not isinstance(value, str):
        return False
    if RELATIVE_TIME.match(value.strip()) or "{" in value:
        return True
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
