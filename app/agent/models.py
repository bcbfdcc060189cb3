"""Model selection from a spec string (``AIOPS_MODEL`` or ``--model``)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import Settings
from tools.deadlines import per_attempt_read_timeout

if TYPE_CHECKING:
    from strands.models import Model

# The deployed default: a pinned Bedrock inference profile, never "latest".
DEFAULT_BEDROCK_MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
MAX_OUTPUT_TOKENS = 4096

_PROVIDERS: dict[str, tuple[str, str, str]] = {
    # kind: (module, class, extra to install)
    "anthropic": ("strands.models.anthropic", "AnthropicModel", "anthropic"),
    "openai": ("strands.models.openai", "OpenAIModel", "openai"),
    "ollama": ("strands.models.ollama", "OllamaModel", "ollama"),
    "llamacpp": ("strands.models.llamacpp", "LlamaCppModel", "llamacpp"),
    "litellm": ("strands.models.litellm", "LiteLLMModel", "litellm"),
}


class ModelConfigError(Exception):
    """The model spec is unknown, incomplete, or needs a package that is not installed."""


def model_from_spec(spec: str, settings: Settings) -> Model | None:
    """The model for a spec such as ``none``, ``scripted:PATH`` or ``bedrock:MODEL_ID``; None means no model.

    Raises:
        ModelConfigError: The spec cannot be turned into a model here.
    """
    kind, _, argument = spec.strip().partition(":")
    kind = kind.lower()
    if kind in ("", "none"):
        return None
    if kind == "scripted":
        if not argument:
            raise ModelConfigError("scripted needs a path: scripted:PATH")
        from app.agent.scripted import ScriptedModel

        return ScriptedModel.from_file(Path(argument))
    if kind == "bedrock":
        return _bedrock(argument or DEFAULT_BEDROCK_MODEL, settings)
    if kind in _PROVIDERS:
        if not argument:
            raise ModelConfigError(f"{kind} needs a model: {kind}:MODEL")
        return _provider(kind, argument, settings)
    known = "none, scripted:PATH, bedrock:MODEL_ID, " + ", ".join(f"{name}:…" for name in _PROVIDERS)
    raise ModelConfigError(f"unknown model spec {spec!r}; use one of: {known}")


def _bedrock(model_id: str, settings: Settings) -> Model:
    from botocore.config import Config
    from strands.models.bedrock import BedrockModel

    config = Config(
        connect_timeout=5,
        read_timeout=_read_timeout(settings),
        retries={"total_max_attempts": settings.model_max_attempts, "mode": "standard"},
    )
    return BedrockModel(
        model_id=model_id, region_name=settings.aws_region, boto_client_config=config, max_tokens=MAX_OUTPUT_TOKENS
    )


def _provider(kind: str, argument: str, settings: Settings) -> Model:
    module_name, class_name, extra = _PROVIDERS[kind]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ModelConfigError(
            f"the {kind} provider needs an optional package ({exc.name}): pip install 'runbook-aiops[{extra}]'"
        ) from exc
    cls: Any = getattr(module, class_name)
    timeout = _read_timeout(settings)
    if kind == "llamacpp":
        return cls(base_url=argument, timeout=timeout)  # type: ignore[no-any-return]
    if kind == "ollama":
        return cls(settings.ollama_host or None, model_id=argument)  # type: ignore[no-any-return]
    if kind == "litellm":
        return cls(model_id=argument, params={"max_tokens": MAX_OUTPUT_TOKENS})  # type: ignore[no-any-return]
    if kind == "openai":
        client_args = {"timeout": timeout, "max_retries": settings.model_max_attempts - 1}
        return cls(client_args=client_args, model_id=argument)  # type: ignore[no-any-return]
    client_args = {"timeout": timeout, "max_retries": settings.model_max_attempts - 1}
    return cls(client_args=client_args, model_id=argument, max_tokens=MAX_OUTPUT_TOKENS)  # type: ignore[no-any-return]


def _read_timeout(settings: Settings) -> float:
    """Each attempt's read timeout: the configured one, lowered so that every attempt fits the agent's budget."""
    return per_attempt_read_timeout(
        settings.model_read_timeout_seconds, settings.timeout_seconds, settings.model_max_attempts
    )
