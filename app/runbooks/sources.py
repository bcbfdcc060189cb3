"""The runbook source for a ``SRC`` string: a folder path, or ``github:OWNER/REPO@REF:PATH``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.runbooks.source import FolderSource, RunbookSource

if TYPE_CHECKING:
    from app.config import Settings
    from app.secret_reader import SecretReader


def source_from_spec(spec: str, settings: Settings, secrets: SecretReader) -> RunbookSource:
    """A source for a ``SRC`` string: ``github:OWNER/REPO@REF:PATH`` (token read through ``secrets``) or a folder.

    Raises:
        SourceError: A malformed ``github:`` string.
        ConfigError: The GitHub token secret is missing.
    """
    if spec.startswith("github:"):
        from app.runbooks.github import github_source  # PyGithub only when a GitHub source is used

        return github_source(spec, settings, secrets)
    return FolderSource(Path(spec))
