"""Where runbook files come from: a local folder here; a GitHub repository in ``app.runbooks.github``.

``app.runbooks.sources`` picks one for a ``SRC`` string.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.runbooks.bounds import size_problem

RECHECK_SECONDS = 5.0
"""A folder source lists its folder again at most this often."""
SYNONYMS_FILE = "_synonyms.yaml"
"""The catalog's synonym table, at the top of the catalog folder (see README, "Runbook format")."""
ENTITIES_FILE = "_entities.yaml"
"""The catalog's entity kinds and their probes, at the top of the catalog folder (see README, "Entities")."""
CATALOG_FILES = frozenset({SYNONYMS_FILE, ENTITIES_FILE})
"""The files besides runbooks that a catalog holds at its top."""


@dataclass(frozen=True)
class RunbookFile:
    """One Markdown file as read from a source; ``error`` says why its text could not be read."""

    path: str
    text: str
    link: str = ""
    error: str = ""


@dataclass(frozen=True)
class Snapshot:
    """The files of a source at one version, and a note when the version is not the newest."""

    version: str
    files: tuple[RunbookFile, ...]
    note: str = ""
    revision: str = ""
    """What changes whenever a file does, when ``version`` does not (a folder: a digest of modification times)."""


class SourceError(Exception):
    """The source cannot be read."""


class RunbookSource(Protocol):
    """Anything that can list the runbook files at its current version."""

    def fetch(self) -> Snapshot:
        """All Markdown files of the catalog.

        Raises:
            SourceError: The source cannot be read.
        """
        ...


class FolderSource:
    """Markdown files under a local folder, nested folders included, and the catalog's synonym table.

    Files are read again only when a file's modification time or size changed, or a file came or went; the
    folder is listed at most once every ``recheck_seconds`` (edits show up within that time).
    """

    def __init__(self, root: Path, recheck_seconds: float = RECHECK_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._root = root
        self._recheck = recheck_seconds
        self._clock = clock
        self._last: Snapshot | None = None
        self._checked = 0.0

    def fetch(self) -> Snapshot:
        """Every ``*.md`` file below the folder (READMEs skipped) and the catalog files at its top."""
        if self._last is not None and self._clock() - self._checked < self._recheck:
            return self._last
        if not self._root.is_dir():
            raise SourceError(f"runbook folder not found: {self._root}")
        listing = sorted(_walk(self._root, ""), key=lambda entry: entry[0].split("/"))
        self._checked = self._clock()
        revision = hashlib.sha256(repr(listing).encode()).hexdigest()[:16]
        if self._last is not None and self._last.revision == revision:
            return self._last
        files = tuple(_read(self._root / relative, relative, size) for relative, _, size in listing)
        self._last = Snapshot(version=f"folder:{self._root}", files=files, revision=revision)
        return self._last


def _walk(folder: Path, prefix: str) -> Iterator[tuple[str, int, int]]:
    """(relative path, modification time, size) of each runbook file below ``folder``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        relative = f"{prefix}{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), f"{relative}/")
        elif (entry.name.lower().endswith(".md") and entry.name.lower() != "readme.md") or relative in CATALOG_FILES:
            try:
                stat = entry.stat()
            except OSError:
                yield relative, 0, 0
                continue
            yield relative, stat.st_mtime_ns, stat.st_size


def _read(path: Path, relative: str, size: int = 0) -> RunbookFile:
    link = path.resolve().as_uri()
    if too_big := size_problem(size):
        return RunbookFile(path=relative, text="", link=link, error=too_big)
    try:
        return RunbookFile(path=relative, text=path.read_text(encoding="utf-8"), link=link)
    except UnicodeDecodeError as exc:
        return RunbookFile(path=relative, text="", link=link, error=f"not UTF-8 text ({exc.reason})")
    except OSError as exc:
        return RunbookFile(path=relative, text="", link=link, error=f"cannot read: {exc.strerror}")

