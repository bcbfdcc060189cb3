"""Build the slow parts of the worker (the tools' clients, the jobs API's MCP server) while it answers Slack.

At a cold start the worker posts its progress message first: it needs Slack, the store and the catalog for that,
not the tools. ``Prepared`` starts the tools' build in a thread as the worker is composed; the investigation
waits for it when it first needs a tool. A build that fails fails every investigation that needs it, with the
build's own error (a bad setting, a missing secret): the thread is told, as for any failed investigation.
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
        self._future: Future[T] = Future()
        self._name = name
        threading.Thread(target=self._run, args=(build,), name=f"prepare-{name}", daemon=True).start()

    def _run(self, build: Callable[[], T]) -> None:
        try:
            self._future.set_result(build())
        except BaseException as exc:  # handed to whoever waits: nothing is lost in the thread
            logger.warning("building %s failed: %s: %s", self._name, type(exc).__name__, exc)
            self._future.set_exception(exc)

    def get(self) -> T:
        """The built value, waiting for the build to finish.

        Raises:
            Exception: What the build raised, every time it is asked for.
        """
        return self._future.result()
