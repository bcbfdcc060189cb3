"""Where runbook files come from: a local folder here; a GitHub repository in ``app.runbooks.github``.

``app.runbooks.sources`` picks one for a ``SRC`` string.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


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
    """Markdown files under a local folder, nested folders included."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def fetch(self) -> Snapshot:
        """Read every ``*.md`` file below the folder, skipping READMEs."""
        if not self._root.is_dir():
            raise SourceError(f"runbook folder not found: {self._root}")
        files = []
        for path in sorted(self._root.rglob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            files.append(_read(path, path.relative_to(self._root).as_posix()))
        return Snapshot(version=f"folder:{self._root}", files=tuple(files))


def _read(path: Path, relative: str) -> RunbookFile:
    link = path.resolve().as_uri()
    try:
        return RunbookFile(path=relative, text=path.read_text(encoding="utf-8"), link=link)
    except UnicodeDecodeError as exc:
        return RunbookFile(path=relative, text="", link=link, error=f"not UTF-8 text ({exc.reason})")
    except OSError as exc:
        return RunbookFile(path=relative, text="", link=link, error=f"cannot read: {exc.strerror}")

