"""The progress message: keyed lines, at most one send per interval, nothing sent after stop (its lines:
tests/unit/slack/test_progress_lines.py)."""

from __future__ import annotations

import threading
import time

from app.worker.progress import Progress


class Recorder:
    """A send function that records what it sent and when; it can be made slow or failing."""

    def __init__(self, delay: float = 0.0, fail: Exception | None = None) -> None:
        self.sent: list[tuple[float, str]] = []
        self.attempts = 0
        self.delay = delay
        self.fail = fail
        self.started = threading.Event()

    def __call__(self, text: str) -> None:
        self.attempts += 1
        self.started.set()
        time.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        self.sent.append((time.monotonic(), text))


def wait_for(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


def test_first_change_is_sent_at_once_by_the_caller() -> None:
    send = Recorder()
    progress = Progress(send, "tri-1", interval=10)

    progress.show("runbook", "📖 runbook jobs-004")

    assert [text for _, text in send.sent] == [":mag: Investigating… (ref `tri-1`)\n📖 runbook jobs-004"]
    progress.stop()


def test_a_burst_of_changes_is_merged_into_one_update_per_interval() -> None:
    send = Recorder()
    progress = Progress(send, "tri-1", interval=0.3)
    started = time.monotonic()

    for step in range(40):
        progress.show(f"step:{step % 4}", f"… step {step % 4} at {step}")
        time.sleep(0.02)  # about 0.8 s of changes
    wait_for(lambda: send.sent and send.sent[-1][1].endswith("… step 3 at 39"))
    progress.stop()

    times = [at for at, _ in send.sent]
    assert 2 <= len(times) <= 1 + (times[-1] - started) / 0.3 + 0.01
    assert all(later - earlier >= 0.29 for earlier, later in zip(times, times[1:], strict=False))
    assert send.sent[-1][1].splitlines()[1:] == ["… step 0 at 36", "… step 1 at 37", "… step 2 at 38",
                                                 "… step 3 at 39"]


def test_a_line_is_replaced_in_place() -> None:
    progress = Progress(Recorder(), "tri-1", interval=10)
    progress.show("runbook", "📖 runbook jobs-004")
    progress.show("step:job", "… querying jobs API (job)")
    progress.show("step:job", "✓ jobs API (job): job 16852935 SUCCEEDED")
    progress.stop()

    assert progress.text().splitlines()[1:] == ["📖 runbook jobs-004", "✓ jobs API (job): job 16852935 SUCCEEDED"]


def test_stop_waits_for_a_send_in_flight_and_drops_pending_changes() -> None:
    send = Recorder(delay=0.3)
    progress = Progress(send, "tri-1", interval=0.05)
    first = threading.Thread(target=progress.show, args=("a", "first"))
    first.start()
    assert send.started.wait(2)
    progress.show("b", "second")  # pending while the first send is in flight

    progress.stop()
    stopped_at = time.monotonic()
    first.join()

    assert [text.splitlines()[1:] for _, text in send.sent] == [["first"]]
    assert send.sent[0][0] <= stopped_at
    time.sleep(0.2)
    assert len(send.sent) == 1  # nothing after stop: the report that replaces the message stays


def test_a_failed_background_send_is_counted_and_the_next_step_goes_on() -> None:
    send = Recorder()
    progress = Progress(send, "tri-1", interval=0.1)
    progress.show("a", "first")  # sent at once
    send.fail = RuntimeError("message_not_found")
    progress.show("b", "second")  # sent later by the thread, and fails there
    wait_for(lambda: send.attempts == 2)
    time.sleep(0.05)
    assert (progress.sent, progress.failed) == (1, 1)

    send.fail = None
    progress.show("c", "third")  # no exception: the failure was logged, not kept for the caller
    wait_for(lambda: progress.sent == 2)
    progress.stop()
    assert send.sent[-1][1].splitlines()[1:] == ["first", "second", "third"]


def test_a_failed_first_send_does_not_raise_in_the_caller() -> None:
    progress = Progress(Recorder(fail=TimeoutError("read timed out")), "tri-1", interval=1)

    progress.show("a", "first")

    progress.stop()
    assert (progress.sent, progress.failed) == (0, 1)
