"""GitHub source: ``github_search_code`` and ``github_read_file`` over the configured repositories (PyGithub).

Works with github.com and GitHub Enterprise (``base_url`` ``https://HOST/api/v3``). Only the repositories named in
the settings can be searched or read; the same check runs in the agent's guard before a call and here again.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from github import Github, GithubException
from github.GithubException import BadCredentialsException, RateLimitExceededException, UnknownObjectException
from requests import exceptions as http_errors
from strands import tool

from tools.connections import MAX_PARALLEL_CALLS
from tools.data import success
from tools.github_auth import github_auth
from tools.github_system import SYSTEM as SYSTEM
from tools.registry import ToolSet, error_result

SEARCH_RESULTS = 20
_SCOPE_QUALIFIERS = ("repo:", "org:", "user:")


def github_client(
    token: str | Callable[[], str], base_url: str, *, timeout: float = 20.0, pool_size: int = MAX_PARALLEL_CALLS
) -> Github:
    """A PyGithub client that never sleeps; ``token`` is the token, or a function asked for it on every request.

    No retries (a rate limit is reported, not waited out) and no pause between requests (the tools only read,
    a few calls per investigation, several of them in parallel: ``pool_size`` connections are kept for them).
    """
    return Github(
        auth=github_auth(token), base_url=base_url.rstrip("/"), timeout=max(1, int(timeout)), retry=None,
        seconds_between_requests=None, seconds_between_writes=None, per_page=SEARCH_RESULTS, lazy=True,
        pool_size=pool_size,
    )


def repo_refusal(repos: Sequence[str], repo: Any) -> str | None:
    """Why ``repo`` may not be read (it is not one of ``repos``), or None."""
    allowed = {name.lower() for name in repos}
    if not isinstance(repo, str) or repo.lower() not in allowed:
        return f"repository {repo!r} is not readable; readable repositories: {', '.join(repos) or 'none'}"
    return None


def github_check(repos: Sequence[str]) -> Any:
    """The guard's argument check for both GitHub tools."""

    def check(name: str, args: dict[str, Any]) -> str | None:
        if name == "github_search_code":
            return _search_refusal(repos, args.get("query"), args.get("repo") or "")
        return repo_refusal(repos, args.get("repo"))

    return check


def _search_refusal(repos: Sequence[str], query: Any, repo: str) -> str | None:
    if not isinstance(query, str) or not query.strip():
        return "query must be a few words to look for"
    if any(token.lower().startswith(_SCOPE_QUALIFIERS) for token in query.split()):
        return "query must not name repositories, orgs or users (repo:, org:, user:); pass repo instead"
    return repo_refusal(repos, repo) if repo else None


def github_tools(client: Github, repos: Sequence[str]) -> ToolSet:
    """Code search and file reads limited to ``repos`` (``OWNER/REPO``)."""
    tools = [_search_tool(client, repos), _read_tool(client, repos)]
    return ToolSet(tools, checks={item.tool_name: github_check(repos) for item in tools}, label=SYSTEM.label)


def _search_tool(client: Github, repos: Sequence[str]) -> Any:
    readable = ", ".join(repos)

    @tool
    def github_search_code(query: str, repo: str = "") -> Any:
        """Search the platform's source code on GitHub, to see how the platform behaves.

        Use it to find where an error message is raised, where a field such as started_at is written, or
        which setting controls a retry. Returns up to 20 files as "OWNER/REPO path" with the matching lines.
        GitHub code search covers the default branch only and matches whole words; an empty result means no
        file there contains all the words: try fewer or other words (the distinctive part of an error
        message), or read a file directly.

        Args:
            query: Words or a quoted phrase, optionally with qualifiers such as path:src/ extension:py
                language:go filename:worker.py. Do not add repo:, org: or user:; use ``repo``.
            repo: One repository as OWNER/REPO to search; empty searches all readable repositories.
        """
        reason = _search_refusal(repos, query, repo)
        if reason:
            return error_result(f"Denied: {reason}. Nothing was searched.")
        scope = " ".join(f"repo:{name}" for name in ([repo] if repo else repos))
        try:
            results = client.search_code(f"{query} {scope}", highlight=True)
            hits: list[Any] = list(islice(results, SEARCH_RESULTS))  # one request: the first page
            total = results.totalCount if hits else 0
        except (GithubException, http_errors.RequestException) as exc:
            return error_result(failure_text("github_search_code", exc))
        if not hits:
            return (
                f"No code matched {query!r} in {repo or readable} (default branch). Try fewer or other words, "
                "or read a file with github_read_file."
            )
        lines = [f"{total} files match {query!r}; showing {len(hits)}:"]
        found = []
        for hit in hits:
            lines.append(f"{hit.repository.full_name} {hit.path}")
            lines += [f"    {fragment}" for fragment in _fragments(hit)]
            found.append({"repo": hit.repository.full_name, "path": hit.path, "fragments": _fragments(hit)})
        return success("\n".join(lines), {"total": total, "hits": found})

    return github_search_code


def _read_tool(client: Github, repos: Sequence[str]) -> Any:
    @tool
    def github_read_file(repo: str, path: str, ref: str = "") -> Any:
        """Read one file (or list one folder) of a platform repository at a branch, tag or commit.

        Use this after github_search_code, or when a runbook, a stack trace or a log line names a source file.
        Files come back with line numbers; a folder comes back as its entries. Long files are cut: read the
        part you need by searching first. A not-found result means the path does not exist at that ref.

        Args:
            repo: OWNER/REPO, one of the readable repositories.
            path: File or folder path inside the repository, e.g. "runner/tasks.py" (no leading slash).
            ref: Branch, tag or commit SHA; empty means the default branch.
        """
        reason = repo_refusal(repos, repo)
        if reason:
            return error_result(f"Denied: {reason}. Nothing was read.")
        path = path.strip().strip("/")
        if ".." in path.split("/"):
            return error_result("github_read_file: path must not contain '..'.")
        try:
            return _read(client, repo, path, ref.strip())
        except (GithubException, http_errors.RequestException) as exc:
            return error_result(failure_text("github_read_file", exc, f"{repo}/{path}@{ref or 'default branch'}"))

    return github_read_file


def _fragments(hit: Any) -> list[str]:
    matches = getattr(hit, "_rawData", {}).get("text_matches") or []
    lines: list[str] = []
    for match in matches[:3]:
        lines += [line.strip() for line in str(match.get("fragment", "")).splitlines() if line.strip()][:3]
    return lines[:5]


def _read(client: Github, repo: str, path: str, ref: str) -> dict[str, Any]:
    repository = client.get_repo(repo)  # lazy: no request until the contents are read
    found: Any = repository.get_contents(path, ref=ref) if ref else repository.get_contents(path)
    where = f"{repo}/{path or '.'} @ {ref or 'default branch'}"
    if isinstance(found, list):
        entries = sorted(f"{item.path}{'/' if item.type == 'dir' else ''}" for item in found)
        listing = {"repo": repo, "path": path, "ref": ref, "entries": entries}
        return success("\n".join([f"{where}: folder with {len(entries)} entries", *entries]), listing)
    data = found.decoded_content if found.encoding == "base64" else base64.b64decode(
        repository.get_git_blob(found.sha).content  # over 1 MB the contents API leaves the content out
    )
    meta = {"repo": repo, "path": path, "ref": ref, "sha": found.sha, "size": len(data)}
    if b"\0" in data[:8000]:
        return success(f"{where}: binary file, {len(data):,} bytes (not shown)", {**meta, "binary": True})
    content = data.decode("utf-8", errors="replace")
    text = content.splitlines()
    width = len(str(len(text)))
    numbered = [f"{number:>{width}}│ {line}" for number, line in enumerate(text, start=1)]
    body = "\n".join([f"{where} (blob {found.sha[:12]}, {len(text)} lines)", *numbered])
    return success(body, {**meta, "text": content, "lines": len(text)})


def failure_text(tool_name: str, exc: Exception, what: str = "") -> str:
    """A short, actionable description of a GitHub failure: not found, denied, throttled, timed out, invalid."""
    subject = f" {what}" if what else ""
    if isinstance(exc, UnknownObjectException):
        return f"{tool_name}: not found{subject}; check the path and the ref (branch, tag or SHA)"
    if isinstance(exc, BadCredentialsException):
        return f"{tool_name}: denied: GitHub did not accept the bot's token"
    if isinstance(exc, RateLimitExceededException):
        return f"{tool_name}: throttled by GitHub's rate limit; wait, then retry once"
    if isinstance(exc, GithubException):
        message = exc.data.get("message", "") if isinstance(exc.data, dict) else str(exc.data)
        kind = {403: "denied", 404: "not found", 422: "invalid query"}.get(exc.status, "failed")
        return f"{tool_name}: {kind}{subject} ({exc.status}): {message}"
    if isinstance(exc, http_errors.Timeout):
        return f"{tool_name}: timed out; retry once"
    return f"{tool_name}: could not reach GitHub ({type(exc).__name__}); retry later"
