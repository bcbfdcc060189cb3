"""Parse runbook files into a catalog, match alerts against it and extract fields."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from app.models import Alert
from app.runbooks.model import MatchRule, Runbook
from app.runbooks.source import RunbookFile, RunbookSource, Snapshot

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
_WORD = re.compile(r"[a-z0-9_]{2,}")


@dataclass(frozen=True)
class CatalogProblem:
    """A runbook file that could not be loaded, and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Match:
    """A runbook chosen for an alert, with the reason."""

    runbook: Runbook
    reason: str
    score: float = 1.0


@dataclass
class Catalog:
    """The runbooks of one source version."""

    runbooks: tuple[Runbook, ...]
    version: str = ""
    note: str = ""
    problems: tuple[CatalogProblem, ...] = ()
    _index: dict[str, Runbook] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {runbook.id: runbook for runbook in self.runbooks}

    def get(self, runbook_id: str) -> Runbook | None:
        """The runbook with this id, or None."""
        return self._index.get(runbook_id)

    def match(self, alert: Alert) -> Match | None:
        """The first runbook whose front-matter rules match the alert."""
        for runbook in self.runbooks:
            for rule in runbook.match:
                if re.search(rule.regex, _field_value(alert, rule)):
                    return Match(runbook=runbook, reason=f"{rule.field} matches /{rule.regex}/")
        return None

    def search(self, query: str, limit: int = 5) -> list[Match]:
        """Runbooks ranked by word overlap with the query (title and tags weigh more than the body)."""
        terms = _words(query)
        if not terms or not self.runbooks:
            return []
        docs = {rb.id: _words(" ".join([rb.title] * 3 + list(rb.tags) * 2 + [rb.body])) for rb in self.runbooks}
        frequency = Counter(term for words in docs.values() for term in set(words))
        total = len(docs)
        scored = []
        for runbook in self.runbooks:
            counts = Counter(docs[runbook.id])
            score = sum(
                math.log(1 + total / frequency[term]) * counts[term] / (counts[term] + 1.5)
                for term in set(terms)
                if counts[term]
            )
            if score > 0:
                scored.append(Match(runbook=runbook, reason="words in common", score=round(score, 3)))
        return sorted(scored, key=lambda item: -item.score)[:limit]


def load_catalog(source: RunbookSource) -> Catalog:
    """Fetch and parse a source; files that fail to parse are reported, not silently dropped."""
    return parse_snapshot(source.fetch())


def parse_snapshot(snapshot: Snapshot) -> Catalog:
    """Parse every file of a snapshot; duplicate ids are problems too."""
    runbooks: list[Runbook] = []
    problems: list[CatalogProblem] = []
    seen: dict[str, str] = {}
    for item in snapshot.files:
        try:
            runbook = parse_runbook(item)
        except RunbookError as exc:
            problems.append(CatalogProblem(item.path, str(exc)))
            continue
        if runbook.id in seen:
            problems.append(CatalogProblem(item.path, f"duplicate id {runbook.id!r} (also in {seen[runbook.id]})"))
            continue
        seen[runbook.id] = item.path
        runbooks.append(runbook)
    return Catalog(tuple(runbooks), version=snapshot.version, note=snapshot.note, problems=tuple(problems))


class RunbookError(Exception):
    """A runbook file is malformed."""


def parse_runbook(item: RunbookFile) -> Runbook:
    """Parse one Markdown file with YAML front matter.

    Raises:
        RunbookError: The front matter is missing, not YAML, or not a valid runbook.
    """
    found = _FRONT_MATTER.match(item.text)
    if found is None:
        raise RunbookError("no YAML front matter (the file must start with a '---' line)")
    try:
        meta = yaml.safe_load(found.group(1))
    except yaml.YAMLError as exc:
        raise RunbookError(f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise RunbookError("front matter must be a mapping")
    try:
        return Runbook(**meta, body=found.group(2).strip(), path=item.path, link=item.link)
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise RunbookError(details) from exc
    except TypeError as exc:
        raise RunbookError(str(exc)) from exc


def extract_fields(runbook: Runbook, alert: Alert) -> dict[str, str]:
    """Named fields from the alert: the first capture group (or the whole match) of each ``extract`` regex."""
    text = "\n".join([alert.full_text(), *(f"{key}: {value}" for key, value in alert.labels.items())])
    fields: dict[str, str] = {}
    for name, pattern in runbook.extract.items():
        found = re.search(pattern, text)
        if found:
            fields[name] = found.group(1) if found.groups() else found.group(0)
    return fields


def _field_value(alert: Alert, rule: MatchRule) -> str:
    if rule.field.startswith("labels."):
        return alert.labels.get(rule.field.removeprefix("labels."), "")
    value: Any = {"text": alert.full_text(), "title": alert.title, "source": alert.source}[rule.field]
    return str(value)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())
