"""Claims on open investigations and daily spend counters: what both stores (SQLite, DynamoDB) share.

A claim names an open investigation (a repeat key or a storm group) for a window of time. The first alert to
claim a free or expired name owns it and is investigated; every later alert within the window joins it instead.
Joining is atomic in both stores, so two workers racing for one name never both own it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_MEMBERS = 100  # members listed on a claim; later ones are counted only (a DynamoDB item stays small)


@dataclass(frozen=True)
class Member:
    """One alert that joined a claim: its message, and the fields people tell the members apart by."""

    ts: str
    fields: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        """Compact JSON for the stores."""
        return json.dumps({"ts": self.ts, "fields": self.fields}, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Member:
        """The member a store kept."""
        value: dict[str, Any] = json.loads(raw)
        return cls(ts=str(value["ts"]), fields={str(k): str(v) for k, v in (value.get("fields") or {}).items()})


@dataclass(frozen=True)
class Claim:
    """An open investigation that alerts join.

    Attributes:
        name: What is claimed, e.g. ``repeat:C1:<alert key>`` or ``storm:C1:<runbook>:<shape>``.
        channel: The channel of the investigation's thread.
        thread_ts: The thread where the investigation replies (members are linked to it).
        origin_ts: The message that created the claim.
        started: The owning alert's time (epoch seconds); the window runs from it.
        count: Alerts in the claim, the owner included.
        members: The alerts that joined (not the owner), the first `MAX_MEMBERS` of them.
        group: The storm group the claim's alert belongs to, when it is in one.
        owner: True for the caller that created the claim (it investigates).
    """

    name: str
    channel: str
    thread_ts: str
    origin_ts: str
    started: float
    count: int = 1
    members: tuple[Member, ...] = ()
    group: str = ""
    owner: bool = False


@dataclass(frozen=True)
class Spend:
    """Tokens and dollars counted against one day's budget (reservations of runs in flight included)."""

    tokens: int = 0
    usd: float = 0.0


class ClaimStore(Protocol):
    """Atomic claims and spend counters."""

    def join(self, claim: Claim, window: float, member: Member) -> Claim:
        """Own ``claim.name`` if it is free or older than ``window`` seconds at ``claim.started``, else join it.

        Returns the stored claim: ``owner`` is True when the caller now owns it; otherwise ``count`` includes the
        caller.
        """
        ...

    def get(self, name: str) -> Claim | None:
        """The claim, or None."""
        ...

    def retarget(self, name: str, thread_ts: str, group: str) -> None:
        """Point a claim at another investigation's thread and storm group (a storm member's repeat claim)."""
        ...

    def close(self, name: str) -> Claim | None:
        """Remove a claim (its alert resolved); returns what it was, or None."""
        ...

    def reserve(self, scope: str, tokens: int, usd: float, limit: Spend) -> Spend | None:
        """Add to a day's counters only if the totals stay within ``limit`` (0 = no limit on that counter).

        Returns the new totals, or None when the reservation would pass the limit (nothing is added then).
        """
        ...

    def settle(self, scope: str, tokens: int, usd: float) -> Spend:
        """Add (or, with negative numbers, give back) to a day's counters unconditionally; returns the totals."""
        ...

    def spend(self, scope: str) -> Spend:
        """A day's counters."""
        ...
