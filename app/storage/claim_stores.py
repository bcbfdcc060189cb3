"""The claim and spend store for the settings: the triage table in AWS, the local SQLite file otherwise."""

from __future__ import annotations

from app.config import Settings
from app.storage.claims import ClaimStore
from app.storage.claims_dynamo import DynamoClaimStore
from app.storage.claims_sqlite import SQLiteClaimStore


def claims_from_settings(settings: Settings) -> ClaimStore:
    """DynamoDB when a triage table is configured (claims live beside the records), else SQLite in the state folder."""
    if settings.triage_table:
        import boto3

        return DynamoClaimStore(settings.triage_table, boto3.client("dynamodb", region_name=settings.aws_region))
    return SQLiteClaimStore(settings.state_dir / "triage.sqlite3")
