"""A local fake of the GitHub REST API, enough for PyGithub to read repositories.

It serves repositories held in memory, each a line of commits on named branches, with git-style blob SHAs:
``/repos/{o}/{r}``, ``/commits/{ref}``, ``/git/ref(s)/…``, ``/git/trees/{sha}?recursive=1``, ``/git/blobs/{sha}``,
``/contents/{path}?ref=`` (files over 1 MB come back without content, as on GitHub) and ``/search/code``.
Every GET carries an ``ETag`` and answers ``304`` to a matching ``If-None-Match``. Paths may be prefixed with
``/api/v3``, as on GitHub Enterprise. Point ``github.Github(base_url=fake.url)`` at it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.fakes.http import HTTPRequest, HTTPResponse, LocalHTTPFake

CONTENTS_MAX_BYTES = 1024 * 1024
_ENTERPRISE_PREFIX = "/api/v3"
_REPO_PATH = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)(?P<rest>/.*)?$")
_FIXED_DATE = "2026-01-01T00:00:00Z"


def blob_sha(content: bytes) -> str:
    """The git object id of a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class FakeCommit:
    """One commit: the whole tree of files at that point."""

    sha: str
    tree_sha: str
    message: str
    parent: str | None
    files: dict[str, bytes]


@dataclass
class FakeRepo:
    """A repository: commits by SHA and branches pointing at them."""

    full_name: str
    default_branch: str = "main"
    commits: dict[str, FakeCommit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)

    def resolve(self, ref: str) -> FakeCommit | None:
        """The commit a branch name, full SHA or SHA prefix (7+ characters) names."""
        for name in (ref, ref.removeprefix("refs/heads/"), ref.removeprefix("heads/")):
            if name in self.branches:
                return self.commits[self.branches[name]]
        if len(ref) >= 7:
            return next((c for sha, c in self.commits.items() if sha.startswith(ref)), None)
        return None


class FakeGitHub(LocalHTTPFake):
    """GitHub REST API over HTTP on 127.0.0.1.

    Attributes:
        token: The token requests must carry (``Authorization: token …`` or ``Bearer …``); ``None`` accepts any.
        repos: Repositories by ``owner/name``.
    """

    name = "fake-github"

    def __init__(self, *, token: str | None = "ghp-test-token", latency: float = 0.0) -> None:  # noqa: S107
        super().__init__(latency=latency)
        self.token = token
        self.repos: dict[str, FakeRepo] = {}
        self._request_base = threading.local()

    # seeding

    def push(self, full_name: str, files: Mapping[str, str | bytes], *, branch: str = "main", message: str = "") -> str:
        """Commit ``files`` (the whole tree) to ``branch`` of ``full_name``, creating the repository if needed.

        Returns:
            The new commit's SHA.
        """
        repo = self.repos.setdefault(full_name, FakeRepo(full_name, default_branch=branch))
        blobs = {
            path.strip("/"): (data.encode("utf-8") if isinstance(data, str) else data) for path, data in files.items()
        }
        tree_sha = _digest({path: blob_sha(data) for path, data in blobs.items()})
        parent = repo.branches.get(branch)
        sha = _digest({"tree": tree_sha, "parent": parent or "", "message": message, "n": str(len(repo.commits))})
        repo.commits[sha] = FakeCommit(sha, tree_sha, message or f"commit {len(repo.commits) + 1}", parent, blobs)
        repo.branches[branch] = sha
        return sha

    def push_dir(self, root: Path) -> None:
        """Seed from a folder laid out as ``OWNER/REPO/<files>`` (the scenario ``github/`` folder)."""
        for repo_dir in sorted(p for p in root.glob("*/*") if p.is_dir()):
            files = {str(f.relative_to(repo_dir)): f.read_bytes() for f in sorted(repo_dir.rglob("*")) if f.is_file()}
            self.push(f"{repo_dir.parent.name}/{repo_dir.name}", files, message=f"seed {repo_dir.name}")

    # HTTP

    def handle(self, request: HTTPRequest) -> HTTPResponse:
        """Route one REST request."""
        if self.token is not None and _token(request) != self.token:
            return _error(401, "Bad credentials")
        if request.method not in ("GET", "HEAD"):
            return _error(405, "This fake GitHub API is read-only")
        path = request.path.removeprefix(_ENTERPRISE_PREFIX)
        enterprise = path != request.path
        self._request_base.value = super().url + (_ENTERPRISE_PREFIX if enterprise else "")
        if path == "/search/code":
            response = self._search_code(request)
        elif match := _REPO_PATH.match(path):
            response = self._repo_route(request, match["owner"] + "/" + match["name"], match["rest"] or "")
        elif path == "/rate_limit":
            response = HTTPResponse.json({"resources": {"core": {"limit": 5000, "remaining": 5000, "reset": 0}}})
        else:
            response = _error(404, "Not Found")
        return _with_etag(request, response)

    @property
    def url(self) -> str:
        """Base URL of the API: as the current request addressed it (with ``/api/v3`` or not) while serving."""
        return getattr(self._request_base, "value", None) or super().url

    def _repo_route(self, request: HTTPRequest, full_name: str, rest: str) -> HTTPResponse:
        repo = self.repos.get(full_name)
        if repo is None:
            return _error(404, "Not Found")
        kind, _, arg = rest.lstrip("/").partition("/")
        routes = {
            "": lambda: HTTPResponse.json(self._repo_json(repo)),
            "commits": lambda: self._commit(repo, arg),
            "git": lambda: self._git(request, repo, arg),
            "contents": lambda: self._contents(request, repo, arg),
            "branches": lambda: self._branch(repo, arg),
        }
        route = routes.get(kind)
        return route() if route else _error(404, "Not Found")

    def _repo_json(self, repo: FakeRepo) -> dict[str, Any]:
        owner, name = repo.full_name.split("/")
        return {
            "id": int(_digest({"r": repo.full_name})[:6], 16),
            "name": name,
            "full_name": repo.full_name,
            "owner": {"login": owner, "id": 1, "type": "Organization"},
            "private": True,
            "default_branch": repo.default_branch,
            "url": f"{self.url}/repos/{repo.full_name}",
            "html_url": f"https://github.example/{repo.full_name}",
        }

    def _commit_json(self, repo: FakeRepo, commit: FakeCommit) -> dict[str, Any]:
        base = f"{self.url}/repos/{repo.full_name}"
        person = {"name": "runbook-bot", "email": "bot@example.com", "date": _FIXED_DATE}
        return {
            "sha": commit.sha,
            "url": f"{base}/commits/{commit.sha}",
            "html_url": f"https://github.example/{repo.full_name}/commit/{commit.sha}",
            "commit": {
                "message": commit.message,
                "tree": {"sha": commit.tree_sha, "url": f"{base}/git/trees/{commit.tree_sha}"},
                "author": person,
                "committer": person,
            },
            "parents": [{"sha": commit.parent, "url": f"{base}/commits/{commit.parent}"}] if commit.parent else [],
            "files": [],
        }

    def _commit(self, repo: FakeRepo, ref: str) -> HTTPResponse:
        commit = repo.resolve(ref)
        if commit is None:
            return _error(422, f"No commit found for SHA: {ref}")
        return HTTPResponse.json(self._commit_json(repo, commit))

    def _branch(self, repo: FakeRepo, name: str) -> HTTPResponse:
        if name not in repo.branches:
            return _error(404, "Branch not found")
        commit = repo.commits[repo.branches[name]]
        return HTTPResponse.json({"name": name, "commit": self._commit_json(repo, commit), "protected": False})

    def _git(self, request: HTTPRequest, repo: FakeRepo, rest: str) -> HTTPResponse:
        kind, _, arg = rest.partition("/")
        if kind in ("ref", "refs"):
            commit = repo.resolve(arg)
            if commit is None:
                return _error(404, "Not Found")
            ref = "refs/" + (arg if arg.startswith("heads/") else f"heads/{arg}")
            return HTTPResponse.json({"ref": ref, "object": {"sha": commit.sha, "type": "commit"}})
        if kind == "trees":
            return self._tree(request, repo, arg)
        if kind == "blobs":
            return self._blob(repo, arg)
        return _error(404, "Not Found")

    def _tree(self, request: HTTPRequest, repo: FakeRepo, sha: str) -> HTTPResponse:
        commit = next((c for c in repo.commits.values() if sha in (c.tree_sha, c.sha)), None) or repo.resolve(sha)
        if commit is None:
            return _error(404, "Not Found")
        recursive = request.param("recursive") not in (None, "", "0", "false")
        entries: dict[str, dict[str, Any]] = {}
        for path, data in sorted(commit.files.items()):
            parts = path.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                entries.setdefault(
                    folder, {"path": folder, "mode": "040000", "type": "tree", "sha": _digest({"d": folder})}
                )
            entries[path] = {"path": path, "mode": "100644", "type": "blob", "sha": blob_sha(data), "size": len(data)}
        items = [e for e in entries.values() if recursive or "/" not in e["path"]]
        base = f"{self.url}/repos/{repo.full_name}/git"
        for item in items:
            item["url"] = f"{base}/{'blobs' if item['type'] == 'blob' else 'trees'}/{item['sha']}"
        return HTTPResponse.json(
            {"sha": commit.tree_sha, "url": f"{base}/trees/{commit.tree_sha}", "tree": items, "truncated": False}
        )

    def _blob(self, repo: FakeRepo, sha: str) -> HTTPResponse:
        for commit in repo.commits.values():
            for data in commit.files.values():
                if blob_sha(data) == sha:
                    content = base64.b64encode(data).decode("ascii")
                    url = f"{self.url}/repos/{repo.full_name}/git/blobs/{sha}"
                    return HTTPResponse.json(
                        {"sha": sha, "size": len(data), "url": url, "content": content, "encoding": "base64"}
                    )
        return _error(404, "Not Found")

    def _contents(self, request: HTTPRequest, repo: FakeRepo, path: str) -> HTTPResponse:
        commit = repo.resolve(request.param("ref") or repo.default_branch)
        if commit is None:
            return _error(404, f"No commit found for the ref {request.param('ref')}")
        path = path.strip("/")
        if path in commit.files:
            return HTTPResponse.json(self._content_json(repo, commit, path, with_content=True))
        prefix = f"{path}/" if path else ""
        names = sorted({prefix + p[len(prefix) :].split("/")[0] for p in commit.files if p.startswith(prefix)})
        if not names:
            return _error(404, "Not Found")
        return HTTPResponse.json([self._content_json(repo, commit, name, with_content=False) for name in names])

    def _content_json(self, repo: FakeRepo, commit: FakeCommit, path: str, *, with_content: bool) -> dict[str, Any]:
        base = f"{self.url}/repos/{repo.full_name}"
        html = f"https://github.example/{repo.full_name}/blob/{commit.sha}/{path}"
        entry: dict[str, Any] = {"name": path.rsplit("/", 1)[-1], "path": path, "html_url": html}
        if path not in commit.files:
            return entry | {"type": "dir", "sha": _digest({"d": path}), "size": 0, "url": f"{base}/contents/{path}"}
        data = commit.files[path]
        entry |= {
            "type": "file",
            "sha": blob_sha(data),
            "size": len(data),
            "url": f"{base}/contents/{path}?ref={commit.sha}",
        }
        entry["git_url"] = f"{base}/git/blobs/{blob_sha(data)}"
        entry["download_url"] = f"{self.url}/raw/{repo.full_name}/{commit.sha}/{path}"
        if with_content and len(data) <= CONTENTS_MAX_BYTES:
            entry |= {"encoding": "base64", "content": base64.encodebytes(data).decode("ascii")}
        elif with_content:
            entry |= {"encoding": "none", "content": ""}
        return entry

    def _search_code(self, request: HTTPRequest) -> HTTPResponse:
        terms, qualifiers = _parse_query(request.param("q") or "")
        if not terms and not qualifiers:
            return _error(422, "Validation Failed: the search query is empty")
        hits: list[dict[str, Any]] = []
        for repo in sorted(self.repos.values(), key=lambda r: r.full_name):
            if "repo" in qualifiers and repo.full_name.lower() not in qualifiers["repo"]:
                continue
            commit = repo.commits[repo.branches[repo.default_branch]]
            hits.extend(
                self._search_hit(repo, commit, path, terms)
                for path in sorted(commit.files)
                if _matches(path, commit.files[path], terms, qualifiers)
            )
        page, per_page = int(request.param("page") or 1), min(int(request.param("per_page") or 30), 100)
        items = hits[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(hits):
            headers["Link"] = f'<{self.url}/search/code?q={request.param("q")}&page={page + 1}>; rel="next"'
        return HTTPResponse.json(
            {"total_count": len(hits), "incomplete_results": False, "items": items}, headers=headers
        )

    def _search_hit(self, repo: FakeRepo, commit: FakeCommit, path: str, terms: list[str]) -> dict[str, Any]:
        item = self._content_json(repo, commit, path, with_content=False)
        text = commit.files[path].decode("utf-8", errors="replace")
        lines = [line for line in text.splitlines() if any(t in line.lower() for t in terms)][:3]
        item["repository"] = self._repo_json(repo)
        item["score"] = 1.0
        item["text_matches"] = [{"fragment": line, "property": "content", "matches": []} for line in lines]
        return item


def _parse_query(query: str) -> tuple[list[str], dict[str, set[str]]]:
    terms: list[str] = []
    qualifiers: dict[str, set[str]] = {}
    for token in re.findall(r'"[^"]*"|\S+', query):
        key, sep, value = token.partition(":")
        if sep and key in ("repo", "path", "extension", "filename", "language", "in", "org", "user"):
            qualifiers.setdefault(key, set()).add(value.strip('"').lower())
        else:
            terms.append(token.strip('"').lower())
    return terms, qualifiers


def _matches(path: str, data: bytes, terms: list[str], qualifiers: dict[str, set[str]]) -> bool:
    lower = path.lower()
    if "path" in qualifiers and not any(lower.startswith(p.strip("/")) for p in qualifiers["path"]):
        return False
    if "extension" in qualifiers and lower.rsplit(".", 1)[-1] not in qualifiers["extension"]:
        return False
    if "filename" in qualifiers and lower.rsplit("/", 1)[-1] not in qualifiers["filename"]:
        return False
    text = data.decode("utf-8", errors="replace").lower()
    return all(term in text for term in terms)


def _token(request: HTTPRequest) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value if scheme.lower() in ("token", "bearer") else None


def _error(status: int, message: str) -> HTTPResponse:
    return HTTPResponse.json({"message": message, "documentation_url": "https://docs.github.com/rest"}, status)


def _with_etag(request: HTTPRequest, response: HTTPResponse) -> HTTPResponse:
    if response.status != 200:
        return response
    etag = '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
    if request.headers.get("if-none-match") == etag:
        return HTTPResponse(304, b"", {"ETag": etag})
    response.headers["ETag"] = etag
    return response


def _digest(parts: dict[str, str]) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode("utf-8"), usedforsecurity=False).hexdigest()
