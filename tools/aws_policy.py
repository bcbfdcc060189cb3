"""Which AWS calls the agent may make: read operations of the configured services, never secrets (deny by default).

A call is allowed only when all of these hold:

1. its service is one of the configured read services;
2. its operation is a real API operation of that service (not a client-side method such as ``get_paginator`` or
   ``generate_presigned_url``);
3. the operation is read-style (``describe_``, ``list_``, ``get_``, ``filter_``, ``lookup_``) or is a Logs Insights
   query (``logs.start_query``);
4. it is not on the deny list: operations that return secrets, credentials, keys or download links even though
   they look like reads, and reads that change state (``stepfunctions.get_activity_task`` takes a task);
5. its parameters pass the operation's rule (no ``WithDecryption`` on SSM parameters, no EC2 user data).

Decisions worth knowing: ``lambda.get_function`` is denied because its ``Code.Location`` is a presigned URL that
downloads the deployment package; ``lambda.get_function_configuration`` and ``list_functions`` are allowed, with
environment variable values masked in the result (see :func:`scrub_response`). ``s3.get_object`` is denied: object
bodies are configuration and state files as often as they are data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tools.redact import MASK
from tools.secret_rules import PAGINATION_KEYS
from tools.system import ToolSystem

SYSTEM = ToolSystem("aws", "AWS", ("aws_read", "aws_logs_insights"))
"""The AWS tools (built in ``tools.aws``): one read call of any allowed operation, and Logs Insights queries."""

READ_PREFIXES = ("describe_", "list_", "get_", "filter_", "lookup_")
QUERY_OPERATIONS = frozenset({("logs", "start_query")})
MASKED = MASK  # environment variable values: the names stay, the values never reach the model

_SECRET = "returns a secret or credential"  # noqa: S105 - a reason, not a secret
_USER_DATA = "returns EC2 user data, which often holds bootstrap secrets"
DENIED: Mapping[str, Mapping[str, str]] = {
    "secretsmanager": {"get_secret_value": _SECRET, "batch_get_secret_value": _SECRET,
                       "get_random_password": "generates a password"},
    "kms": {"get_parameters_for_import": "returns key import material"},
    "sts": {"get_session_token": _SECRET, "get_federation_token": _SECRET, "get_web_identity_token": _SECRET,
            "get_delegated_access_token": _SECRET},
    "ecr": {"get_authorization_token": "returns a registry password",
            "get_download_url_for_layer": "returns a presigned download link"},
    "ecr-public": {"get_authorization_token": "returns a registry password"},
    "codeartifact": {"get_authorization_token": "returns a repository token"},
    "cognito-identity": {"get_id": _SECRET, "get_credentials_for_identity": _SECRET,
                         "get_open_id_token": _SECRET, "get_open_id_token_for_developer_identity": _SECRET},
    "cognito-idp": {"describe_user_pool_client": "returns the app client secret"},
    "lambda": {"get_function": "returns a presigned URL that downloads the code package (use "
                               "get_function_configuration)",
               "get_layer_version": "returns a presigned download link",
               "get_layer_version_by_arn": "returns a presigned download link"},
    "ec2": {"get_password_data": "returns an instance's administrator password",
            "get_console_output": "console output often holds bootstrap secrets",
            "get_console_screenshot": "returns a console screenshot, which can show bootstrap secrets",
            "describe_launch_template_versions": _USER_DATA, "get_launch_template_data": _USER_DATA},
    "autoscaling": {"describe_launch_configurations": _USER_DATA},
    "lightsail": {"get_instance_access_details": _SECRET,
                  "get_relational_database_master_user_password": _SECRET},
    "redshift": {"get_cluster_credentials": _SECRET, "get_cluster_credentials_with_iam": _SECRET},
    "redshift-serverless": {"get_credentials": _SECRET},
    "s3": {"get_object": "returns object contents", "get_object_torrent": "returns object contents"},
    "apigateway": {"get_api_key": "returns API key values", "get_api_keys": "returns API key values"},
    "appsync": {"list_api_keys": "returns API key values"},
    "sso": {"get_role_credentials": _SECRET},
    "glue": {"get_connection": "returns connection passwords", "get_connections": "returns connection passwords"},
    "stepfunctions": {"get_activity_task": "takes a task off the activity queue (changes state)"},
}
_DENIED_WORDS = re.compile(
    r"password|credential|secret_value|authorization_token|auth_token|session_token|federation_token"
    r"|access_key|private_key|download_url|presigned|identity_token|access_token|user_data|console_screenshot"
)
# A key naming a secret (ends with the word), and a command-line flag naming one.
_SECRET_KEY = re.compile(r"(?:password|passwd|passphrase|secret|token|api_?key|private_?key|credentials?)$", re.I)
_SECRET_FLAG = re.compile(
    r"^-{1,2}[\w.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|credentials?)$", re.I
)
_UNMASK = re.compile(r"\bunmask\b", re.IGNORECASE)
_DECRYPTING = frozenset({"get_parameter", "get_parameters", "get_parameters_by_path", "get_parameter_history"})
_OPERATION = re.compile(r"^[a-z][a-z0-9_]*$")


class AwsPolicyError(ValueError):
    """A configured read service does not exist."""


@dataclass(frozen=True)
class AwsReadPolicy:
    """The read services and each one's API operations (boto3 snake_case names)."""

    operations: Mapping[str, frozenset[str]]

    @classmethod
    def for_services(cls, services: Iterable[str]) -> AwsReadPolicy:
        """The policy for these boto3 service names, read from botocore's service models.

        Raises:
            AwsPolicyError: A name is not a botocore service.
        """
        import botocore.session
        from botocore import xform_name

        session = botocore.session.get_session()
        known = set(session.get_available_services())
        operations: dict[str, frozenset[str]] = {}
        for service in services:
            if service not in known:
                raise AwsPolicyError(f"unknown AWS service {service!r} in the read services (boto3 names, e.g. ecs)")
            model = session.get_service_model(service)
            operations[service] = frozenset(xform_name(name) for name in model.operation_names)
        return cls(operations)

    @property
    def services(self) -> list[str]:
        """The readable services, sorted."""
        return sorted(self.operations)

    def refusal(self, service: Any, operation: Any, params: Any) -> str | None:
        """Why this call must not run, or None when it is an allowed read; a malformed argument is refused."""
        if not isinstance(service, str) or service not in self.operations:
            return f"AWS service {service!r} is not readable; readable services: {', '.join(self.services) or 'none'}"
        if not isinstance(operation, str) or not _OPERATION.match(operation):
            return f"operation {operation!r} is not a boto3 snake_case operation name such as describe_services"
        if operation not in self.operations[service]:
            return f"{service} has no API operation {operation!r}"
        if not isinstance(params, dict):
            return "params must be an object of the operation's parameters"
        return _operation_refusal(service, operation, params)

    def check(self, tool_name: str, args: dict[str, Any]) -> str | None:
        """The guard's argument check for the AWS tools (a Logs Insights query, or one read call)."""
        if tool_name == SYSTEM.tools[1]:
            return self.refusal("logs", "start_query", {"queryString": args.get("query")})
        return self.refusal(args.get("service"), args.get("operation"), args.get("params") or {})


def _operation_refusal(service: str, operation: str, params: dict[str, Any]) -> str | None:
    name = f"{service}.{operation}"
    reason = DENIED.get(service, {}).get(operation)
    if reason:
        return f"{name} is denied: it {reason}"
    if _DENIED_WORDS.search(operation):
        return f"{name} is denied: operations about passwords, credentials, keys or download links never run"
    if not operation.startswith(READ_PREFIXES) and (service, operation) not in QUERY_OPERATIONS:
        return f"{name} is denied: only read operations ({', '.join(READ_PREFIXES)}…) may run"
    if service == "ssm" and operation in _DECRYPTING and params.get("WithDecryption"):
        return f"{name} with WithDecryption is denied: it returns decrypted secrets"
    if service == "ec2" and operation == "describe_instance_attribute" and params.get("Attribute") == "userData":
        return f"{name} of userData is denied: user data often holds bootstrap secrets"
    if service == "logs" and _unmasks(params):
        return f"{name} with unmask is denied: it reveals log data that data protection masked"
    return None


def _unmasks(params: dict[str, Any]) -> bool:
    """A Logs read that asks for unmasked data: the ``unmask`` flag, or ``unmask(...)`` in an Insights query."""
    query = params.get("queryString")
    return bool(params.get("unmask")) or (isinstance(query, str) and _UNMASK.search(query) is not None)


def scrub_response(value: Any) -> Any:
    """A copy of a response with secret-bearing values masked.

    Masked: environment variable values (Lambda, ECS, Batch, CodeBuild shapes); the value after a secret-naming
    flag in an ECS ``command`` or ``entryPoint`` (``--password``, ``--api-key``); and everything under a key that
    names a secret, whatever its shape (a DynamoDB attribute ``{"password": {"S": …}}``, a nested config).
    Pagination tokens are kept. Secrets inside free text are left to ``tools.redact``, which runs on every result.
    """
    if isinstance(value, list):
        return [scrub_response(item) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: _scrub_entry(str(key), item) for key, item in value.items()}


def _scrub_entry(key: str, item: Any) -> Any:
    lowered = key.lower()
    if lowered == "environment" and isinstance(item, dict) and isinstance(item.get("Variables"), dict):
        item = {**item, "Variables": {name: MASKED for name in item["Variables"]}}
    elif lowered in ("environment", "environmentvariables") and isinstance(item, list):
        item = [{**pair, "value": MASKED} if isinstance(pair, dict) and "value" in pair else pair for pair in item]
    elif lowered in ("command", "entrypoint") and isinstance(item, list):
        return _scrub_command(item)
    elif _SECRET_KEY.search(key) and lowered not in PAGINATION_KEYS:
        return _mask_all(item)
    return scrub_response(item)


def _scrub_command(words: list[Any]) -> list[Any]:
    """A command line with the value after each secret-naming flag masked."""
    scrubbed: list[Any] = []
    for index, word in enumerate(words):
        after_flag = index > 0 and isinstance(words[index - 1], str) and _SECRET_FLAG.match(words[index - 1])
        scrubbed.append(MASKED if after_flag else word)
    return scrubbed


def _mask_all(value: Any) -> Any:
    """Every scalar inside ``value`` masked; the shape (keys, lists, DynamoDB type tags) is kept."""
    if isinstance(value, dict):
        return {key: _mask_all(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_all(item) for item in value]
    return value if value is None or isinstance(value, bool) else MASKED
