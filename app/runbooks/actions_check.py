"""Cross-checks of a runbook's actions: templates name facts or fields, verification reads real steps."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.runbooks.actions import AWS_WRITE_TOOL, ActionSpec
from app.runbooks.expressions import roots
from app.runbooks.model import Runbook
from app.runbooks.steps import PLACEHOLDER
from app.runbooks.verdict import step_key

Loc = tuple[str | int, ...]
_TOOL = re.compile(r"^[a-z][a-z0-9_]*$")
_OPERATION = re.compile(r"^[a-z][a-z0-9_]*$")


def action_problems(runbook: Runbook, tool_names: frozenset[str] | None) -> list[tuple[str, Loc]]:
    """Everything wrong with the runbook's actions that the schema alone cannot see."""
    problems: list[tuple[str, Loc]] = []
    seen: set[str] = set()
    for index, action in enumerate(runbook.actions):
        if action.id in seen:
            problems.append((f"action id {action.id!r} used twice", ("actions", index, "id")))
        seen.add(action.id)
        problems += [(message, ("actions", index, *loc)) for message, loc in _one(runbook, action, tool_names)]
    return problems


def _one(runbook: Runbook, action: ActionSpec, tool_names: frozenset[str] | None) -> Iterator[tuple[str, Loc]]:
    names = set(runbook.facts) | set(runbook.extract)
    known = ", ".join(sorted(names)) or "none"
    yield from _call_problems(action, tool_names)
    for path, name in _templates(action):
        if name not in names:
            yield f"{{{name}}} is no fact or extracted field (known: {known})", ("args", *path)
    for case in action.cases:
        if not 0 <= case < len(runbook.verdicts):
            yield f"case {case} does not exist (the runbook has {len(runbook.verdicts)} verdict cases)", ("cases",)
    steps = {step_key(step.id) for step in action.verify.steps}
    for number, step in enumerate(action.verify.steps):
        if tool_names is not None and step.tool not in tool_names:
            yield f"unknown read tool {step.tool!r}", ("verify", "steps", number, "tool")
        for _, name in step.placeholders():
            if name not in names:
                yield f"{{{name}}} is no fact or extracted field (known: {known})", ("verify", "steps", number, "args")
    for root in sorted(roots(action.verify.expect) - steps - {"fields"}):
        yield f"reads {root!r}, which is no verification step", ("verify", "expect")


def _call_problems(action: ActionSpec, tool_names: frozenset[str] | None) -> Iterator[tuple[str, Loc]]:
    if action.tool == AWS_WRITE_TOOL:
        service, operation = action.args.get("service"), action.args.get("operation")
        if not isinstance(service, str) or not isinstance(operation, str) or not _OPERATION.match(operation):
            yield "aws_write needs args service and operation (boto3 names) and optional params", ("args",)
        elif not isinstance(action.args.get("params", {}), dict):
            yield "aws_write params must be a mapping", ("args", "params")
        return
    if not _TOOL.match(action.tool):
        yield f"{action.tool!r} is not an operation id of the jobs API nor aws_write", ("tool",)
    elif tool_names is not None and action.tool in tool_names:
        yield f"{action.tool!r} is a read tool; an action must be a write operation", ("tool",)


def _templates(action: ActionSpec) -> Iterator[tuple[tuple[str | int, ...], str]]:
    def walk(value: object, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
        if isinstance(value, str):
            for name in PLACEHOLDER.findall(value):
                yield path, name
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, (*path, str(key)))
        elif isinstance(value, list):
            for position, item in enumerate(value):
                yield from walk(item, (*path, position))

    yield from walk(action.args, ())
