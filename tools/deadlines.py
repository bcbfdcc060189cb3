"""Per-attempt timeouts that keep a call with retries inside its overall budget.

A client's read timeout applies to each attempt, and retries multiply it: 3 attempts of a 20-second read
timeout (plus connects and back-off) let a black-holed endpoint hold an evidence step for well over a minute.
The budget is split across the attempts instead.
"""

from __future__ import annotations

CONNECT_MAX_SECONDS = 5.0
_BACKOFF_SHARE = 0.1  # kept back from the budget for the retry back-off between attempts


def attempt_timeouts(budget: float, attempts: int) -> tuple[float, float]:
    """``(connect, read)`` seconds for each of ``attempts`` attempts, so that all of them fit in ``budget``."""
    per_attempt = budget * (1 - _BACKOFF_SHARE) / max(1, attempts)
    connect = min(CONNECT_MAX_SECONDS, per_attempt / 4)
    return round(connect, 3), round(per_attempt - connect, 3)


def per_attempt_read_timeout(read_timeout: float, budget: float, attempts: int) -> float:
    """The configured read timeout, lowered when ``attempts`` of it would outlast ``budget``."""
    return min(read_timeout, attempt_timeouts(budget, attempts)[1])
