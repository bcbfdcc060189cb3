"""The catalog's synonym table (``_synonyms.yaml`` at the top of the catalog): words and phrases that match alike.

```yaml
groups:
  - [OOM, out of memory, exit code 137, OutOfMemoryError]
  - [5xx, "502", "503", "504", server error]
```

Each group becomes one extra term wherever any of its entries occurs, in runbooks and in alerts alike.
"""

from __future__ import annotations

from typing import Any

import yaml

from app.runbooks.bounds import BoundError, check_expansion, size_problem
from app.runbooks.parse import Problem
from app.runbooks.source import RunbookFile

MAX_GROUPS = 1000
MAX_ENTRY_CHARS = 80
Groups = tuple[tuple[str, ...], ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_synonyms(item: RunbookFile) -> tuple[Groups, list[Problem]]:
    """The valid groups of the table and a problem (with its line) for each bad one."""
    if item.error or size_problem(len(item.text.encode())):
        return (), [Problem(item.path, item.error or size_problem(len(item.text.encode())))]
    try:
        tree = yaml.compose(item.text, Loader=_LOADER)
        check_expansion(tree)
        data = yaml.load(item.text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except BoundError as exc:
        return (), [Problem(item.path, str(exc), None if exc.line is None else exc.line + 1)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return (), [Problem(item.path, f"not valid YAML: {exc}", mark.line + 1 if mark else None)]
    if not isinstance(data, dict) or set(data) != {"groups"} or not isinstance(data["groups"], list):
        return (), [Problem(item.path, "must be a mapping with one key, groups: a list of lists of words", 1)]
    return _groups(item.path, data["groups"], tree)


def _groups(path: str, raw: list[Any], tree: yaml.Node | None) -> tuple[Groups, list[Problem]]:
    lines = _group_lines(tree)
    groups, problems = [], []
    for index, group in enumerate(raw[:MAX_GROUPS]):
        line = lines[index] if index < len(lines) else None
        entries = [str(entry).strip() for entry in group] if isinstance(group, list) else []
        if len(entries) < 2 or any(not entry or len(entry) > MAX_ENTRY_CHARS for entry in entries):
            problems.append(Problem(path, f"a group is a list of two or more words or phrases of 1 to "
                                          f"{MAX_ENTRY_CHARS} characters", line, f"groups.{index}"))
            continue
        groups.append(tuple(entries))
    if len(raw) > MAX_GROUPS:
        problems.append(Problem(path, f"only the first {MAX_GROUPS} groups are used", None, "groups"))
    return tuple(groups), problems


def _group_lines(tree: yaml.Node | None) -> list[int]:
    if not isinstance(tree, yaml.MappingNode):
        return []
    for key, value in tree.value:
        if key.value == "groups" and isinstance(value, yaml.SequenceNode):
            return [node.start_mark.line + 1 for node in value.value]
    return []
