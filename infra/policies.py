"""IAM statements: what each function may do, and the denies that hold whatever else gets attached to its role."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.config import DeployConfig

BEDROCK_INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
SECRET_READ = ["secretsmanager:GetSecretValue"]
SECRET_READING_APIS = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"]
PARAMETER_READING_APIS = [
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
]
CREDENTIAL_APIS = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:GetSessionToken",
    "sts:GetFederationToken",
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:PassRole",
]
# Reads that return credentials, EC2 user data or console contents: the worker's AWS guard refuses the same calls.
SECRET_BEARING_READS = [
    "sts:GetWebIdentityToken",
    "sts:GetDelegatedAccessToken",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetLaunchTemplateData",
    "autoscaling:DescribeLaunchConfigurations",
    "ec2:GetConsoleScreenshot",
    "ec2:GetConsoleOutput",
    "ec2:GetPasswordData",
]
# Services that may decrypt on a function's behalf: its secrets, and Lambda its environment at cold start.
DECRYPT_VIA = ("secretsmanager", "lambda")
IDEMPOTENCY_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
TRIAGE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]


def allow(sid: str, actions: Sequence[str], resources: Sequence[str], **conditions: object) -> iam.PolicyStatement:
    """An Allow statement; ``conditions`` become the statement's Condition block."""
    return iam.PolicyStatement(
        sid=sid, actions=list(actions), resources=list(resources), conditions=dict(conditions) or None
    )


def guard_denies(own_secret_arns: Sequence[str]) -> list[iam.PolicyStatement]:
    """Explicit denies on secret- and credential-reading APIs beyond the function's own secrets.

    They hold even if someone later attaches a broad read-only policy to the role: no other secret, no parameter
    value, no KMS decryption except by Secrets Manager or Lambda on the function's behalf, no new credentials,
    no unmasking of masked log data, no reads that return tokens, EC2 user data or console contents.
    """
    return [
        iam.PolicyStatement(
            sid="DenyOtherSecrets", effect=iam.Effect.DENY, actions=SECRET_READING_APIS,
            not_resources=list(own_secret_arns),
        ),
        iam.PolicyStatement(
            sid="DenyParameterValues", effect=iam.Effect.DENY, actions=PARAMETER_READING_APIS, resources=["*"]
        ),
        iam.PolicyStatement(
            sid="DenyDecryptOutsideSecretsManager", effect=iam.Effect.DENY, actions=["kms:Decrypt"],
            resources=["*"],
            conditions={"StringNotEquals": {"kms:ViaService": [f"{service}.{Aws.REGION}.amazonaws.com"
                                                                for service in DECRYPT_VIA]}},
        ),
        iam.PolicyStatement(sid="DenyCredentials", effect=iam.Effect.DENY, actions=CREDENTIAL_APIS, resources=["*"]),
        iam.PolicyStatement(sid="DenyUnmasking", effect=iam.Effect.DENY, actions=["logs:Unmask"], resources=["*"]),
        iam.PolicyStatement(
            sid="DenySecretBearingReads", effect=iam.Effect.DENY, actions=SECRET_BEARING_READS, resources=["*"]
        ),
    ]


def bedrock_invoke(config: DeployConfig) -> list[iam.PolicyStatement]:
    """Invoke on the configured model only: the inference profile, and its foundation model through that profile."""
    if not config.model_id:
        return []
    partition = Aws.PARTITION
    if not config.profile_geography:
        model = f"arn:{partition}:bedrock:{Aws.REGION}::foundation-model/{config.model_id}"
        return [allow("InvokeConfiguredModel", BEDROCK_INVOKE, [model])]
    profile = f"arn:{partition}:bedrock:{Aws.REGION}:{Aws.ACCOUNT_ID}:inference-profile/{config.model_id}"
    models = [
        f"arn:{partition}:bedrock:{region}::foundation-model/{config.foundation_model_id}"
        for region in config.foundation_model_regions
    ]
    if config.profile_geography == "global":
        models.append(f"arn:{partition}:bedrock:::foundation-model/{config.foundation_model_id}")
    return [
        allow("InvokeConfiguredProfile", BEDROCK_INVOKE, [profile]),
        allow(
            "InvokeModelThroughProfile", BEDROCK_INVOKE, models,
            StringEquals={"bedrock:InferenceProfileArn": profile},
        ),
    ]
