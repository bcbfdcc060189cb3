"""The limits the worker, the agent and the executor default to are the settings' defaults, written once."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import pytest

from app.actions.executor import ExecutorDeps
from app.agent.budget import Budget
from app.config import Settings, setting_default
from app.worker.correlate import Correlation
from app.worker.deps import WorkerDeps
from app.worker.spend import SpendLimits

# (dataclass, field) → the setting it defaults to
FIELDS: dict[tuple[type[Any], str], str] = {
    (Budget, "max_turns"): "max_turns",
    (Budget, "max_total_tokens"): "max_total_tokens",
    (Budget, "timeout_seconds"): "timeout_seconds",
    (WorkerDeps, "model_spec"): "model",
    (WorkerDeps, "evidence_timeout"): "evidence_timeout_seconds",
    (WorkerDeps, "progress_interval"): "progress_interval_seconds",
    (WorkerDeps, "model_runs"): "model_runs",
    (WorkerDeps, "tiebreak"): "runbook_tiebreak",
    (Correlation, "repeat_window"): "repeat_window_seconds",
    (Correlation, "storm_window"): "storm_window_seconds",
    (Correlation, "storm_threshold"): "storm_threshold",
    (Correlation, "archive_url"): "slack_archive_url",
    (SpendLimits, "tokens"): "daily_budget_tokens",
    (SpendLimits, "usd"): "daily_budget_usd",
    (SpendLimits, "channel_tokens"): "channel_daily_budget_tokens",
    (SpendLimits, "channel_usd"): "channel_daily_budget_usd",
    (ExecutorDeps, "step_timeout"): "evidence_timeout_seconds",
    (ExecutorDeps, "max_wait"): "verify_max_wait_seconds",
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AIOPS_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(("owner", "name", "setting"), [(*key, value) for key, value in FIELDS.items()])
def test_a_dataclass_default_is_the_settings_default(owner: type[Any], name: str, setting: str) -> None:
    defaults = {item.name: item.default for item in dataclasses.fields(owner)}

    assert defaults[name] == getattr(Settings(), setting)


def test_setting_default_is_the_field_default() -> None:
    assert setting_default("max_turns") == Settings().max_turns
    assert setting_default("alert_channels") == ()


def test_an_unknown_setting_has_no_default() -> None:
    with pytest.raises(KeyError):
        setting_default("max_turn")
