"""Lexical ranking of runbooks: BM25 over title, tags and body, with the words that made each score."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.runbooks.model import Runbook

K1 = 1.2
B = 0.75
FIELD_WEIGHTS = {"title": 3.0, "tags": 2.0, "body": 1.0}
_RAW = re.compile(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_ID_LIKE = re.compile(r"^(?=.*\d)[a-z0-9]{8,}$|^\d{4,}$")  # ids, hashes, long numbers: never a topic
_STOP_WORDS = (
    "a about again all also an and any are as at be been but by can could did do does each every for from get "
    "got had has have how if in into is it its just me more most my no not of on only or other our out over "
    "same so some such than that the their them then there these they this to too up us very was we were what "
    "when where which while who why will with would you your"
)
_STOP = frozenset(_STOP_WORDS.split())


def words(text: str) -> list[str]:
    """The index terms of a text: lower-case, split on camelCase and snake_case, light stemming, no stop words."""
    terms: list[str] = []
    for raw in _RAW.findall(text):
        if _ID_LIKE.match(raw.lower()):
            continue
        pieces = raw.split("_")
        parts = [raw, *pieces] if len(pieces) > 1 else [raw]
        for piece in pieces:
            camel = _CAMEL.findall(piece)
            parts += camel if len(camel) > 1 else []
        for part in parts:
            term = _stem(part.lower())
            if len(term) > 1 and term not in _STOP and not _ID_LIKE.match(term):
                terms.append(term)
    return terms


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ion", "ed", "ly"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # stopped → stop, getting → get
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


@dataclass(frozen=True)
class Ranked:
    """A runbook's lexical score for a query, and why.

    Attributes:
        runbook: The runbook.
        score: The BM25 score.
        coverage: The share of the query's weight (IDF) that the runbook contains, 0 to 1; words no runbook
            has count at the highest weight, so an alert about something the catalog never mentions scores low.
        terms: The terms that contributed most, strongest first, each with the fields it occurs in.
    """

    runbook: Runbook
    score: float
    coverage: float
    terms: tuple[tuple[str, tuple[str, ...]], ...]

    def reason(self) -> str:
        """The words in common and the coverage: ``words in common: memory (title, body), oom (tags); …``."""
        listed = ", ".join(f"{term} ({', '.join(where)})" for term, where in self.terms)
        return f"words in common: {listed}; score {self.score:g}, coverage {self.coverage:.0%}"


class LexicalIndex:
    """BM25 over the catalog, with title and tags weighted above the body (a simple BM25F)."""

    def __init__(self, runbooks: Sequence[Runbook]) -> None:
        self._runbooks = tuple(runbooks)
        self._fields = [_field_terms(runbook) for runbook in self._runbooks]
        self._tf = [_weighted(fields) for fields in self._fields]
        self._length = [sum(tf.values()) for tf in self._tf]
        self._average = (sum(self._length) / len(self._length)) if self._length else 1.0
        frequency = Counter(term for tf in self._tf for term in tf)
        total = len(self._runbooks)
        self._idf = {term: math.log(1 + (total - count + 0.5) / (count + 0.5)) for term, count in frequency.items()}
        self._unknown_idf = math.log(1 + (total + 0.5) / 0.5)

    def rank(self, text: str, limit: int | None = None) -> list[Ranked]:
        """Runbooks with a positive score for the text, best first (ties keep catalog order)."""
        query = sorted(set(words(text)))
        scored = [self._score(position, query) for position in range(len(self._runbooks))]
        found = sorted((item for item in scored if item.score > 0), key=lambda item: -item.score)
        return found[:limit] if limit is not None else found

    def _score(self, position: int, query: Iterable[str]) -> Ranked:
        tf, fields = self._tf[position], self._fields[position]
        norm = K1 * (1 - B + B * self._length[position] / self._average)
        parts = []
        weight = found = 0.0
        for term in query:
            idf = self._idf.get(term, self._unknown_idf)
            weight += idf
            if term in tf:
                found += idf
                parts.append((idf * tf[term] * (K1 + 1) / (tf[term] + norm), term))
        parts.sort(reverse=True)
        terms = tuple((term, tuple(name for name in FIELD_WEIGHTS if term in fields[name])) for _, term in parts[:6])
        score = round(sum(value for value, _ in parts), 3)
        return Ranked(self._runbooks[position], score, round(found / weight, 3) if weight else 0.0, terms)


def _field_terms(runbook: Runbook) -> dict[str, Counter[str]]:
    return {
        "title": Counter(words(runbook.title)),
        "tags": Counter(words(" ".join(runbook.tags))),
        "body": Counter(words(runbook.body)),
    }


def _weighted(fields: dict[str, Counter[str]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for name, counts in fields.items():
        for term, count in counts.items():
            total[term] = total.get(term, 0.0) + FIELD_WEIGHTS[name] * count
    return total
