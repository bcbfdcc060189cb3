"""Threads for the blocking tools an investigation's steps call at the same time.

Synchronous tools (Cloud Logging, AWS, GitHub) run in the event loop's default executor. asyncio's own default
has ``min(32, CPUs + 4)`` threads — six on two cores — so a runbook with more steps than that would wait in line.
Steps run here share one pool per process instead: a set of steps starts a thread for each blocking call it makes
at once, up to :data:`MAX_STEP_THREADS`, and the next set reuses them (starting dozens of threads per
investigation costs more than the calls' own work). A step that timed out no longer holds up the results: its
thread finishes its call (within the client's own timeout) after the steps' results are returned.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from tools.connections import MAX_PARALLEL_CALLS

MAX_STEP_THREADS = MAX_PARALLEL_CALLS
"""Bound on the threads steps get: beyond it, steps queue rather than open more connections."""

T = TypeVar("T")

_pool: _KeptPool | None = None
_pool_lock = threading.Lock()


class _KeptPool(ThreadPoolExecutor):
    """A pool that outlives the event loops using it as their default executor (a closing loop shuts that down)."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Keep the threads for the next set of steps; the pool ends with the process."""


def step_pool() -> ThreadPoolExecutor:
    """The process's pool for blocking steps, started on first use: threads come as calls need them, up to the bound."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = _KeptPool(max_workers=MAX_STEP_THREADS, thread_name_prefix="step")
        return _pool


def run_steps(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` in a new event loop whose blocking calls run in :func:`step_pool`; returns its result.

    The loop is closed afterwards without waiting for the pool (as ``asyncio.run`` would, on a thread of its own):
    tasks still pending are cancelled first.
    """
    loop = asyncio.new_event_loop()
    loop.set_default_executor(step_pool())
    try:
        return loop.run_until_complete(main)
    finally:
        try:
            _cancel_pending(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
