"""Threads for the blocking tools an investigation's steps call at the same time.

Synchronous tools (Cloud Logging, AWS, GitHub) run in the event loop's default executor. asyncio's own default
has ``min(32, CPUs + 4)`` threads — six on two cores — so a runbook with more steps than that waits in line. Steps
run here get one thread each, up to :data:`MAX_STEP_THREADS`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

MAX_STEP_THREADS = 64
"""Bound on the threads one set of steps gets: beyond it, steps queue rather than open more connections."""

T = TypeVar("T")


def step_threads(steps: int) -> int:
    """How many threads ``steps`` parallel steps get: one each, at least one, at most :data:`MAX_STEP_THREADS`."""
    return max(1, min(steps, MAX_STEP_THREADS))


def run_steps(main: Coroutine[Any, Any, T], steps: int) -> T:
    """Run ``main`` in a new event loop whose blocking calls get :func:`step_threads` threads; returns its result."""
    with (
        ThreadPoolExecutor(max_workers=step_threads(steps), thread_name_prefix="step") as pool,
        asyncio.Runner() as runner,
    ):
        runner.get_loop().set_default_executor(pool)
        return runner.run(main)
