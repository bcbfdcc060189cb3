"""What both triage stores share about ratings: how two ratings by one person merge, and the report rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.models import Rating

DETAILS = ("accuracy", "clarity", "coverage", "comment")


class StoreError(Exception):
    """The store could not complete a write."""


@dataclass(frozen=True)
class RatedRecord:
    """One rated report, as the ratings report reads it."""

    record_id: str
    created_at: datetime
    runbook_id: str = ""
    kind: str = ""
    ratings: list[Rating] = field(default_factory=list)


def merge_rating(old: Rating | None, new: Rating) -> Rating:
    """One person's rating after ``new`` arrives: the newer level wins; details missing from it are kept.

    A click on a rating button after the detail modal changes the level and keeps the scores; a click that
    arrives late (older than the stored rating) changes nothing that the stored rating says.
    """
    if old is None:
        return new
    newer, older = (new, old) if new.rated_at >= old.rated_at else (old, new)
    kept = {name: getattr(older, name) for name in DETAILS if getattr(newer, name) is None}
    return newer.model_copy(update=kept)


def created_time(value: str | None, fallback: float) -> datetime:
    """A stored ISO time, or the rating time when the record is unknown."""
    if value:
        return datetime.fromisoformat(value)
    return datetime.fromtimestamp(fallback, UTC)
