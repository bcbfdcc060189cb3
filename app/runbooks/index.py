"""Lexical ranking of runbooks: BM25F over their fields, coverage of the alert's known words, and why.

Fields and weights: the runbook's id and title weigh most, then its tags and its sample
alert, then the prose of its body; code blocks and command output weigh least, so that example output does not
pull unrelated alerts in. Terms come from :mod:`app.runbooks.terms` (identifiers split, Snowball stems,
Japanese bigrams, the catalog's synonym groups). The index is inverted and every posting's BM25 share is computed
once, so a query costs time in its own terms' postings, not in the size of the catalog.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from app.runbooks.model import Runbook
from app.runbooks.terms import Analyzer, Term, words

__all__ = ["FIELD_WEIGHTS", "LexicalIndex", "Ranked", "words"]

K1 = 1.2
B = 0.75
FIELD_WEIGHTS = {"name": 3.0, "title": 3.0, "tags": 2.0, "sample": 2.0, "body": 1.0, "code": 0.2}
_STRONG = frozenset({"name", "title", "tags", "sample"})
MAX_INDEXED_CHARS = 200_000
"""Only this much of a runbook's body is indexed (bounds the cost of a huge file)."""
MIN_NAME_CHARS = 8
"""A runbook's name (id, title or file name with its punctuation removed) this long is recognised in an alert."""
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[_.\-/:][A-Za-z0-9]+)*")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_TEMPLATE = re.compile(r"\{\{[^{}\n]{0,200}\}\}")  # an unrendered alert template: {{ $labels.pod }}
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


@dataclass(frozen=True)
class Ranked:
    """A runbook's lexical score for a query, and why.

    Attributes:
        runbook: The runbook.
        score: The BM25F score.
        coverage: The share of the query's weight (IDF) that the runbook contains, 0 to 1. A word no runbook
            has counts at the highest weight, so an alert about something the catalog never mentions scores low;
            a piece of an identifier that no runbook has (a host, pod or device name) does not count.
        terms: The terms that contributed most, strongest first, each with the fields it occurs in.
        named: The alert names this runbook (its id, title, file name or first heading, as one identifier).
        topical: A word in common is in the runbook's id, title, tags or sample alert, not only in its body.
    """

    runbook: Runbook
    score: float
    coverage: float
    terms: tuple[tuple[str, tuple[str, ...]], ...]
    named: bool = False
    topical: bool = True

    def reason(self) -> str:
        """The words in common and the coverage: ``words in common: memory (title, body), oom (tags); …``."""
        listed = ", ".join(f"{term} ({', '.join(where)})" for term, where in self.terms)
        named = "the alert names this runbook; " if self.named else ""
        return f"{named}words in common: {listed}; score {self.score:g}, coverage {self.coverage:.0%}"


class LexicalIndex:
    """BM25F over the catalog, inverted: term → (runbook position, BM25 share) postings."""

    def __init__(self, runbooks: Sequence[Runbook], synonyms: Sequence[Sequence[str]] = ()) -> None:
        self._runbooks = tuple(runbooks)
        self._analyzer = Analyzer(synonyms)
        fields = [self._field_terms(runbook) for runbook in self._runbooks]
        weighted = [_weighted(item) for item in fields]
        lengths = [sum(tf.values()) for tf in weighted]
        average = max(sum(lengths) / len(lengths), 1.0) if lengths else 1.0
        frequency = Counter(term for tf in weighted for term in tf)
        total = len(self._runbooks)
        self._idf = {term: math.log(1 + (total - count + 0.5) / (count + 0.5)) for term, count in frequency.items()}
        self._unknown_idf = math.log(1 + (total + 0.5) / 0.5)
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        self._positions = {runbook.id: position for position, runbook in enumerate(self._runbooks)}
        self._where: list[dict[str, tuple[str, ...]]] = []
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        for position, tf in enumerate(weighted):
            norm = K1 * (1 - B + B * lengths[position] / average)
            for term, value in tf.items():
                self._postings[term][position] = self._idf[term] * value * (K1 + 1) / (value + norm)
            self._where.append(_where(fields[position], shared))
        self._names = _names(self._runbooks)

    def rank(self, text: str, limit: int | None = None, include: Collection[str] = ()) -> list[Ranked]:
        """Runbooks with a positive score for the text, best first (named ones first; ties keep catalog order).

        ``include`` names runbooks (by id) to report even when they are not among the first ``limit``.
        """
        query = _distinct(self._analyzer.terms(_TEMPLATE.sub(_placeholder, text)))
        scores: dict[int, float] = defaultdict(float)
        for term in query:
            for position, share in self._postings.get(term.text, {}).items():
                scores[position] += share
        named = self._named(text)

        def order(position: int) -> tuple[bool, float, int]:
            return position not in named, -scores[position], position

        chosen = sorted(scores, key=order) if limit is None else heapq.nsmallest(limit, scores, key=order)
        wanted = {self._positions[runbook_id] for runbook_id in include if runbook_id in self._positions}
        chosen += sorted(position for position in wanted - set(chosen) if position in scores)
        weight = sum(self._weight(term) for term in query)
        return [self._ranked(position, query, weight, position in named) for position in chosen]

    def _weight(self, term: Term) -> float:
        if term.text in self._idf:
            return self._idf[term.text]
        return 0.0 if term.identifier else self._unknown_idf

    def _ranked(self, position: int, query: list[Term], weight: float, named: bool) -> Ranked:
        where = self._where[position]
        parts = sorted(((self._postings[term.text][position], term.text, term.shown) for term in query
                        if term.text in where), key=lambda part: -part[0])
        found = sum(self._idf[term] for _, term, _ in parts)
        terms = tuple((shown, where[term]) for _, term, shown in parts[:6])
        topical = any(not _STRONG.isdisjoint(where[term]) for _, term, _ in parts)
        coverage = round(min(found / weight, 1.0), 3) if weight else 0.0
        score = round(sum(share for share, _, _ in parts), 3)
        return Ranked(self._runbooks[position], score, coverage, terms, named, topical)

    def _named(self, text: str) -> set[int]:
        named: set[int] = set()
        for raw in _NAME_TOKEN.findall(text):
            for piece in {raw, *re.split(r"[.\-/:]", raw)}:
                named.update(self._names.get(_NOT_ALNUM.sub("", piece.lower()), ()))
        return named

    def _field_terms(self, runbook: Runbook) -> dict[str, Counter[str]]:
        sections = _sections(runbook.body[:MAX_INDEXED_CHARS])
        return {
            "name": Counter({term.text for term in self._analyzer.terms(runbook.id)}),
            "title": Counter(term.text for term in self._analyzer.terms(runbook.title)),
            "tags": Counter(term.text for term in self._analyzer.terms(" ".join(runbook.tags))),
            **{field: Counter(term.text for term in self._analyzer.terms(text)) for field, text in sections.items()},
        }


def sample_alert(body: str) -> str:
    """The text of a body's ``## Sample alert`` section ("" when it has none)."""
    return _sections(body)["sample"].strip()


def _sections(body: str) -> dict[str, str]:
    """The body split into its sample alert, its code blocks (and command output) and the rest."""
    parts: dict[str, list[str]] = {"sample": [], "body": [], "code": []}
    fenced, sample_level = False, 0
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        heading = None if fenced else _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            if sample_level and level <= sample_level:
                sample_level = 0
            if heading.group(2).strip().lower().startswith("sample alert"):
                sample_level = level
                continue
        parts["sample" if sample_level else "code" if fenced else "body"].append(line)
    return {name: "\n".join(lines) for name, lines in parts.items()}


Fields = tuple[str, ...]


def _where(fields: dict[str, Counter[str]], shared: dict[Fields, Fields]) -> dict[str, Fields]:
    """Term → the fields it occurs in (one tuple object per combination of fields, to save memory)."""
    found: dict[str, list[str]] = {}
    for name, counts in fields.items():
        for term in counts:
            found.setdefault(term, []).append(name)
    return {term: shared.setdefault(tuple(names), tuple(names)) for term, names in found.items()}


def _weighted(fields: dict[str, Counter[str]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for name, counts in fields.items():
        for term, count in counts.items():
            total[term] = total.get(term, 0.0) + FIELD_WEIGHTS[name] * count
    return total


def _placeholder(found: re.Match[str]) -> str:
    """A template placeholder as one joined name, so its words count as identifiers (never against coverage)."""
    return " " + ".".join(_NAME_TOKEN.findall(found.group(0))) + " "


def _distinct(terms: list[Term]) -> list[Term]:
    """Each term once; a term is an identifier only when every occurrence is one."""
    plain = {term.text for term in terms if not term.identifier}
    shown: dict[str, str] = {}
    for term in terms:
        shown.setdefault(term.text, term.shown)
    return [Term(text, text not in plain, shown[text]) for text in sorted(shown)]


def _names(runbooks: Sequence[Runbook]) -> dict[str, list[int]]:
    names: dict[str, list[int]] = defaultdict(list)
    for position, runbook in enumerate(runbooks):
        stem = runbook.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        heading = next((found.group(2) for line in runbook.body.splitlines()[:20]
                        if (found := _HEADING.match(line)) and len(found.group(1)) == 1), "")
        values = [value for value in (runbook.id, runbook.title, stem, heading) if len(_WORD.findall(value)) > 1]
        for name in {_NOT_ALNUM.sub("", value.lower()) for value in values}:
            if len(name) >= MIN_NAME_CHARS and not name.isdigit():
                names[name].append(position)
    return names
