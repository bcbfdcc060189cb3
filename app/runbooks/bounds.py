"""Limits that keep one hostile runbook file from stalling the worker: file size, YAML alias expansion, nesting."""

from __future__ import annotations

import yaml

MAX_RUNBOOK_BYTES = 4 * 1024 * 1024
"""A runbook file larger than this is reported and skipped."""
MAX_YAML_VALUES = 20_000
"""Front matter that expands (aliases counted as often as they are used) to more values than this is refused."""
MAX_YAML_DEPTH = 40
"""…and so is front matter nested deeper than this."""


class BoundError(ValueError):
    """The front matter is over a bound; ``line`` is the line of the node where it went over (0-based in YAML)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def size_problem(size: int) -> str:
    """Why a file of ``size`` bytes is skipped, or "" when it is within the bound."""
    if size <= MAX_RUNBOOK_BYTES:
        return ""
    return f"file is {size / 1024 / 1024:.1f} MB; runbooks are limited to {MAX_RUNBOOK_BYTES // 1024} KB"


def check_expansion(tree: yaml.Node | None) -> None:
    """Count the values of a composed YAML tree as the loader would expand them, in time linear in the tree.

    Raises:
        BoundError: More than :data:`MAX_YAML_VALUES` values, nesting over :data:`MAX_YAML_DEPTH`, or an alias
            that refers to itself.
    """
    if tree is not None:
        _size(tree, {}, set(), 0)


def _size(node: yaml.Node, known: dict[int, int], open_nodes: set[int], depth: int) -> int:
    key = id(node)
    if key in known:
        return known[key]
    line = node.start_mark.line if node.start_mark else None
    if key in open_nodes:
        raise BoundError("an alias refers to the value that contains it", line)
    if depth > MAX_YAML_DEPTH:
        raise BoundError(f"front matter is nested more than {MAX_YAML_DEPTH} levels deep", line)
    total = 1
    if isinstance(node, yaml.CollectionNode):
        open_nodes.add(key)
        children = [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else node.value
        for child in children:
            total += _size(child, known, open_nodes, depth + 1)
            if total > MAX_YAML_VALUES:
                raise BoundError(f"front matter expands to more than {MAX_YAML_VALUES} values "
                                 "(YAML aliases repeat what they refer to)", line)
        open_nodes.discard(key)
    known[key] = total
    return total
