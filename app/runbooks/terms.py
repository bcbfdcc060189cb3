"""Index terms of a text: identifiers split, English stemmed (Snowball), Japanese as character bigrams, synonyms.

``KubePodCrashLooping`` gives kube, pod, crash, loop (and the whole name); ``started_at`` gives started_at and
start; ``データベースの接続数`` gives the katakana word and the bigrams of each katakana or kanji run (hiragana,
mostly particles and endings, is left out). A term that comes from an identifier (it has a digit, or it is a
piece of a name joined by ``-``, ``.``, ``/`` or ``:``, such as a host or pod name) is marked, so that the ranking
can leave such pieces out of its coverage when no runbook knows them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import snowballstemmer

_TOKEN = re.compile(
    r"[A-Za-z0-9]+(?:[_.\-/:][A-Za-z0-9]+)*"
    r"|[\u3041-\u309f]+|[\u30a1-\u30ff]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]+"
)
_PIECE = re.compile(r"[_.\-/:]")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_ID_LIKE = re.compile(r"^(?=.*\d)[a-z0-9]{8,}$|^\d{4,}$")  # ids, hashes, long numbers: never a topic
_DIGIT = re.compile(r"\d")
_STOP_WORDS = (
    "a about again all also an and any are as at be been but by can could did do does each every for from get "
    "got had has have how if in into is it its just me more most my no not of on only or other our out over "
    "same so some such than that the their them then there these they this to too up us very was we were what "
    "when where which while who why will with would you your "
    "alertname annotations description firing labels resolved severity summary"  # alert boilerplate
)
STOP = frozenset(_STOP_WORDS.split())
SYNONYM_PREFIX = "~"
"""Group terms of the synonym table start with this (``~oom``), so they never collide with a word."""


@dataclass(frozen=True)
class Term:
    """One index term; ``identifier`` when it comes from a name (digits, or a piece of a joined name)."""

    text: str
    identifier: bool = False
    word: str = ""
    """The word as written (lower case), for explanations; the stem when not given."""

    @property
    def shown(self) -> str:
        """The word as written, or the term."""
        return self.word or self.text


class Analyzer:
    """Turns text into terms; keeps the stems it has computed (one analyzer per index)."""

    def __init__(self, synonyms: Sequence[Sequence[str]] = ()) -> None:
        """Prepare the analyzer; ``synonyms`` are groups of words or phrases that stand for one term each."""
        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}
        self._tokens: dict[str, tuple[list[Term], list[str]]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for group in synonyms:
            name = SYNONYM_PREFIX + re.sub(r"[^a-z0-9\u3040-\u9fff]+", "", group[0].lower())
            for entry in group:
                sequence = tuple(self._surface(entry))
                if sequence:
                    self._phrases.setdefault(sequence[0], []).append((sequence, name))

    def terms(self, text: str) -> list[Term]:
        """The terms of a text, in order (a joined name before its pieces), synonym group terms appended."""
        found: list[Term] = []
        surface: list[str] = []
        for raw in _TOKEN.findall(text if text.isascii() else unicodedata.normalize("NFKC", text)):
            token = self._tokens.get(raw)
            if token is None:
                token = self._tokens[raw] = self._token(raw)
            found += token[0]
            surface += token[1]
        if self._phrases:
            found += [Term(name) for name in self._groups(surface)]
        return found

    def _token(self, raw: str) -> tuple[list[Term], list[str]]:
        """The terms of one token and its stemmed pieces (for synonym phrases)."""
        if raw[0] >= "\u3000":
            return [Term(part) for part in _cjk(raw)], [raw]
        pieces = _PIECE.split(raw)
        compound = any(mark in raw for mark in ".-/:")
        candidates = [raw] if len(pieces) > 1 and not compound else []
        surface: list[str] = []
        for piece in pieces:
            if _ID_LIKE.match(piece.lower()):
                continue
            camel = _CAMEL.findall(piece)
            candidates += [piece, *camel] if len(camel) > 1 else [piece]
            surface += [self.stem(part.lower()) for part in (camel or [piece])]
        return self._kept(candidates, compound), surface

    def stem(self, word: str) -> str:
        """The Snowball English stem, without a final ``e`` on longer words (queue and queued agree)."""
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stemmer.stemWord(word) if len(word) > 3 and word.isalpha() else word
            stem = stem[:-1] if len(stem) > 4 and stem.endswith("e") else stem
            self._stems[word] = stem
        return stem

    def _kept(self, candidates: Iterable[str], compound: bool) -> list[Term]:
        kept = []
        for part in candidates:
            lower = part.lower()
            if _ID_LIKE.match(lower):
                continue
            term = self.stem(lower)
            if len(term) > 1 and term not in STOP and not _ID_LIKE.match(term):
                kept.append(Term(term, compound or bool(_DIGIT.search(term)), lower))
        return kept

    def _surface(self, text: str) -> list[str]:
        """Every stemmed piece of a text, stop words included (synonym phrases are matched on these)."""
        surface = []
        for raw in _TOKEN.findall(unicodedata.normalize("NFKC", text)):
            if raw[0] >= "\u3000":
                surface.append(raw)
                continue
            for piece in _PIECE.split(raw):
                surface += [self.stem(part.lower()) for part in (_CAMEL.findall(piece) or [piece])]
        return surface

    def _groups(self, surface: list[str]) -> list[str]:
        names = []
        for start, word in enumerate(surface):
            for sequence, name in self._phrases.get(word, ()):
                if tuple(surface[start:start + len(sequence)]) == sequence:
                    names.append(name)
        return names


def _cjk(run: str) -> list[str]:
    """Character bigrams of a katakana or kanji run (and a katakana word whole); hiragana runs give nothing."""
    if "\u3041" <= run[0] <= "\u309f":
        return []
    if len(run) == 1:
        return [run] if run[0] >= "\u3400" else []
    bigrams = [run[n:n + 2] for n in range(len(run) - 1)]
    return [run, *bigrams] if "\u30a1" <= run[0] <= "\u30ff" and len(run) > 2 else bigrams


def words(text: str) -> list[str]:
    """The index terms of a text without synonyms (see the module docstring)."""
    return [term.text for term in Analyzer().terms(text)]
