"""A catalog of validated runbooks: matching alerts (rules first, lexical ranking second) and field extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from app.models import Alert
from app.runbooks.entities import EntityCatalog
from app.runbooks.entities_parse import parse_entities
from app.runbooks.index import LexicalIndex, Ranked
from app.runbooks.model import MatchRule, Runbook
from app.runbooks.parse import Problem, RunbookError, id_line, parse_runbook
from app.runbooks.pattern import PatternSet, compile_pattern
from app.runbooks.source import ENTITIES_FILE, SYNONYMS_FILE, RunbookSource, Snapshot
from app.runbooks.synonyms import Groups, parse_synonyms

MIN_LEXICAL_SCORE = 5.0
"""A lexical match is claimed only from this BM25 score up (measured in tests/unit/runbooks/test_match_accuracy.py)."""
MIN_COVERAGE = 0.25
"""…and only when the runbook holds this share of the alert's word weight (alerts about unknown systems stay out)
and a word in common is in its id, title, tags or sample alert (measured on bench/matching too)…"""
BODY_ONLY_COVERAGE = 0.5
"""…unless the words in common, all in its body, hold this share of the alert's word weight."""


@dataclass(frozen=True)
class Match:
    """A runbook ranked for an alert or a query, and why.

    Attributes:
        runbook: The runbook.
        reason: Which rule matched, or which words the two share.
        score: 1.0 for a rule; the BM25 score for a lexical match.
        kind: ``rule`` (a front-matter rule matched) or ``lexical`` (ranking only).
        claimed: Whether this is good enough to pick the runbook: always for a rule, above the threshold otherwise.
    """

    runbook: Runbook
    reason: str
    score: float = 1.0
    kind: Literal["rule", "lexical"] = "rule"
    claimed: bool = True


@dataclass
class Catalog:
    """The runbooks of one source version, with their lexical index."""

    runbooks: tuple[Runbook, ...]
    version: str = ""
    note: str = ""
    problems: tuple[Problem, ...] = ()
    min_score: float = MIN_LEXICAL_SCORE
    min_coverage: float = MIN_COVERAGE
    _by_id: dict[str, Runbook] = field(default_factory=dict, repr=False)
    _index: LexicalIndex = field(init=False, repr=False)

    synonyms: Groups = ()
    entities: EntityCatalog = field(default_factory=EntityCatalog)
    _rules: dict[str, tuple[PatternSet, list[tuple[Runbook, MatchRule]]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {runbook.id: runbook for runbook in self.runbooks}
        self._index = LexicalIndex(self.runbooks, self.synonyms)
        self._rules = _rule_sets(self.runbooks)

    def get(self, runbook_id: str) -> Runbook | None:
        """The runbook with this id, or None."""
        return self._by_id.get(runbook_id)

    def match(self, alert: Alert) -> Match | None:
        """The runbook for the alert: a front-matter rule first, else the best lexical match above the threshold."""
        ranked = self.rank(alert, limit=1)
        return ranked[0] if ranked and ranked[0].claimed else None

    def rank(self, alert: Alert, limit: int = 5) -> list[Match]:
        """Candidates best first: runbooks whose rules match (by lexical score among them), then lexical ones."""
        matching = self._matching_rules(alert)
        found = self._index.rank(_query(alert), limit=limit, include=[runbook.id for runbook, _ in matching])
        lexical = {item.runbook.id: item for item in found}
        ruled = []
        for runbook, rule in matching:
            score = lexical[runbook.id].score if runbook.id in lexical else 0.0
            ruled.append((score, Match(runbook, f"{rule.field} matches /{rule.regex}/")))
        ruled.sort(key=lambda pair: -pair[0])
        taken = {match.runbook.id for _, match in ruled}
        others = [self._lexical(item) for item in lexical.values() if item.runbook.id not in taken]
        return ([match for _, match in ruled] + others)[:limit]

    def search(self, query: str, limit: int = 5) -> list[Match]:
        """Runbooks ranked by BM25 over title, tags and body for free text (the agent's runbook search tool)."""
        return [self._lexical(item) for item in self._index.rank(query, limit=limit)]

    def _lexical(self, item: Ranked) -> Match:
        topical = item.topical or item.coverage >= BODY_ONLY_COVERAGE
        claimed = item.named or (topical and item.score >= self.min_score and item.coverage >= self.min_coverage)
        return Match(item.runbook, item.reason(), item.score, "lexical", claimed)

    def _matching_rules(self, alert: Alert) -> list[tuple[Runbook, MatchRule]]:
        """The first matching rule of each runbook, in catalog order (all rules of a field in one pass)."""
        first: dict[str, tuple[int, Runbook, MatchRule]] = {}
        for name, (patterns, owners) in self._rules.items():
            for position in patterns.matching(_named_field(alert, name)):
                runbook, rule = owners[position]
                order = runbook.match.index(rule)
                if runbook.id not in first or order < first[runbook.id][0]:
                    first[runbook.id] = (order, runbook, rule)
        return [(found[1], found[2]) for runbook in self.runbooks if (found := first.get(runbook.id))]


def load_catalog(source: RunbookSource, tool_names: frozenset[str] | None = None) -> Catalog:
    """Fetch and parse a source; files that fail to parse are reported as problems, never silently dropped.

    Raises:
        SourceError: The source cannot be read and has no last good version.
    """
    return parse_snapshot(source.fetch(), tool_names)


def parse_snapshot(snapshot: Snapshot, tool_names: frozenset[str] | None = None) -> Catalog:
    """Parse every file of a snapshot; a duplicate id is a problem and the first file keeps the id."""
    runbooks: list[Runbook] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    synonyms: Groups = ()
    entities = EntityCatalog()
    for item in snapshot.files:
        if item.path == SYNONYMS_FILE:
            synonyms, found = parse_synonyms(item)
            problems += found
            continue
        if item.path == ENTITIES_FILE:
            entities, found = parse_entities(item, tool_names)
            problems += found
            continue
        try:
            runbook = parse_runbook(item, tool_names)
        except RunbookError as exc:
            problems += exc.problems
            continue
        if runbook.id in seen:
            problems.append(Problem(item.path, f"duplicate id {runbook.id!r} (also in {seen[runbook.id]})",
                                    id_line(item), "id"))
            continue
        seen[runbook.id] = item.path
        runbooks.append(runbook)
    return Catalog(tuple(runbooks), version=snapshot.version, note=snapshot.note, problems=tuple(problems),
                   synonyms=synonyms, entities=entities)


def extract_fields(runbook: Runbook, alert: Alert) -> dict[str, str]:
    """Named fields from the alert: the first capture group (or the whole match) of each ``extract`` regex."""
    text = "\n".join([alert.full_text(), *(f"{key}: {value}" for key, value in alert.labels.items())])
    fields: dict[str, str] = {}
    for name, pattern in runbook.extract.items():
        value = compile_pattern(pattern).first(text)
        if value:
            fields[name] = value
    return fields


def _query(alert: Alert) -> str:
    return "\n".join([alert.full_text(), alert.source, *alert.labels.values()])


def _named_field(alert: Alert, name: str) -> str:
    if name.startswith("labels."):
        return alert.labels.get(name.removeprefix("labels."), "")
    return {"text": alert.full_text(), "title": alert.title, "source": alert.source}[name]


def _rule_sets(runbooks: tuple[Runbook, ...]) -> dict[str, tuple[PatternSet, list[tuple[Runbook, MatchRule]]]]:
    """Every rule compiled once, grouped by the alert field it reads."""
    owners: dict[str, list[tuple[Runbook, MatchRule]]] = {}
    for runbook in runbooks:
        for rule in runbook.match:
            owners.setdefault(rule.field, []).append((runbook, rule))
    return {name: (PatternSet([compile_pattern(rule.regex) for _, rule in pairs]), pairs)
            for name, pairs in owners.items()}
