"""The live progress message: the matched runbook and each step as it runs, sent at most once per interval.

A background thread sends the newest state; changes in between are merged, never queued. `Progress.stop`
waits for a send in flight, so the final report (which replaces the message) is never overwritten by a late
progress update. A failed send stops the investigation at its next step, as Slack will not take the report
either (rate limits are retried by the Slack client before that).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from app.language import Language
from app.slack.render import progress_text

logger = logging.getLogger(__name__)

Labels = Callable[[str], str]
"""Tool name → what people call the system it reads (``ToolRegistry.label``: each tool set declares its label)."""


class Progress:
    """Keyed lines under a header; each `show` replaces its key's line, and sends are throttled.

    The first change after a quiet interval is sent at once by the caller; later ones are merged and sent by
    a background thread when the interval has passed, so the message never lags more than one interval.
    """

    def __init__(
        self,
        send: Callable[[str], None],
        reference: str,
        language: Language = "en",
        *,
        interval: float = 1.0,
    ) -> None:
        self._send = send
        self._reference = reference
        self._language: Language = language
        self._interval = interval
        self._lines: dict[str, str] = {}
        self._changed = threading.Condition()
        self._dirty = False
        self._sending = False
        self._stopped = False
        self._last_sent = float("-inf")
        self.sent = 0
        self.failed = 0
        self._thread = threading.Thread(target=self._loop, name=f"progress-{reference}", daemon=True)
        self._thread.start()

    @property
    def language(self) -> Language:
        """The language of the progress lines."""
        return self._language

    def show(self, key: str, line: str) -> None:
        """Add a line, or replace the line with the same key; the message follows within the interval.

        Never raises: a failed edit (a deleted message, a Slack timeout) is logged and counted in ``failed``, and
        the investigation goes on; the report replaces or follows the progress message either way.
        """
        with self._changed:
            self._lines[key] = line
            self._dirty = True
            body = self._take() if self._due() else None
            self._changed.notify_all()
        if body is not None:
            self._deliver(body)

    def text(self) -> str:
        """The message as it stands."""
        with self._changed:
            return progress_text(self._reference, list(self._lines.values()), self._language)

    def stop(self) -> None:
        """Stop sending; returns once any send in flight has finished. Pending changes are dropped."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
            while self._sending:
                self._changed.wait()
        self._thread.join()

    def _due(self) -> bool:
        return self._dirty and not self._sending and not self._stopped and (
            time.monotonic() >= self._last_sent + self._interval
        )

    def _take(self) -> str:
        """Claim the next send (caller holds the lock)."""
        self._dirty, self._sending, self._last_sent = False, True, time.monotonic()
        return progress_text(self._reference, list(self._lines.values()), self._language)

    def _loop(self) -> None:
        while True:
            with self._changed:
                while not self._stopped and not self._due():
                    pending = self._dirty and not self._sending
                    wait = self._last_sent + self._interval - time.monotonic() if pending else None
                    self._changed.wait(wait)
                if self._stopped:
                    return
                body = self._take()
            self._deliver(body)

    def _deliver(self, body: str) -> None:
        try:
            self._send(body)
            self.sent += 1
        except Exception as exc:  # progress is a courtesy: a failed edit never stops the investigation
            logger.warning("progress update of %s failed: %s", self._reference, exc)
            with self._changed:
                self.failed += 1
        finally:
            with self._changed:
                self._sending = False
                self._changed.notify_all()
