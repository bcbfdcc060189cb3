"""Claims and spend counters in the triage table, with DynamoDB conditional writes.

Items: ``CLAIM#<name>`` (owner thread, start time, ``count``, a ``members`` list, ``expires`` for the table's
TTL) and ``SPEND#<scope>`` (``tokens`` and ``usd`` counters). Owning a claim is a conditional put that succeeds
only when the name is free or its window has passed; joining is a conditional ``ADD`` that succeeds only while
the window is open. A writer that loses either race tries the other way, so no alert is dropped.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from app.storage.claims import MAX_MEMBERS, Claim, Member, Spend
from app.storage.ratings import StoreError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_ATTEMPTS = 8
_CONFLICT = "ConditionalCheckFailedException"
_KEEP_SECONDS = 7 * 86400  # claims stay readable a week after their window (resolutions come late)


class DynamoClaimStore:
    """Claims and spend counters in a DynamoDB table keyed by ``pk``."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def join(self, claim: Claim, window: float, member: Member) -> Claim:
        """Own the name if it is free or expired at ``claim.started``, else join it (see `ClaimStore.join`).

        Raises:
            StoreError: Other writers kept winning both races.
        """
        for _ in range(_ATTEMPTS):
            if self._own(claim, window):
                return replace(claim, count=1, members=(), owner=True)
            joined = self._add(claim, window, member)
            if joined is not None:
                return joined
        raise StoreError(f"claim {claim.name} kept changing under concurrent writers")

    def get(self, name: str) -> Claim | None:
        """The claim, or None."""
        item = self._client.get_item(TableName=self._table, Key=_key(name), ConsistentRead=True).get("Item")
        return _claim(item) if item else None

    def retarget(self, name: str, thread_ts: str, group: str) -> None:
        """Point a claim at another thread and storm group (no-op when the claim is gone)."""
        try:
            self._client.update_item(
                TableName=self._table, Key=_key(name), UpdateExpression="SET thread_ts = :t, grp = :g",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":t": {"S": thread_ts}, ":g": {"S": group}},
            )
        except ClientError as exc:
            _raise_unless_conflict(exc)

    def close(self, name: str) -> Claim | None:
        """Remove a claim; returns what it was."""
        item = self._client.delete_item(TableName=self._table, Key=_key(name), ReturnValues="ALL_OLD").get("Attributes")
        return _claim(item) if item else None

    def reserve(self, scope: str, tokens: int, usd: float, limit: Spend) -> Spend | None:
        """Add to the counters only within the limit (see `ClaimStore.reserve`)."""
        conditions, values = [], {":t": _n(tokens), ":u": _n(usd)}
        if limit.tokens:
            conditions.append("(attribute_not_exists(tokens) OR tokens <= :tmax)")
            values[":tmax"] = _n(limit.tokens - tokens)
        if limit.usd:
            conditions.append("(attribute_not_exists(usd) OR usd <= :umax)")
            values[":umax"] = _n(round(limit.usd - usd, 6))
        if (limit.tokens and tokens > limit.tokens) or (limit.usd and usd > limit.usd):
            return None
        request: dict[str, Any] = {"ConditionExpression": " AND ".join(conditions)} if conditions else {}
        try:
            return self._add_spend(scope, values, request)
        except ClientError as exc:
            _raise_unless_conflict(exc)
            return None

    def settle(self, scope: str, tokens: int, usd: float) -> Spend:
        """Add to the counters unconditionally."""
        return self._add_spend(scope, {":t": _n(tokens), ":u": _n(usd)}, {})

    def spend(self, scope: str) -> Spend:
        """A day's counters."""
        item = self._client.get_item(TableName=self._table, Key=_key(scope, "SPEND#"), ConsistentRead=True).get("Item")
        return _spend(item or {})

    def _own(self, claim: Claim, window: float) -> bool:
        item = {
            **_key(claim.name), "channel": {"S": claim.channel}, "thread_ts": {"S": claim.thread_ts},
            "origin_ts": {"S": claim.origin_ts}, "started": _n(claim.started), "count": {"N": "1"},
            "grp": {"S": claim.group}, "expires": _n(int(claim.started + window + _KEEP_SECONDS)),
        }
        try:
            self._client.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk) OR started <= :open",
                ExpressionAttributeValues={":open": _n(claim.started - window)},
            )
        except ClientError as exc:
            _raise_unless_conflict(exc)
            return False
        return True

    def _add(self, claim: Claim, window: float, member: Member) -> Claim | None:
        """Join while the window is open: with the member listed, or counted only once the list is full."""
        values = {":one": {"N": "1"}, ":open": _n(claim.started - window)}
        listed: dict[str, Any] = {
            "UpdateExpression": "ADD #c :one SET members = list_append(if_not_exists(members, :none), :m)",
            "ConditionExpression": "started > :open AND (attribute_not_exists(members) OR size(members) < :cap)",
            "ExpressionAttributeValues": {
                **values, ":none": {"L": []}, ":m": {"L": [{"S": member.to_json()}]}, ":cap": _n(MAX_MEMBERS)
            },
        }
        counted: dict[str, Any] = {"UpdateExpression": "ADD #c :one", "ConditionExpression": "started > :open",
                   "ExpressionAttributeValues": values}
        for request in (listed, counted):
            try:
                response = self._client.update_item(
                    TableName=self._table, Key=_key(claim.name), ExpressionAttributeNames={"#c": "count"},
                    ReturnValues="ALL_NEW", **request,
                )
            except ClientError as exc:
                _raise_unless_conflict(exc)
                continue
            return _claim(response["Attributes"])
        return None

    def _add_spend(self, scope: str, values: dict[str, Any], request: dict[str, Any]) -> Spend:
        response = self._client.update_item(
            TableName=self._table, Key=_key(scope, "SPEND#"), UpdateExpression="ADD tokens :t, usd :u",
            ExpressionAttributeValues=values, ReturnValues="ALL_NEW", **request,
        )
        return _spend(response["Attributes"])


def _claim(item: dict[str, Any]) -> Claim:
    return Claim(
        name=item["pk"]["S"].removeprefix("CLAIM#"), channel=item["channel"]["S"], thread_ts=item["thread_ts"]["S"],
        origin_ts=item["origin_ts"]["S"], started=float(item["started"]["N"]), count=int(item["count"]["N"]),
        members=tuple(Member.from_json(value["S"]) for value in item.get("members", {}).get("L", [])),
        group=item.get("grp", {}).get("S", ""),
    )


def _spend(item: dict[str, Any]) -> Spend:
    return Spend(int(Decimal(item.get("tokens", {}).get("N", "0"))), float(item.get("usd", {}).get("N", "0")))


def _n(value: float) -> dict[str, str]:
    return {"N": str(Decimal(str(value)))}


def _key(name: str, prefix: str = "CLAIM#") -> dict[str, Any]:
    return {"pk": {"S": f"{prefix}{name}"}}


def _raise_unless_conflict(exc: ClientError) -> None:
    if exc.response.get("Error", {}).get("Code") != _CONFLICT:
        raise exc
