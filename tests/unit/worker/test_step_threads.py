"""Steps that block get a thread each, up to a bound; the threads serve the next steps; a timeout holds nothing up."""

from __future__ import annotations

import asyncio
import threading
import time

from app.worker.threads import MAX_STEP_THREADS, run_steps


def _blocking_names(calls: int, seconds: float = 0.2) -> set[str]:
    """The threads ``calls`` parallel blocking calls of ``seconds`` each ran on."""
    names: set[str] = set()
    lock = threading.Lock()

    def blocking() -> None:
        with lock:
            names.add(threading.current_thread().name)
        time.sleep(seconds)

    async def main() -> None:
        await asyncio.gather(*(asyncio.to_thread(blocking) for _ in range(calls)))

    run_steps(main())
    return names


def test_blocking_steps_run_at_once_beyond_asyncio_default_pool() -> None:
    names = _blocking_names(24)

    assert len(names) == 24  # asyncio's default pool would reuse its six threads (two cores)
    assert all(name.startswith("step") for name in names)


def test_steps_beyond_the_bound_wait_for_a_thread() -> None:
    started = time.perf_counter()
    names = _blocking_names(MAX_STEP_THREADS + 10, seconds=0.5)

    assert len(names) == MAX_STEP_THREADS
    assert time.perf_counter() - started >= 1.0  # the last ten ran once a thread was free


def test_the_next_steps_reuse_the_threads_of_the_last() -> None:
    _blocking_names(8, seconds=0.05)
    time.sleep(0.05)  # the threads are idle again, as between two investigations
    alive = {thread.name for thread in threading.enumerate() if thread.name.startswith("step")}

    second = _blocking_names(8, seconds=0.05)

    assert len(second) == 8
    assert second <= alive  # no thread was started for them


def test_a_timed_out_step_does_not_hold_up_the_results() -> None:
    async def main() -> str:
        try:
            await asyncio.wait_for(asyncio.to_thread(time.sleep, 3), 0.2)
        except TimeoutError:
            return "timed out"
        return "answered"

    started = time.perf_counter()
    outcome = run_steps(main())

    assert outcome == "timed out"
    assert time.perf_counter() - started < 2.0  # returned at the timeout, not when the blocked call ended (3 s)


def test_the_result_of_the_coroutine_is_returned() -> None:
    async def main() -> str:
        return await asyncio.to_thread(lambda: "done")

    assert run_steps(main()) == "done"
