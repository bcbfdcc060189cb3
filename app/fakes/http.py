"""A small threaded HTTP server on 127.0.0.1 that the local fakes of external APIs are built on.

A fake subclasses :class:`LocalHTTPFake` and implements :meth:`LocalHTTPFake.handle`, which receives one parsed
:class:`HTTPRequest` and returns an :class:`HTTPResponse`. The base records every request, can be switched
``down`` (every request then answers 503, as a failing backend would) and adds a fixed ``latency``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class HTTPRequest:
    """One request as the fake received it.

    Attributes:
        method: HTTP method, upper case.
        path: URL path without the query string.
        query: Query parameters; each name maps to all its values.
        headers: Request headers with lower-case names.
        body: The raw request body.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The body decoded as JSON (``None`` when empty)."""
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass
class HTTPResponse:
    """What the fake answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> HTTPResponse:
        """A JSON response."""
        data = json.dumps(payload).encode("utf-8")
        return cls(status, data, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: LocalHTTPFake

    def process_request(self, request: Any, client_address: Any) -> None:
        """Count the connection, then serve it on a thread of its own."""
        self.fake._connected()
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore a client that hung up before the answer (one that timed out); report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, each keep-alive
    # request waits ~40 ms for the client's delayed ACK, which swamps any timing measured against a fake

    def log_message(self, format: str, *args: Any) -> None:
        """Silence request logging."""

    def do_GET(self) -> None:
        """Serve a GET request."""
        self._serve()

    def do_HEAD(self) -> None:
        """Serve a HEAD request."""
        self._serve()

    def do_POST(self) -> None:
        """Serve a POST request."""
        self._serve()

    def do_PUT(self) -> None:
        """Serve a PUT request."""
        self._serve()

    def do_PATCH(self) -> None:
        """Serve a PATCH request."""
        self._serve()

    def do_DELETE(self) -> None:
        """Serve a DELETE request."""
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        parts = urlsplit(self.path)
        request = HTTPRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        response = cast(_Server, self.server).fake._respond(request)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


class LocalHTTPFake:
    """Base of the local HTTP fakes: lifecycle, request log, outage switch and added latency.

    Attributes:
        requests: Every request received, in order.
        connections: How many connections clients opened (a client that keeps its connections opens few).
        down: When true, every request answers 503 without reaching :meth:`handle`.
        latency: Seconds to wait before answering each request.
    """

    name = "fake-http"

    def __init__(self, *, latency: float = 0.0) -> None:
        self.requests: list[HTTPRequest] = []
        self.connections = 0
        self.down = False
        self.latency = latency
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def handle(self, request: HTTPRequest) -> HTTPResponse:
        """Answer one request; subclasses implement the API."""
        raise NotImplementedError

    def start(self) -> Self:
        """Start serving in a daemon thread; returns this fake."""
        if self._server is None:
            self._server = _Server(("127.0.0.1", 0), _Handler)
            self._server.fake = self
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.05,), name=self.name, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL of the running fake, without a trailing slash."""
        if self._server is None:
            raise RuntimeError(f"{self.name} is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _connected(self) -> None:
        with self._lock:
            self.connections += 1

    def _respond(self, request: HTTPRequest) -> HTTPResponse:
        with self._lock:
            self.requests.append(request)
        if self.latency:
            time.sleep(self.latency)
        if self.down:
            return HTTPResponse.json({"message": "service unavailable"}, status=503)
        try:
            return self.handle(request)
        except Exception as exc:  # a bug in a fake must show up as a 500, not a hung client
            return HTTPResponse.json({"message": f"fake error: {exc}"}, status=500)
