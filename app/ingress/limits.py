"""How many questions one person may start per minute (per ingress instance; alerts are not limited)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class QuestionLimiter:
    """A sliding one-minute window of question starts per person."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._starts: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, user: str) -> bool:
        """Count a question by ``user`` and say whether it may start (False once the minute's quota is used)."""
        now = self._clock()
        with self._lock:
            starts = self._starts[user]
            while starts and now - starts[0] >= WINDOW_SECONDS:
                starts.popleft()
            if len(starts) >= self.per_minute:
                return False
            starts.append(now)
            return True
