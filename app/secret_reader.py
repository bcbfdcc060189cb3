"""The one secret reader: JSON secrets by name, from Secrets Manager or, locally, from environment variables.

Each Lambda builds one :class:`SecretReader` at its composition root (``secret_reader(settings)``) and passes it
to everything that needs a secret. With ``AIOPS_SECRETS_BACKEND=aws`` the values come through Powertools
Parameters' ``SecretsProvider`` and are cached for ``AIOPS_SECRETS_MAX_AGE_SECONDS``: a rotated secret is read
again once its cached value is that old, without a redeploy, and two readers of one secret cost one call. With
``env`` the secret ``aiops/slack`` is the JSON document in ``AIOPS_SECRET_SLACK``. Errors name the secret and the
key, never a value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from app.config import ConfigError, Settings, env_secret, secret_env_var

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from mypy_boto3_secretsmanager import SecretsManagerClient

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT_SECONDS = 3.0
READ_TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 3


class SecretBackend(Protocol):
    """Where secret documents are kept."""

    def raw(self, name: str) -> str:
        """The secret's text.

        Raises:
            ConfigError: The secret cannot be read.
        """
        ...

    def where(self, name: str) -> str:
        """Where the secret is kept, for error messages (e.g. ``environment variable AIOPS_SECRET_SLACK``)."""
        ...


class EnvSecrets:
    """Secrets from ``AIOPS_SECRET_<NAME>`` variables (local runs and tests)."""

    def raw(self, name: str) -> str:
        """The JSON document in the secret's variable.

        Raises:
            ConfigError: The variable is not set.
        """
        value = env_secret(name)
        if value is None:
            raise ConfigError(f"secret {name!r} not found: set {secret_env_var(name)} to its JSON document")
        return value

    def where(self, name: str) -> str:
        """The secret's variable."""
        return f"environment variable {secret_env_var(name)}"


class SecretsManagerSecrets:
    """Secrets from AWS Secrets Manager through Powertools Parameters, each cached for ``max_age`` seconds."""

    def __init__(self, provider: SecretsProvider, max_age: int) -> None:
        self._provider = provider
        self._max_age = max_age

    def raw(self, name: str) -> str:
        """The secret's string, from the cache while it is younger than ``max_age``.

        Raises:
            ConfigError: Secrets Manager refused or failed, or the secret is binary.
        """
        from aws_lambda_powertools.utilities.parameters import GetParameterError

        try:
            value = self._provider.get(name, max_age=self._max_age)
        except GetParameterError as exc:  # botocore's reason (not found, denied…); never the value
            raise ConfigError(f"cannot read Secrets Manager secret {name!r}: {exc}") from exc
        if not isinstance(value, str):
            raise ConfigError(f"Secrets Manager secret {name!r} is binary, not a JSON string")
        return value

    def where(self, name: str) -> str:
        """The secret's name in Secrets Manager."""
        return f"Secrets Manager secret {name!r}"


class SecretReader:
    """Reads JSON secrets by name from one backend."""

    def __init__(self, backend: SecretBackend) -> None:
        self._backend = backend

    def document(self, name: str) -> dict[str, Any]:
        """The secret as the JSON object it is, nested objects kept.

        Raises:
            ConfigError: The secret is missing or is not a JSON object.
        """
        where = self._backend.where(name)
        try:
            value = json.loads(self._backend.raw(name))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{where} is not valid JSON") from exc
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a JSON object")
        return value

    def values(self, name: str, *, required: tuple[str, ...] = ()) -> dict[str, str]:
        """The secret's top-level keys as strings.

        Raises:
            ConfigError: The secret is missing, is not a JSON object, or lacks one of the ``required`` keys.
        """
        value = self.document(name)
        missing = [key for key in required if not value.get(key)]
        if missing:
            raise ConfigError(f"{self._backend.where(name)} lacks {', '.join(missing)}")
        return {str(key): str(item) for key, item in value.items()}

    def value(self, name: str, key: str) -> str:
        """One required key of the secret (e.g. the ``token`` of ``aiops/github``).

        Raises:
            ConfigError: The secret is missing, malformed, or lacks ``key``.
        """
        return self.values(name, required=(key,))[key]

    def current(self, name: str, key: str) -> Callable[[], str]:
        """A function giving the key's value as it is now, for clients that ask on every request.

        The value is read here once, so a missing secret fails the cold start. Later calls read through the cache
        (a rotated secret is seen after ``max_age``); when such a read fails, the last good value is kept and a
        warning names the secret.

        Raises:
            ConfigError: The secret is missing, malformed, or lacks ``key``.
        """
        last = [self.value(name, key)]

        def now() -> str:
            try:
                last[0] = self.value(name, key)
            except ConfigError as exc:
                logger.warning("keeping the last value of secret %s: %s", name, exc)
            return last[0]

        return now


def secret_reader(settings: Settings, *, client: SecretsManagerClient | None = None) -> SecretReader:
    """The reader for ``AIOPS_SECRETS_BACKEND``; ``client`` replaces the Secrets Manager client built here."""
    if settings.secrets_backend != "aws":
        return SecretReader(EnvSecrets())
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.config import Config

    config = Config(
        region_name=settings.aws_region, connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS,
        retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
    )
    provider = SecretsProvider(boto_config=config, boto3_client=client)
    return SecretReader(SecretsManagerSecrets(provider, settings.secrets_max_age_seconds))
