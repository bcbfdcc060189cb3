"""A local fake of the Cloud Logging API's ``entries.list``, with the token exchange federated credentials use.

Serves ``POST /v2/entries:list`` (filter, ``orderBy``, ``pageSize``/``pageToken``, ``resourceNames``) over
LogEntry dictionaries, and ``POST /v1/token`` (the workload identity federation token exchange). Every
``entries:list`` call must carry a bearer token: one the exchange issued, or a JWT signed by a service-account key
from :meth:`FakeCloudLogging.service_account_info`. Those keys name a private universe domain, so google-auth signs
its own JWTs and makes no call outside loopback (no OAuth token endpoint, no access-boundary lookup).
Entries come from a list or from a ``logs.jsonl`` scenario file (one LogEntry JSON object a line).
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from app.fakes.http import HTTPRequest, HTTPResponse, LocalHTTPFake
from app.fakes.logging_filter import FilterError, compile_filter, parse_timestamp

DEFAULT_PROJECT = "demo-project"
UNIVERSE = "aiops.localhost"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50


class FakeCloudLogging(LocalHTTPFake):
    """Cloud Logging ``entries.list`` over fixed entries.

    Attributes:
        entries: The LogEntry dictionaries served (``logName`` and ``resource`` filled in when missing).
        project: The project whose logs entries without a ``logName`` belong to.
        issued: Access tokens handed out by the token exchange.
    """

    name = "fake-cloud-logging"

    def __init__(self, entries: list[dict[str, Any]], *, project: str = DEFAULT_PROJECT, latency: float = 0.0):
        super().__init__(latency=latency)
        self.project = project
        self.entries = [_complete(entry, project, number) for number, entry in enumerate(entries, start=1)]
        self.issued: set[str] = set()
        self._keys: dict[str, Any] = {}

    @classmethod
    def from_file(cls, path: Path, **options: Any) -> FakeCloudLogging:
        """Entries from a ``logs.jsonl`` file; blank lines are skipped.

        Raises:
            ValueError: A line is not a JSON object with a valid ``timestamp``, naming the line.
        """
        entries = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON: {exc.msg}") from exc
            if not isinstance(entry, dict):
                raise ValueError(f"{path}:{number}: a LogEntry must be a JSON object")
            entries.append(entry)
        return cls(entries, **options)

    def service_account_info(self) -> dict[str, Any]:
        """A service-account key (a fresh RSA key) that this fake accepts; the fake must be running."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = secrets.token_hex(20)
        with self._lock:
            self._keys[key_id] = key.public_key()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")
        return {
            "type": "service_account",
            "project_id": self.project,
            "private_key_id": key_id,
            "private_key": pem,
            "client_email": f"aiops-reader@{self.project}.iam.gserviceaccount.com",
            "client_id": "100000000000000000001",
            "token_uri": f"{self.url}/token",  # never called: keys of a private universe sign their own JWTs
            "universe_domain": UNIVERSE,
        }

    def handle(self, request: HTTPRequest) -> HTTPResponse:
        """Route one request."""
        if request.method == "POST" and request.path == "/v1/token":
            return self._exchange(request)
        if request.method == "POST" and request.path == "/v2/entries:list":
            return self._list(request)
        return _error(404, "NOT_FOUND", f"no route {request.method} {request.path}")

    def authorized(self, request: HTTPRequest) -> bool:
        """Whether the request carries a token this fake issued or a JWT signed by one of its keys."""
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return False
        token = auth.removeprefix("Bearer ")
        if token in self.issued:
            return True
        import jwt

        try:
            key = self._keys.get(str(jwt.get_unverified_header(token).get("kid")))
            return key is not None and bool(jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False}))
        except jwt.PyJWTError:
            return False

    def _exchange(self, request: HTTPRequest) -> HTTPResponse:
        form = {key: values[0] for key, values in parse_qs(request.body.decode("utf-8")).items()}
        grant = "urn:ietf:params:oauth:grant-type:token-exchange"
        if form.get("grant_type") != grant or not form.get("subject_token") or not form.get("audience"):
            return HTTPResponse.json({"error": "invalid_request", "error_description": "bad token exchange"}, 400)
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        with self._lock:
            self.issued.add(token)
        return HTTPResponse.json(
            {
                "access_token": token,
                "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",  # noqa: S105 - a type name
                "token_type": "Bearer",
                "expires_in": 3600,
            }
        )

    def _list(self, request: HTTPRequest) -> HTTPResponse:
        if not self.authorized(request):
            return _error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        body = request.json() or {}
        projects = [name.removeprefix("projects/") for name in body.get("resourceNames", [])]
        unknown = [name for name in projects if name not in self._projects()]
        if not projects or unknown:
            return _error(404, "NOT_FOUND", f"resourceNames {body.get('resourceNames')!r} not found")
        try:
            matches = compile_filter(str(body.get("filter", "")))
        except FilterError as exc:
            return _error(400, "INVALID_ARGUMENT", f"Unparseable filter: {exc}")
        selected = [e for e in self.entries if _project_of(e) in projects and matches(e)]
        order = str(body.get("orderBy", "timestamp asc")).strip().lower()
        if order not in ("timestamp asc", "timestamp desc"):
            return _error(400, "INVALID_ARGUMENT", f"orderBy must be 'timestamp asc' or 'timestamp desc': {order!r}")
        selected.sort(key=lambda e: parse_timestamp(e["timestamp"]), reverse=order.endswith("desc"))
        return self._page(selected, body)

    def _page(self, selected: list[dict[str, Any]], body: dict[str, Any]) -> HTTPResponse:
        size = int(body.get("pageSize") or DEFAULT_PAGE_SIZE)
        if not 0 < size <= MAX_PAGE_SIZE:
            return _error(400, "INVALID_ARGUMENT", f"pageSize must be between 1 and {MAX_PAGE_SIZE}")
        try:
            start = int(base64.urlsafe_b64decode(str(body.get("pageToken") or "MA==")).decode("ascii"))
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "invalid pageToken")
        page: dict[str, Any] = {"entries": selected[start : start + size]}
        if start + size < len(selected):
            page["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode("ascii")).decode("ascii")
        return HTTPResponse.json(page)

    def _projects(self) -> set[str]:
        return {self.project, *(_project_of(entry) for entry in self.entries)}


def _complete(entry: dict[str, Any], project: str, number: int) -> dict[str, Any]:
    """The entry with the fields the API always returns; its timestamp is checked."""
    timestamp = entry.get("timestamp") or entry.get("receiveTimestamp")
    if not isinstance(timestamp, str):
        raise ValueError(f"log entry {number} has no timestamp")
    try:
        timestamp = parse_timestamp(timestamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # as the API does
    except FilterError as exc:
        raise ValueError(f"log entry {number}: {exc}") from exc
    return {
        "logName": f"projects/{project}/logs/app",
        "resource": {"type": "global", "labels": {}},
        "insertId": f"fake-{number:08d}",
        "severity": "DEFAULT",
        "receiveTimestamp": timestamp,
        **entry,
        "timestamp": timestamp,
    }


def _project_of(entry: dict[str, Any]) -> str:
    parts = str(entry["logName"]).split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "projects" else ""


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return HTTPResponse.json({"error": {"code": status, "message": message, "status": code}}, status=status)
