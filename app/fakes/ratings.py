"""A reproducible history of rated replies, for the ratings report's tests, the demo and the sample chart."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from app.models import Alert, Job, JobKind, Rating, RatingLevel, TriageRecord, TriageReport
from app.storage.triage import TriageStore

# runbook id (or "" for none) → weights of better, same, partly, wrong in the first and in the last week
PROFILES: dict[str, tuple[tuple[int, int, int, int], tuple[int, int, int, int]]] = {
    "jobs-004": ((3, 5, 2, 1), (5, 5, 1, 0)),
    "ecs-001": ((2, 5, 2, 1), (4, 5, 1, 0)),
    "ecs-002": ((1, 3, 4, 2), (2, 5, 2, 1)),
    "jobs-011": ((1, 2, 3, 3), (2, 4, 3, 1)),
    "sqs-003": ((1, 4, 3, 1), (2, 4, 2, 1)),
    "": ((1, 1, 4, 4), (2, 3, 3, 2)),
}
PEOPLE = tuple(f"U0OPS{n:04d}" for n in range(1, 13))
COMMENTS = {
    RatingLevel.PARTLY: ("Right runbook, but it did not check the previous run.", "Missed the second log group."),
    RatingLevel.WRONG: ("Blamed the image; it was the task role.", "Nothing useful for a new alert like this."),
    RatingLevel.BETTER: ("Found the request id faster than I would have.",),
}


def seed_ratings(store: TriageStore, *, weeks: int = 10, end: datetime | None = None, seed: int = 7) -> int:
    """Store rated records over ``weeks`` weeks ending at ``end``, improving over time; returns the ratings made."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    end = end or datetime(2026, 11, 23, tzinfo=UTC)
    start = end - timedelta(weeks=weeks)
    made = 0
    for week in range(weeks):
        progress = week / max(weeks - 1, 1)
        for runbook, (early, late) in PROFILES.items():
            weights = [a + (b - a) * progress for a, b in zip(early, late, strict=True)]
            for _ in range(rng.randint(1, 3)):
                created = start + timedelta(weeks=week, hours=rng.randint(0, 24 * 7 - 1))
                record = _record(f"tri-seed{made:08x}", runbook, created, "question" if rng.random() < 0.2 else "alert")
                store.put(record)
                for user in rng.sample(PEOPLE, rng.randint(1, 2)):
                    store.rate(_rating(rng, record, user, weights))
                    made += 1
    return made


def _record(record_id: str, runbook: str, created: datetime, kind: str) -> TriageRecord:
    job = Job(
        kind=JobKind(kind),
        event_id=f"Ev{record_id}",
        channel="C0ALERTS",
        ts=f"{created.timestamp():.6f}",
        thread_ts=f"{created.timestamp():.6f}",
        alert=Alert(title=f"sample {kind} for {runbook or 'no runbook'}", time=created),
    )
    report = TriageReport(title="sample", cause="sample", recommended_action="sample", decision="close",
                          confidence="medium")
    return TriageRecord(id=record_id, created_at=created, job=job, runbook_id=runbook, report=report,
                        reply_ts=job.ts)


def _rating(rng: random.Random, record: TriageRecord, user: str, weights: list[float]) -> Rating:
    level = rng.choices(list(RatingLevel), weights=weights)[0]
    detailed = rng.random() < 0.3
    base = {"better": 4, "same": 3, "partly": 2, "wrong": 1}[level.value]
    scores = {name: max(1, min(4, base + rng.choice((-1, 0, 0, 1)))) for name in ("accuracy", "clarity", "coverage")}
    comments = COMMENTS.get(level, ())
    return Rating(
        record_id=record.id,
        user=user,
        level=level,
        rated_at=(record.created_at + timedelta(minutes=rng.randint(3, 600))).timestamp(),
        comment=rng.choice(comments) if detailed and comments else None,
        **(scores if detailed else {}),
    )
