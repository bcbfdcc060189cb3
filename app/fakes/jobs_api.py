"""A local fake of the platform's jobs API (``jobs_openapi.yaml``), answering from canned routes.

Routes use the scenario format of ``api.yaml``: a list of ``{method, path, status, body}`` (``status`` defaults to
200, ``body`` to null, and an optional ``headers`` mapping is sent as is, e.g. ``Retry-After`` for a 429). A path
may carry a query string (``/v1/jobs?status=failed``): that route then answers only requests having those query
parameters, and is preferred over the same path without one; among equals the later route wins. Every request
must carry ``Authorization: Bearer TOKEN``; unknown paths answer 404 with a JSON message, as the real API does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.client import responses as _REASONS
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from app.fakes.http import HTTPRequest, HTTPResponse, LocalHTTPFake

SAMPLE_SPEC = Path(__file__).with_name("jobs_openapi.yaml")
DEFAULT_TOKEN = "jobs-api-test-token"  # noqa: S105 - the fake's own default, not a credential
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


class RouteError(ValueError):
    """A route of the fake is malformed."""


@dataclass(frozen=True)
class Route:
    """One canned answer: ``method path[?query]`` → ``status`` with a JSON ``body``."""

    method: str
    path: str
    status: int = 200
    body: Any = None
    query: tuple[tuple[str, str], ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    after: str = ""
    """``METHOD /path``: the route answers only once such a request was made (a job's state after a retry)."""

    @classmethod
    def parse(cls, entry: Any, where: str = "route") -> Route:
        """A route from one ``api.yaml`` entry.

        Raises:
            RouteError: The entry lacks a method or a path, or has a bad status or headers.
        """
        if not isinstance(entry, dict):
            raise RouteError(f"{where}: expected a mapping with method, path, status, body; got {entry!r:.80}")
        method = str(entry.get("method") or "").upper()
        if method not in _METHODS:
            raise RouteError(f"{where}: method must be one of {', '.join(sorted(_METHODS))}, got {method!r}")
        target = entry.get("path")
        if not isinstance(target, str) or not target.startswith("/"):
            raise RouteError(f"{where}: path must be a string starting with '/', got {target!r}")
        status = entry.get("status", 200)
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            raise RouteError(f"{where}: status must be an HTTP status code, got {status!r}")
        headers = entry.get("headers") or {}
        if not isinstance(headers, dict):
            raise RouteError(f"{where}: headers must be a mapping, got {headers!r:.80}")
        parts = urlsplit(target)
        query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
        extra = {str(name): str(value) for name, value in headers.items()}
        after = str(entry.get("after") or "")
        if after and not re.fullmatch(r"[A-Z]+ /\S*", after):
            raise RouteError(f"{where}: after must read 'METHOD /path', got {after!r}")
        return cls(method, parts.path, status, entry.get("body"), query, extra, after)

    def matches(self, request: HTTPRequest) -> bool:
        """Whether this route answers the request (same method and path, and its query parameters present)."""
        if request.method != self.method or request.path.rstrip("/") != self.path.rstrip("/"):
            return False
        return all(value in request.query.get(name, []) for name, value in self.query)


class FakeJobsAPI(LocalHTTPFake):
    """The jobs API on 127.0.0.1, answering from routes; point ``httpx`` (or the MCP tools) at :attr:`url`.

    Attributes:
        routes: The canned answers; :meth:`add` appends more.
        token: The bearer token every request must carry (or the API key, with ``api_key_header``).
        api_key_header: The header that carries the API key instead of ``Authorization: Bearer``.
    """

    name = "fake-jobs-api"

    def __init__(
        self,
        routes: Iterable[Route | dict[str, Any]] | None = None,
        *,
        token: str = DEFAULT_TOKEN,
        latency: float = 0.0,
        api_key_header: str = "",
    ) -> None:
        super().__init__(latency=latency)
        self.routes = _parse_routes(routes if routes is not None else [], "routes")
        self.token = token
        self.api_key_header = api_key_header.lower()

    @classmethod
    def from_file(cls, path: str | Path, *, token: str = DEFAULT_TOKEN) -> FakeJobsAPI:
        """A fake answering the routes of an ``api.yaml`` file (an empty file means no routes).

        Raises:
            RouteError: The file cannot be read, is not YAML, or holds a malformed route.
        """
        try:
            entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise RouteError(f"cannot read {path}: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise RouteError(f"{path} is not valid YAML: {exc}") from exc
        return cls(_parse_routes(entries if entries is not None else [], str(path)), token=token)

    def add(
        self, method: str, path: str, body: Any = None, status: int = 200, headers: dict[str, str] | None = None
    ) -> Route:
        """Add one route (same rules as an ``api.yaml`` entry; it wins over an equal earlier one) and return it."""
        entry = {"method": method, "path": path, "status": status, "body": body, "headers": headers or {}}
        route = Route.parse(entry)
        self.routes.append(route)
        return route

    def handle(self, request: HTTPRequest) -> HTTPResponse:
        """Check the bearer token, then answer from the most specific matching route, or 404."""
        if self.api_key_header and request.headers.get(self.api_key_header) != self.token:
            return HTTPResponse.json({"message": f"missing or invalid {self.api_key_header}"}, status=401)
        if not self.api_key_header and request.headers.get("authorization") != f"Bearer {self.token}":
            return HTTPResponse.json({"message": "missing or invalid bearer token"}, status=401)
        seen = {f"{item.method} {item.path.rstrip('/')}" for item in self.requests[:-1]}
        candidates = [route for route in self.routes
                      if route.matches(request) and (not route.after or route.after.rstrip("/") in seen)]
        if not candidates:
            return HTTPResponse.json({"message": f"not found: {request.method} {request.path}"}, status=404)
        route = max(reversed(candidates), key=lambda item: (bool(item.after), len(item.query)))  # most specific
        if route.status == 204:
            return HTTPResponse(204, b"", dict(route.headers))
        body = route.body
        if body is None and route.status >= 400:
            body = {"message": _REASONS.get(route.status, "error")}
        return HTTPResponse.json(body, status=route.status, headers=route.headers)


def _parse_routes(entries: Any, where: str) -> list[Route]:
    if isinstance(entries, dict | str | bytes) or not isinstance(entries, Iterable):
        raise RouteError(f"{where}: expected a list of routes, got {type(entries).__name__}")
    return [
        entry if isinstance(entry, Route) else Route.parse(entry, f"{where} entry {n}")
        for n, entry in enumerate(entries, 1)
    ]
