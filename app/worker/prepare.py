"""Build the slow parts of the worker (the tools' clients, the jobs API's MCP server) while it answers Slack.

At a cold start the worker posts its progress message first: it needs Slack, the store and the catalog for that,
not the tools. ``Prepared`` starts the tools' build in a thread as the worker is composed; the investigation
waits for it when it first needs a tool. A build that fails fails the investigation waiting for it, with the
build's own error (a bad setting, a missing secret), which the thread is shown; the next investigation starts
a new build, since Lambda may have frozen the first one in the middle of a call to a secret store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")

logger = logging.getLogger(__name__)


class Prepared(Generic[T]):
    """What ``build()`` returns, built once in a daemon thread started here; :meth:`get` waits for it."""

    def __init__(self, build: Callable[[], T], name: str) -> None:
        self._build = build
        self._name = name
        self._lock = threading.Lock()
        self._future = self._start()

    def _start(self) -> Future[T]:
        future: Future[T] = Future()
        threading.Thread(target=self._run, args=(future,), name=f"prepare-{self._name}", daemon=True).start()
        return future

    def _run(self, future: Future[T]) -> None:
        try:
            future.set_result(self._build())
        except BaseException as exc:  # handed to whoever waits: nothing is lost in the thread
            logger.warning("building %s failed: %s: %s", self._name, type(exc).__name__, exc)
            future.set_exception(exc)

    def get(self) -> T:
        """The built value, waiting for the build to finish.

        Raises:
            Exception: What the build raised; the next call waits for a new build.
        """
        with self._lock:
            future = self._future
        try:
            return future.result()
        except Exception:
            with self._lock:
                if self._future is future:
                    self._future = self._start()
            raise
