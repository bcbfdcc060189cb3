"""Live status: each progress text updates the message and the thread's status line; failures never raise."""

from __future__ import annotations

from typing import Any

from app.slack.live import STATUS_CHARS, LiveStatus, status_line
from app.slack.poster import MemoryPoster, SlackPostError


class FailingPoster(MemoryPoster):
    """Refuses every update and status."""

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        raise SlackPostError("chat.update failed: channel_not_found")

    def set_status(self, channel: str, thread_ts: str, status: str) -> None:
        raise SlackPostError("assistant.threads.setStatus failed: missing_scope")


def test_each_text_updates_the_message_and_sets_the_newest_line_as_status() -> None:
    poster = MemoryPoster()
    ts = poster.post("C1", "1.0", "Investigating…")
    live = LiveStatus(poster, "C1", "1.0", ts)

    live.send("Investigating… (ref x)\n📖 runbook jobs-004\n… querying Cloud Logging (logs)")
    live.send("Investigating… (ref x)\n📖 runbook jobs-004\n… querying Cloud Logging (logs)")  # same line: once
    live.clear()

    assert poster.messages[ts]["text"].endswith("… querying Cloud Logging (logs)")
    assert poster.statuses == [("C1", "1.0", "… querying Cloud Logging (logs)"), ("C1", "1.0", "")]


def test_failures_are_counted_and_never_raised() -> None:
    live = LiveStatus(FailingPoster(), "C1", "1.0", "2.0")
    live.send("Investigating…\n📖 runbook jobs-004")
    live.clear()
    assert live.failures == 3


def test_the_status_line_is_short_and_never_empty_while_working() -> None:
    assert status_line("Investigating… (ref x)") == "is investigating…"
    line = status_line("head\n" + "x" * 500)
    assert len(line) == STATUS_CHARS and line.endswith("…")
