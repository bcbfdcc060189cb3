"""Steps that block get a thread each, up to a bound."""

from __future__ import annotations

import asyncio
import threading
import time

from app.worker.threads import MAX_STEP_THREADS, run_steps, step_threads


def test_thread_count_follows_the_steps_within_the_bound() -> None:
    assert [step_threads(count) for count in (0, 1, 24, MAX_STEP_THREADS, MAX_STEP_THREADS + 50)] == [
        1, 1, 24, MAX_STEP_THREADS, MAX_STEP_THREADS]


def test_blocking_steps_run_at_once_beyond_asyncio_default_pool() -> None:
    steps, names = 24, set()

    def blocking() -> None:
        names.add(threading.current_thread().name)
        time.sleep(0.2)

    async def main() -> None:
        await asyncio.gather(*(asyncio.to_thread(blocking) for _ in range(steps)))

    run_steps(main(), steps)

    assert len(names) == steps  # asyncio's default pool would reuse its six threads (two cores)
    assert all(name.startswith("step") for name in names)


def test_the_result_of_the_coroutine_is_returned() -> None:
    async def main() -> str:
        return await asyncio.to_thread(lambda: "done")

    assert run_steps(main(), 1) == "done"
