"""Fixtures of the infrastructure tests (helpers live in synthesis.py beside this file)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from synthesis import BASE_CONFIG, Synthesised, synthesise


@pytest.fixture(scope="session")
def placeholder_assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("assets")
    for name in ("ingress", "worker"):
        handler = root / name / "app" / name / "handler.py"
        handler.parent.mkdir(parents=True)
        handler.write_text("def lambda_handler(event, context):\n    raise NotImplementedError\n")
    return root


@pytest.fixture(scope="session")
def synth(placeholder_assets: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Synthesised]:
    """Synthesise ``BASE_CONFIG`` with changes; results are shared by the whole session."""
    cache: dict[str, Synthesised] = {}
    folder = tmp_path_factory.mktemp("configs")

    def run(**changes: Any) -> Synthesised:
        config = {**BASE_CONFIG, **changes}
        key = json.dumps(config, sort_keys=True)
        if key not in cache:
            cache[key] = synthesise(config, placeholder_assets, folder)
        return cache[key]

    return run


@pytest.fixture(scope="session")
def base(synth: Callable[..., Synthesised]) -> Synthesised:
    return synth()
