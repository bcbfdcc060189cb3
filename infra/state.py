"""Stateful resources: one secret per credential set, the idempotency table and the triage table."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.config import DeployConfig

# credential set → what its JSON document holds (the operator puts the value after the first deploy)
CREDENTIALS = {
    "slack": "Slack app: JSON {signing_secret, bot_token}",
    "github": "GitHub: JSON {token} (runbook repository and source code, read-only)",
    "jobs-api": "Jobs API: JSON {token} (read-only)",
    "google": "Google Cloud: service-account key or workload identity federation JSON (Logging read-only)",
}


def api_credentials(config: DeployConfig) -> dict[str, str]:
    """One credential set per OpenAPI-described API of ``apis:`` (``billing-api``), and what its secret holds."""
    return {api.credential: f"{api.name} API: JSON {{token}}, or {{token, header}} for an API key (read-only)"
            for api in config.apis}


class CredentialSecrets(Construct):
    """The secrets, created with a random placeholder value and referenced by name from the functions."""

    def __init__(self, scope: Construct, construct_id: str, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        self.by_credential: dict[str, secretsmanager.Secret] = {
            credential: secretsmanager.Secret(
                self,
                credential.title().replace("-", ""),
                secret_name=config.secret_name(credential),
                description=description,
                removal_policy=RemovalPolicy.RETAIN,
            )
            for credential, description in {**CREDENTIALS, **api_credentials(config)}.items()
        }

    def arns(self, *credentials: str) -> list[str]:
        """The full ARNs of the named credential sets' secrets."""
        return [self.by_credential[credential].secret_arn for credential in credentials]


class StateTables(Construct):
    """Event dedupe (short-lived, expires by TTL) and triage records with ratings (kept, recoverable)."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.idempotency = dynamodb.Table(
            self,
            "Idempotency",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute="expiration",
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.triage = dynamodb.Table(
            self,
            "Triage",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute="expires",  # claims on open investigations expire; records have no such field
            removal_policy=RemovalPolicy.RETAIN,
        )


class BotState(Construct):
    """The secrets and tables both functions use."""

    def __init__(self, scope: Construct, construct_id: str, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        self.secrets = CredentialSecrets(self, "Secrets", config)
        self.tables = StateTables(self, "Tables")
