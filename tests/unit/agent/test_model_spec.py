"""model_from_spec: each spec kind, and the errors people see for bad or unavailable ones."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from app.agent.models import ModelConfigError, model_from_spec
from app.agent.scripted import ScriptedModel, ScriptError
from app.config import Settings


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, aws_env: None) -> Settings:
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)
    return Settings(aws_region="us-east-1")


@pytest.mark.parametrize("spec", ["none", "NONE", "", "  none  "])
def test_none_means_no_model(settings: Settings, spec: str) -> None:
    assert model_from_spec(spec, settings) is None


def test_scripted_spec_loads_the_script(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "turns.yaml"
    path.write_text("turns:\n  - text: done\n", encoding="utf-8")

    model = model_from_spec(f"scripted:{path}", settings)

    assert isinstance(model, ScriptedModel)
    assert model.get_config()["model_id"] == "scripted:turns.yaml"


def test_scripted_spec_with_a_bad_file_raises_script_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(ScriptError, match="missing.yaml"):
        model_from_spec(f"scripted:{tmp_path / 'missing.yaml'}", settings)


@pytest.mark.parametrize(
    ("spec", "message"),
    [("scripted", "scripted needs a path: scripted:PATH"), ("openai:", "openai needs a model: openai:MODEL")],
)
def test_incomplete_specs_say_what_is_missing(settings: Settings, spec: str, message: str) -> None:
    with pytest.raises(ModelConfigError) as raised:
        model_from_spec(spec, settings)

    assert str(raised.value) == message


def test_unknown_spec_lists_the_choices(settings: Settings) -> None:
    with pytest.raises(ModelConfigError) as raised:
        model_from_spec("gpt4:turbo", settings)

    message = str(raised.value)
    assert message.startswith("unknown model spec 'gpt4:turbo'")
    for choice in ("none", "scripted:PATH", "bedrock:MODEL_ID", "anthropic:", "openai:", "ollama:", "litellm:"):
        assert choice in message


@pytest.mark.skipif(importlib.util.find_spec("anthropic") is not None, reason="the anthropic package is installed")
def test_anthropic_without_its_package_says_how_to_install_it(settings: Settings) -> None:
    with pytest.raises(ModelConfigError) as raised:
        model_from_spec("anthropic:claude-x", settings)

    assert "pip install" in str(raised.value)
    assert "runbook-aiops[anthropic]" in str(raised.value)


def test_bedrock_spec_builds_a_bedrock_model_without_calling_aws(settings: Settings) -> None:
    from strands.models.bedrock import BedrockModel

    model = model_from_spec("bedrock:us.anthropic.claude-test-v1:0", settings)

    assert isinstance(model, BedrockModel)
    assert model.get_config()["model_id"] == "us.anthropic.claude-test-v1:0"
    assert model.get_config()["max_tokens"] == 4096


def test_bedrock_without_an_id_uses_the_pinned_default(settings: Settings) -> None:
    model = model_from_spec("bedrock", settings)

    assert model is not None
    model_id = model.get_config()["model_id"]
    assert model_id == "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert "latest" not in model_id
