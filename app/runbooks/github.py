"""Runbooks from a GitHub (Enterprise) repository at a ref, through PyGithub, cached by commit SHA.

An unchanged ref costs one conditional request (``If-None-Match`` → ``304``). A new commit costs the tree and
the files whose blob SHA is not cached yet. When GitHub cannot be reached, the last good catalog is used and the
snapshot's note says so; with nothing cached, :class:`SourceError` is raised — never an empty catalog.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests
from github import Github, GithubException
from urllib3.util.retry import Retry

from app.config import Settings
from app.runbooks.cache import CatalogCache, RefState, cache_folder
from app.runbooks.source import CATALOG_FILES, RunbookFile, Snapshot, SourceError
from tools.github_auth import github_auth

if TYPE_CHECKING:
    from github.GitTreeElement import GitTreeElement
    from github.Repository import Repository

    from app.secret_reader import SecretReader

logger = logging.getLogger(__name__)
MAX_FILE_BYTES = 10 * 1024 * 1024
_SPEC = re.compile(r"^github:(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)@(?P<ref>[^:\s]+)(?::(?P<path>[^\s]*))?$")
WORKERS = 8
# GitHub answered with an error, could not be reached, or sent something that is not the expected JSON.
_FAILURES = (GithubException, requests.RequestException, OSError, SourceError, KeyError, TypeError)


@dataclass(frozen=True)
class GitHubLocation:
    """Where the catalog lives: ``github:OWNER/REPO@REF:PATH``."""

    owner: str
    repo: str
    ref: str
    path: str = ""

    @property
    def full_name(self) -> str:
        """``OWNER/REPO``."""
        return f"{self.owner}/{self.repo}"

    def __str__(self) -> str:
        return f"github:{self.full_name}@{self.ref}:{self.path}"


def parse_github_spec(spec: str) -> GitHubLocation:
    """The location in a ``github:OWNER/REPO@REF[:PATH]`` source string.

    Raises:
        SourceError: The string does not have that form.
    """
    found = _SPEC.match(spec.strip())
    if found is None:
        raise SourceError(
            f"bad GitHub source {spec!r}: expected github:OWNER/REPO@REF:PATH (e.g. github:acme/ops@main:runbooks)"
        )
    return GitHubLocation(found["owner"], found["repo"], found["ref"], (found["path"] or "").strip("/"))


def github_client(settings: Settings, secrets: SecretReader) -> Github:
    """A PyGithub client for ``Settings.github_api_url`` with the token of ``Settings.github_secret_name``.

    Raises:
        ConfigError: The token secret is missing or has no ``token``.
    """
    return client_for(settings.github_api_url, secrets.current(settings.github_secret_name, "token"))


def client_for(base_url: str, token: str | Callable[[], str]) -> Github:
    """A PyGithub client for reading runbooks: 10 s timeout, two retries on 502/503/504, lazy objects.

    ``token`` is the token, or a function asked for it on every request (a rotated secret).
    """
    retry = Retry(total=2, backoff_factor=0.2, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}),
                  raise_on_status=False)
    # Read-only and a few dozen requests at most: no spacing between GETs (PyGithub waits 0.25 s by default).
    return Github(base_url=base_url, auth=github_auth(token), timeout=10, retry=retry, pool_size=WORKERS, lazy=True,
                  seconds_between_requests=None)


def github_source(
    spec: str, settings: Settings, secrets: SecretReader, client: Github | None = None
) -> GitHubSource:
    """The source for a ``github:`` string, cached under ``Settings.state_dir``.

    Raises:
        SourceError: The string is malformed.
        ConfigError: No client was given and the token secret is missing.
    """
    location = parse_github_spec(spec)
    folder = cache_folder(settings.state_dir / "runbook-cache", settings.github_api_url, location.full_name)
    return GitHubSource(location, client or github_client(settings, secrets), CatalogCache(folder))


class GitHubSource:
    """The Markdown files under a folder of a repository at a ref."""

    def __init__(
        self, location: GitHubLocation, client: Github, cache: CatalogCache, *, workers: int = WORKERS
    ) -> None:
        self._location = location
        self._client = client
        self._cache = cache
        self._workers = workers

    def fetch(self) -> Snapshot:
        """The files at the ref's current commit, or the last good ones when GitHub fails.

        Raises:
            SourceError: GitHub failed and no catalog of this ref was ever cached.
        """
        try:
            return self._fetch()
        except _FAILURES as exc:
            return self._last_good(_describe(exc))

    def _fetch(self) -> Snapshot:
        state = self._resolve()
        version = f"{self._location.full_name}@{state.sha[:12]}"
        cached = self._cache.snapshot(state.sha, self._location.path, version)
        if cached is not None:
            return cached
        repo = self._client.get_repo(self._location.full_name)
        entries = self._markdown_entries(repo, state.tree_sha)
        with ThreadPoolExecutor(max_workers=self._workers) as pool:
            files = list(pool.map(lambda entry: self._file(repo, state, entry), entries))
        snapshot = Snapshot(version=version, files=tuple(files))
        self._cache.put_snapshot(state.sha, self._location.path, snapshot, {e.path[self._cut:]: e.sha for e in entries})
        return snapshot

    @property
    def _cut(self) -> int:
        return len(self._location.path) + 1 if self._location.path else 0

    def _resolve(self) -> RefState:
        """The ref's commit: one conditional request, answered 304 while the ref has not moved."""
        key = f"{self._location.ref}:{self._location.path}"
        known = self._cache.ref(key)
        headers = {"If-None-Match": known.etag} if known else {}
        url = f"/repos/{self._location.full_name}/commits/{quote(self._location.ref, safe='')}"
        status, response_headers, body = self._client.requester.requestJson("GET", url, headers=headers)
        if status == 304 and known is not None:
            return known
        data = _json(body)
        if status >= 400:
            raise self._client.requester.createException(status, response_headers, data)
        headers_lower = {name.lower(): value for name, value in response_headers.items()}
        state = RefState(
            etag=str(headers_lower.get("etag", "")),
            sha=str(data["sha"]),
            tree_sha=str(data["commit"]["tree"]["sha"]),
            link_base=str(data.get("html_url", "")).replace("/commit/", "/blob/"),
            checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self._cache.put_ref(key, state)
        return state

    def _markdown_entries(self, repo: Repository, tree_sha: str) -> list[GitTreeElement]:
        tree = repo.get_git_tree(tree_sha, recursive=True)
        if tree.truncated:
            raise SourceError(f"the tree of {self._location} is too large to list; point PATH at a smaller folder")
        prefix = f"{self._location.path}/" if self._location.path else ""
        entries = [
            entry
            for entry in tree.tree
            if entry.type == "blob"
            and entry.path.startswith(prefix)
            and (entry.path.lower().endswith(".md") or entry.path.removeprefix(prefix) in CATALOG_FILES)
            and entry.path.rsplit("/", 1)[-1].lower() != "readme.md"
        ]
        if not entries:
            raise SourceError(f"no Markdown files under {self._location}")
        return sorted(entries, key=lambda entry: entry.path)

    def _file(self, repo: Repository, state: RefState, entry: GitTreeElement) -> RunbookFile:
        relative = entry.path[self._cut:]
        link = f"{state.link_base}/{entry.path}" if state.link_base else ""
        if entry.size is not None and entry.size > MAX_FILE_BYTES:
            return RunbookFile(relative, "", link, error=f"{entry.size} bytes; runbooks over 10 MB are not read")
        text = self._cache.blob(entry.sha)
        if text is None:
            try:
                text = self._download(repo, state.sha, entry).decode("utf-8")
            except UnicodeDecodeError as exc:
                return RunbookFile(relative, "", link, error=f"not UTF-8 text ({exc.reason})")
            self._cache.put_blob(entry.sha, text)
        return RunbookFile(relative, text, link)

    @staticmethod
    def _download(repo: Repository, sha: str, entry: GitTreeElement) -> bytes:
        """The contents API; the blobs API when the file is too large for it (over 1 MB, content omitted)."""
        content = repo.get_contents(entry.path, ref=sha)
        if isinstance(content, list):
            raise SourceError(f"{entry.path} is a folder at {sha[:12]}")
        if content.encoding == "base64" and (content.content or not content.size):
            return content.decoded_content
        blob = repo.get_git_blob(entry.sha)
        return base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode("utf-8")

    def _last_good(self, reason: str) -> Snapshot:
        state = self._cache.ref(f"{self._location.ref}:{self._location.path}")
        version = f"{self._location.full_name}@{state.sha[:12]}" if state else ""
        cached = self._cache.snapshot(state.sha, self._location.path, version) if state else None
        if state is None or cached is None:
            raise SourceError(f"cannot load runbooks from {self._location}: {reason}; no earlier catalog is cached")
        logger.warning("runbooks from %s unavailable (%s); using commit %s", self._location, reason, state.sha[:12])
        note = (
            f"Runbooks could not be loaded from GitHub ({reason}); using the last good catalog, "
            f"commit {state.sha[:12]} of {self._location.ref} checked at {state.checked_at}."
        )
        return Snapshot(version=cached.version, files=cached.files, note=note)


def _json(body: str) -> Any:
    try:
        return json.loads(body) if body else {}
    except ValueError:
        return {"message": body[:200]}


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SourceError):
        return str(exc)
    if isinstance(exc, GithubException):
        message = exc.data.get("message") if isinstance(exc.data, dict) else None
        hints = {
            401: "the token was rejected",
            403: "access denied or rate limited",
            404: "repository not found or not readable with this token",
            422: "the ref does not exist",
        }
        hint = hints.get(exc.status, "")
        return f"HTTP {exc.status} {message or ''}".strip() + (f": {hint}" if hint else "")
    return f"{type(exc).__name__}: {exc}"
