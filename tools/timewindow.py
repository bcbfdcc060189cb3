"""Time windows of log queries: ``since``/``until`` as relative offsets or absolute ISO-8601 times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_RELATIVE = re.compile(r"^([+-])(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
FORMATS = 'relative like "-15m", "-2h", "-1d" (from now) or absolute ISO-8601 like "2026-11-20T03:12:09Z"'


class TimeWindowError(ValueError):
    """A ``since``/``until`` value cannot be read, or the window is empty or too long."""


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def parse_time(value: str, now: datetime) -> datetime:
    """An aware UTC time from a relative offset (``-15m``, ``+2h``, ``now``) or an ISO-8601 time.

    Raises:
        TimeWindowError: The value is neither.
    """
    text = value.strip()
    if text.lower() == "now":
        return now
    found = _RELATIVE.match(text)
    if found:
        sign, amount, unit = found.groups()
        delta = timedelta(**{_UNITS[unit]: int(amount)})
        return now + delta if sign == "+" else now - delta
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise TimeWindowError(f"cannot read time {value!r}; use {FORMATS}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def time_window(
    since: str, until: str, *, now: datetime, max_span: timedelta = timedelta(days=31)
) -> tuple[datetime, datetime]:
    """The window ``[since, until]``; an empty ``until`` means now.

    Raises:
        TimeWindowError: A bound cannot be read, the window is empty, or it is longer than ``max_span``.
    """
    start = parse_time(since, now)
    end = parse_time(until, now) if until.strip() else now
    if start >= end:
        raise TimeWindowError(f"empty time window: since {rfc3339(start)} is not before until {rfc3339(end)}")
    if end - start > max_span:
        raise TimeWindowError(f"time window of {end - start} is longer than {max_span}; query a shorter window")
    return start, end


def rfc3339(moment: datetime) -> str:
    """``2026-11-20T03:12:09.000000Z``: the UTC form Google and AWS filters take."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
