"""Live status of an investigation: the progress message and the bot's status line under the thread.

Each progress text replaces the progress message (``chat.update``, Tier 3: about 50 a minute, which is why the
progress interval defaults to 1.2 s) and sets the thread's status (``assistant.threads.setStatus``) to the newest
line, so people see what the bot is doing without opening the thread. A failed update or status is logged and
counted, never raised: progress helps people wait, and the investigation goes on without it.
"""

from __future__ import annotations

import logging
import threading

from app.slack.poster import Poster

logger = logging.getLogger(__name__)

STATUS_CHARS = 100


class LiveStatus:
    """Sends progress texts to one thread: the progress message and the status line."""

    def __init__(self, poster: Poster, channel: str, thread_ts: str, message_ts: str) -> None:
        self._poster = poster
        self._channel, self._thread_ts, self._message_ts = channel, thread_ts, message_ts
        self._lock = threading.Lock()
        self._status = ""
        self.failures = 0

    def send(self, body: str) -> None:
        """Show a progress text: replace the progress message, and set the status to its newest line."""
        try:
            self._poster.update(self._channel, self._message_ts, body)
        except Exception as exc:
            self._failed("progress update", exc)
        self._set(status_line(body))

    def clear(self) -> None:
        """Remove the status line (the report has replaced the progress message)."""
        self._set("")

    def _set(self, status: str) -> None:
        with self._lock:
            if status == self._status:
                return
            self._status = status
        try:
            self._poster.set_status(self._channel, self._thread_ts, status)
        except Exception as exc:
            self._failed("status", exc)

    def _failed(self, what: str, exc: Exception) -> None:
        with self._lock:
            self.failures += 1
        logger.warning("%s of thread %s failed, the investigation goes on: %s", what, self._thread_ts, exc)


def status_line(body: str) -> str:
    """The newest line of a progress text, short enough for Slack's status line (header alone: "investigating…")."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    line = lines[-1] if len(lines) > 1 else "is investigating…"
    return line if len(line) <= STATUS_CHARS else line[: STATUS_CHARS - 1] + "…"
